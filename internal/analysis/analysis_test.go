package analysis

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestPlanningChecks reproduces every planning check of SAMPLING.md S4.
func TestPlanningChecks(t *testing.T) {
	// n = 30, p = 0.90, no fpc → [0.744, 0.965].
	if lo, hi := Wilson(0.9, 30); !near(lo, 0.744, 5e-4) || !near(hi, 0.965, 5e-4) {
		t.Errorf("n=30: [%.4f, %.4f], want [0.744, 0.965]", lo, hi)
	}
	// n = 100, p = 0.90 → [0.826, 0.945].
	if lo, hi := Wilson(0.9, 100); !near(lo, 0.826, 5e-4) || !near(hi, 0.945, 5e-4) {
		t.Errorf("n=100: [%.4f, %.4f], want [0.826, 0.945]", lo, hi)
	}
	// The one-object check with a population (N = 40, t on 29 df) is
	// TestDesignHandCheck.
}

// unitRate is one object's rate by the design: x favorable of n answers
// from a roster of pop.
func unitRate(x, n, pop int) Rate {
	var m Moments
	for j := range n {
		y := int64(0)
		if j < x {
			y = 1
		}
		m.Add(1, y)
	}
	return DesignRate(Design([]Stratum1{{Certainty: true}}, []Cluster{{Pop: pop, M: m}}), true, pop)
}

func TestCensusZeroVarianceAndSuppression(t *testing.T) {
	// A census has no sampling error: the rate without an interval.
	c := unitRate(36, 40, 40)
	if !c.Census || c.HasInterval() || c.P != 0.9 || c.Var != 0 {
		t.Errorf("census: %+v", c)
	}
	// v = 0 without a census (everyone favorable): n_eff = n(N − 1)/(N − n)
	// = 100·399/300 = 133, t on 99 df = 1.984217: the lower bound is
	// 133/(133 + t²) = 0.97127.
	z := unitRate(100, 100, 400)
	if z.Var != 0 || !near(z.NEff, 133, 1e-9) || !near(z.Lo, 133/(133+z.T*z.T), 1e-12) || !near(z.Lo, 0.9713, 5e-4) || z.Hi != 1 {
		t.Errorf("v = 0: %+v", z)
	}
	// Fewer than five answers: suppressed; five: shown.
	if r := unitRate(4, 4, 30); !r.Suppressed || r.HasInterval() {
		t.Errorf("4 answers shown: %+v", r)
	}
	if r := unitRate(4, 5, 30); r.Suppressed || !r.HasInterval() {
		t.Errorf("5 answers suppressed: %+v", r)
	}
}

func TestTally(t *testing.T) {
	tl := NewTally(4)
	for _, a := range []int{0, 0, 1, 2, 3, -1, -1} {
		if err := tl.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := tl.Add(4); err == nil {
		t.Error("level 4 of a 4-level scale was counted")
	}
	if tl.Answered() != 5 || tl.Favorable() != 3 || tl.Unknown != 2 {
		t.Errorf("%+v: answered %d, favorable %d", tl, tl.Answered(), tl.Favorable())
	}
	if m, ok := tl.Mean([]int{100, 80, 60, 40}); !ok || m != 76 {
		t.Errorf("mean %v", m)
	}
	other := NewTally(4)
	other.Add(3)
	tl.Merge(other)
	if tl.Levels[3] != 2 || tl.Answered() != 6 {
		t.Errorf("merged: %+v", tl)
	}
	if _, ok := NewTally(4).Mean([]int{100, 80, 60, 40}); ok {
		t.Error("a mean of nothing")
	}
}

func TestPercentRoundsHalfUp(t *testing.T) {
	for _, c := range []struct {
		num, den int
		want     string
	}{{2, 3, "66.7%"}, {1, 8, "12.5%"}, {1, 16, "6.3%"}, {1, 3, "33.3%"}, {27, 30, "90.0%"}, {0, 7, "0.0%"}, {7, 7, "100.0%"}, {1, 0, "—"}, {1, 2000, "0.1%"}, {1, 2001, "0.0%"}} {
		if got := PercentOf(c.num, c.den); got != c.want {
			t.Errorf("%d/%d = %s, want %s", c.num, c.den, got, c.want)
		}
	}
	if got := Percent(0.0625); got != "6.3%" {
		t.Errorf("0.0625 = %s", got)
	}
	if got := Percent(0.75); got != "75.0%" {
		t.Errorf("0.75 = %s", got)
	}
}

func TestOverlap(t *testing.T) {
	a, b := unitRate(27, 30, 40), unitRate(18, 30, 40)
	if Overlap(a, b) {
		t.Errorf("[%.3f, %.3f] and [%.3f, %.3f] overlap", a.Lo, a.Hi, b.Lo, b.Hi)
	}
	if !Overlap(a, unitRate(25, 30, 40)) {
		t.Error("close rates do not overlap")
	}
}

func TestSuppressDerivableCells(t *testing.T) {
	for _, c := range []struct {
		ns   []int
		want []bool
	}{
		{[]int{30, 20, 10}, []bool{false, false, false}},
		// One small cell: the total would give it away, so the next
		// smallest goes too.
		{[]int{30, 3, 10}, []bool{false, true, true}},
		// Two small cells that together rest on fewer than 5: a third.
		{[]int{30, 1, 2, 10, 12}, []bool{false, true, true, true, false}},
		// Two small cells resting on 5 or more together: enough.
		{[]int{30, 4, 3, 10}, []bool{false, true, true, false}},
		// Empty cells hide nothing and are not needed.
		{[]int{0, 3, 0, 8}, []bool{false, true, false, true}},
		// Nothing can keep one small cell hidden: all go.
		{[]int{3}, []bool{true}},
		{[]int{2, 2}, []bool{true, true}},
		{nil, []bool{}},
	} {
		got := Suppress(c.ns)
		if len(got) != len(c.want) {
			t.Fatalf("%v: %v", c.ns, got)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%v: %v, want %v", c.ns, got, c.want)
				break
			}
		}
	}
}

// TestSuppressNeverLeaves checks 10,000 random rows: no shown cell rests
// on fewer than 5, and the suppressed cells are none, or at least two
// resting on 5 or more together, or every cell with respondents.
func TestSuppressNeverLeaves(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		ns := make([]int, 1+rng.IntN(8))
		for i := range ns {
			ns[i] = rng.IntN(12)
		}
		hidden := Suppress(ns)
		sum, count, nonzero := 0, 0, 0
		for i, n := range ns {
			if n > 0 {
				nonzero++
			}
			if hidden[i] {
				if n == 0 {
					t.Fatalf("%v: an empty cell hidden", ns)
				}
				sum += n
				count++
			} else if n > 0 && n < MinRespondents {
				t.Fatalf("%v: %d respondents shown", ns, n)
			}
		}
		if count > 0 && !(count >= 2 && sum >= MinRespondents) && count != nonzero {
			t.Fatalf("%v → %v: the hidden cells can be derived", ns, hidden)
		}
	}
}

// TestRanks: three rates whose intervals chain (a overlaps b, b overlaps
// c, a is clearly above c), one clearly last, one suppressed.
func TestRanks(t *testing.T) {
	a := Rate{X: 1, N: 30, Lo: 0.80, Hi: 0.95}
	b := Rate{X: 1, N: 30, Lo: 0.70, Hi: 0.85}
	c := Rate{X: 1, N: 30, Lo: 0.60, Hi: 0.75}
	d := Rate{X: 1, N: 30, Lo: 0.20, Hi: 0.40}
	e := Rate{X: 1, N: 3, Suppressed: true}
	got := Ranks([]Rate{a, b, c, d, e})
	want := []string{"1–2", "1–3", "2–3", "4", "—"}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("rank %d = %s, want %s", i, got[i], want[i])
		}
	}
}
