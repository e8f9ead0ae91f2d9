package results

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"pinggu/internal/analysis"
)

// The figures of a stat as every page, document, data book and export
// shows them. S5's check compares exactly these: what is published is
// what an attacker solves from.

// RateText shows the favorable rate: "—" without data, "*" when hidden,
// rounded from the exact integers when it is one unit's plain ratio.
func (s *Stat) RateText() string {
	switch {
	case s.Rate.N == 0:
		return "—"
	case s.Hidden:
		return "*"
	case s.Coarse:
		return fmt.Sprintf("%d%%", wholePercent(s.Rate.P))
	case s.Rate.P == float64(s.Rate.X)/float64(s.Rate.N):
		// One unit's rate (or a weighted one that equals the plain ratio):
		// rounded from the exact integers.
		return analysis.PercentOf(s.Rate.X, s.Rate.N)
	}
	return analysis.Percent(s.Rate.P)
}

// IntervalText shows the 95 % interval, "全员参评" for a census.
func (s *Stat) IntervalText() string {
	switch {
	case !s.Shown():
		return "—"
	case s.Rate.Census:
		return "全员参评"
	case s.Rate.NoInterval:
		return "单位过少，不计"
	case s.Coarse || s.IntervalHidden:
		// Published coarser, or a dimension beside hidden objects (S5
		// v2): the interval would pin their answers through the variance.
		return "—"
	case s.Pooled:
		// Several units' estimate: bounds in whole percent (S5 v2). At one
		// decimal, the interval pins the variance, and with the rate pins
		// the answers of hidden objects beside it.
		return fmt.Sprintf("%d–%d%%", wholePercent(s.Rate.Lo), wholePercent(s.Rate.Hi))
	}
	return strings.TrimSuffix(analysis.Percent(s.Rate.Lo), "%") + "–" + analysis.Percent(s.Rate.Hi)
}

// wholePercent rounds a proportion to a whole percent, half up.
func wholePercent(p float64) int { return int(math.Floor(p*100 + 0.5 + 1e-9)) }

// MeanText shows the mean score with one decimal.
func (s *Stat) MeanText() string {
	if !s.Shown() {
		return "—"
	}
	if s.Coarse {
		return strconv.Itoa(int(math.Floor(s.Mean + 0.5 + 1e-9)))
	}
	return fmt.Sprintf("%.1f", s.Mean+1e-9)
}

// Published is every figure of the stat that is shown anywhere. The
// effective sample size and the variance are not: each would pin the
// hidden answers further (S5).
func (s *Stat) Published() [3]string {
	return [3]string{s.RateText(), s.IntervalText(), s.MeanText()}
}

// Values are a shown stat's figures as numbers at their published
// precision (rates to 0.1 %, the mean to 0.1), for the data
// book and the API: a machine-readable file must not carry more digits
// than the page, or S5's check would guard the wrong figures. Nil where
// the figure is not shown (a census has no bounds).
type Values struct {
	Rate, Lo, Hi, Mean *float64
}

// Values parses the published texts back into numbers.
func (s *Stat) Values() Values {
	var v Values
	if !s.Shown() {
		return v
	}
	pct := func(t string) *float64 {
		f, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
		if err != nil {
			return nil
		}
		f = math.Round(f*10) / 1000
		return &f
	}
	num := func(t string) *float64 {
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil
		}
		return &f
	}
	v.Rate, v.Mean = pct(s.RateText()), num(s.MeanText())
	if s.Rate.HasInterval() {
		lo, hi, _ := strings.Cut(strings.TrimSuffix(s.IntervalText(), "%"), "–")
		v.Lo, v.Hi = pct(lo), pct(hi)
	}
	return v
}

// Difference is a's favorable rate less b's as the two are published
// (their rounded values), never from the exact estimates: a difference
// printed to a tenth of a point from the exact rates would carry the
// digits that rounding, or a coarser figure, withheld (S5). ok is false
// unless both are shown.
func Difference(a, b *Stat) (d float64, ok bool) {
	if a == nil || b == nil || !a.Shown() || !b.Shown() {
		return 0, false
	}
	x, y := a.Values().Rate, b.Values().Rate
	if x == nil || y == nil {
		return 0, false
	}
	return *x - *y, true
}
