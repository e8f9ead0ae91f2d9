//go:build race

package similar

// raceEnabled: the race detector slows the exact all-pairs truth the
// quality test compares with; it builds smaller corpora.
const raceEnabled = true
