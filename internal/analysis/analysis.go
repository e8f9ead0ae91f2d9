// Package analysis holds the statistics of the reports, exactly as
// SAMPLING.md S4 and S5 (v2) state them: tallies of answers, the two-stage
// design estimate (design.go) with its variance, degrees of freedom and
// Wilson interval on an effective sample size with a t quantile, ranks,
// and the suppression of small results with the exact check that nothing
// hidden can be solved for (derive.go). Everything here is a pure function
// of integers; nothing reads the database.
package analysis

import (
	"fmt"
	"math"
)

// Z is the normal quantile of a two-sided 95 % interval.
const Z = 1.959964

// MinRespondents is the fewest respondents a shown result may rest on
// (S5); below it the result is suppressed everywhere.
const MinRespondents = 5

// Tally counts the answers to one question: Levels[i] answered level i
// (best first), Unknown answered 不了解.
type Tally struct {
	Levels  []int
	Unknown int
}

// NewTally returns an empty tally for a scale of levels levels.
func NewTally(levels int) Tally { return Tally{Levels: make([]int, levels)} }

// Add counts one answer: a level index, or -1 for 不了解.
func (t *Tally) Add(answer int) error { return t.AddN(answer, 1) }

// AddN counts n answers of the same level.
func (t *Tally) AddN(answer, n int) error {
	switch {
	case answer == -1:
		t.Unknown += n
	case answer >= 0 && answer < len(t.Levels):
		t.Levels[answer] += n
	default:
		return fmt.Errorf("answer %d is not a level of a %d-level scale", answer, len(t.Levels))
	}
	return nil
}

// Merge adds o's counts to t; both must have the same levels.
func (t *Tally) Merge(o Tally) {
	for i := range o.Levels {
		t.Levels[i] += o.Levels[i]
	}
	t.Unknown += o.Unknown
}

// Answered is the denominator of every rate: the answers other than 不了解.
func (t Tally) Answered() int {
	n := 0
	for _, c := range t.Levels {
		n += c
	}
	return n
}

// Favorable counts 好 and 较好: the two best levels.
func (t Tally) Favorable() int {
	x := 0
	for i := 0; i < 2 && i < len(t.Levels); i++ {
		x += t.Levels[i]
	}
	return x
}

// Mean is the mean score of the answered levels (scores best first, as
// the campaign's scale gives them), and false when nobody answered.
func (t Tally) Mean(scores []int) (float64, bool) {
	n, sum := 0, 0
	for i, c := range t.Levels {
		n += c
		sum += c * scores[i]
	}
	if n == 0 {
		return 0, false
	}
	return float64(sum) / float64(n), true
}

// Rate is a favorable rate with its uncertainty.
type Rate struct {
	X, N int // favorable answers and answers (不了解 left out)
	// Respondents who gave the answers (a dimension's respondents answer
	// several items); a design estimate is suppressed below
	// MinRespondents of them.
	Respondents int
	// Pop is the population the sample was drawn from (the roster's
	// size, or the sum of the strata's), 0 when unknown or unbounded.
	Pop int
	P   float64 // the estimate
	Var float64 // its variance
	// NEff is the effective sample size the interval uses.
	NEff float64
	// Lo and Hi bound the Wilson interval; a census has none.
	Lo, Hi float64
	Census bool
	// DF is the design's degrees of freedom and T its t_{0.975, DF}
	// (design estimates only). NoInterval: DF < 1, so the rate is shown
	// without an interval, and the reason with it.
	DF         int
	T          float64
	NoInterval bool
	// Suppressed: fewer than MinRespondents answers, so nothing of this
	// rate may be shown.
	Suppressed bool
}

// HasInterval reports whether the rate carries an interval: it is shown
// and not a census.
func (r Rate) HasInterval() bool { return !r.Suppressed && !r.Census && !r.NoInterval && r.N > 0 }

// Wilson is the Wilson score interval of p on n:
// [p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)] / (1 + z²/n).
// It is the planning interval (z, no design); estimates use WilsonT.
func Wilson(p, n float64) (lo, hi float64) { return WilsonT(p, n, Z) }

// Overlap reports whether two rates' intervals overlap, so that they may
// not be ranked as different. A census is its own point interval.
func Overlap(a, b Rate) bool {
	return a.Lo <= b.Hi && b.Lo <= a.Hi
}

// PercentOf shows num/den as a percentage with one decimal, rounded half
// up from the exact integers: 2/3 → "66.7%", 1/8 → "12.5%".
func PercentOf(num, den int) string {
	if den <= 0 {
		return "—"
	}
	tenths := (2000*int64(num) + int64(den)) / (2 * int64(den))
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// Percent shows a proportion (an estimate that is not a ratio of two
// integers, such as a stratified rate) with one decimal, half up.
func Percent(p float64) string {
	tenths := int64(math.Floor(p*1000 + 0.5 + 1e-9))
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// Rank is where a rate may stand among others, given the intervals:
// Best is 1 plus the rates clearly above it (their interval entirely
// above its own), Worst the count less those clearly below. Best == Worst
// is a definite place; otherwise the rates in between cannot be told
// apart. A suppressed or empty rate has no rank (0, 0).
type Rank struct{ Best, Worst int }

// Ranks ranks rates only where their intervals do not overlap (S4).
func Ranks(rates []Rate) []Rank {
	out := make([]Rank, len(rates))
	shown := 0
	for _, r := range rates {
		if !r.Suppressed && r.N > 0 {
			shown++
		}
	}
	for i, a := range rates {
		if a.Suppressed || a.N == 0 {
			continue
		}
		above, below := 0, 0
		for j, b := range rates {
			if i == j || b.Suppressed || b.N == 0 || Overlap(a, b) {
				continue
			}
			if b.Lo > a.Hi {
				above++
			} else {
				below++
			}
		}
		out[i] = Rank{Best: 1 + above, Worst: shown - below}
	}
	return out
}

// String shows a rank as "3" or "2–5", and "—" when there is none.
func (r Rank) String() string {
	switch {
	case r.Best == 0:
		return "—"
	case r.Best == r.Worst:
		return fmt.Sprint(r.Best)
	}
	return fmt.Sprintf("%d–%d", r.Best, r.Worst)
}
