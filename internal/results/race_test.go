//go:build race

package results_test

// raceEnabled: the race detector makes each random city's check and
// attack several times slower; the test builds fewer of them.
const raceEnabled = true
