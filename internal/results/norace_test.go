//go:build !race

package results_test

const raceEnabled = false
