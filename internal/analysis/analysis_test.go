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
	// N = 40, n = 30, p = 0.9 → v = 0.25·0.09/29, n_eff = 116 → [0.832, 0.942].
	r := UnitRate(27, 30, 40)
	if !near(r.P, 0.9, 1e-12) || !near(r.Var, 0.25*0.09/29, 1e-15) || !near(r.NEff, 116, 1e-9) {
		t.Errorf("N=40: p %v, v %v, n_eff %v", r.P, r.Var, r.NEff)
	}
	if !near(r.Lo, 0.832, 5e-4) || !near(r.Hi, 0.942, 5e-4) || r.Census || r.Suppressed {
		t.Errorf("N=40: [%.4f, %.4f] %+v, want [0.832, 0.942]", r.Lo, r.Hi, r)
	}
}

// TestStratifiedByHand checks a two-stratum estimate computed by hand:
//
//	A: N_A = 200, n_A = 40, x_A = 36, p_A = 0.9, f_A = 0.2, W_A = 200/800 = 0.25
//	B: N_B = 600, n_B = 60, x_B = 42, p_B = 0.7, f_B = 0.1, W_B = 0.75
//	p = 0.25·0.9 + 0.75·0.7 = 0.225 + 0.525 = 0.75
//	v = 0.25²·0.8·0.9·0.1/39 + 0.75²·0.9·0.7·0.3/59
//	  = 0.0045/39 + 0.1063125/59 = 0.000115385 + 0.001801907 = 0.001917291
//	n_eff = 0.75·0.25/0.001917291 = 97.794
//	Wilson(0.75, 97.794), z² = 3.841459: z²/2n = 0.019641,
//	z·√(0.1875/97.794 + z²/4n²) = z·√(0.0019173 + 0.0001004) = 0.088040,
//	1 + z²/n = 1.039281 → [(0.769641 − 0.088040)/1.039281, (0.769641 + 0.088040)/1.039281]
//	= [0.6558, 0.8253]
func TestStratifiedByHand(t *testing.T) {
	r := Stratified([]Stratum{{X: 36, N: 40, Pop: 200}, {X: 42, N: 60, Pop: 600}})
	if !near(r.P, 0.75, 1e-12) || !near(r.Var, 0.001917291, 1e-9) || !near(r.NEff, 97.794, 1e-3) {
		t.Errorf("p %v, v %v, n_eff %v", r.P, r.Var, r.NEff)
	}
	if !near(r.Lo, 0.6558, 5e-4) || !near(r.Hi, 0.8253, 5e-4) {
		t.Errorf("[%.4f, %.4f]", r.Lo, r.Hi)
	}
	if r.X != 78 || r.N != 100 || r.Pop != 800 || r.Census {
		t.Errorf("%+v", r)
	}
}

func TestCensusZeroVarianceAndSuppression(t *testing.T) {
	// A census has no sampling error: the rate without an interval.
	c := UnitRate(36, 40, 40)
	if !c.Census || c.HasInterval() || c.P != 0.9 || c.Var != 0 {
		t.Errorf("census: %+v", c)
	}
	// v = 0 without a census (everyone favorable): n_eff = n(N − 1)/(N − n)
	// = 100·399/300 = 133.
	z := UnitRate(100, 100, 400)
	if z.Var != 0 || !near(z.NEff, 133, 1e-9) || !near(z.Lo, 0.9719, 5e-4) || z.Hi != 1 {
		t.Errorf("v = 0: %+v", z)
	}
	// Fewer than five answers: suppressed; five: shown.
	if r := UnitRate(4, 4, 30); !r.Suppressed || r.HasInterval() {
		t.Errorf("4 answers shown: %+v", r)
	}
	if r := UnitRate(4, 5, 30); r.Suppressed || !r.HasInterval() {
		t.Errorf("5 answers suppressed: %+v", r)
	}
	// A stratum without answers carries no weight.
	s := Stratified([]Stratum{{X: 27, N: 30, Pop: 40}, {Pop: 500}})
	if s.Pop != 40 || !near(s.P, 0.9, 1e-12) {
		t.Errorf("empty stratum: %+v", s)
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
	a, b := UnitRate(27, 30, 40), UnitRate(18, 30, 40)
	if Overlap(a, b) {
		t.Errorf("[%.3f, %.3f] and [%.3f, %.3f] overlap", a.Lo, a.Hi, b.Lo, b.Hi)
	}
	if !Overlap(a, UnitRate(25, 30, 40)) {
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

// TestPooled: a dimension of two items answered by 20 respondents of a
// roster of 100, 30 of the 40 answers favorable, has p = 0.75 and the
// variance of 20 respondents: (1 − 20/100)·0.75·0.25/19 = 0.0078947…,
// n_eff = 0.1875/0.0078947 = 23.75 — the same as one item with 15 of 20.
func TestPooled(t *testing.T) {
	got := Pooled([]Stratum{{X: 30, N: 40, Pop: 100}}, 2)
	one := UnitRate(15, 20, 100)
	if got.X != 30 || got.N != 40 || math.Abs(got.P-0.75) > 1e-12 || math.Abs(got.NEff-23.75) > 1e-9 ||
		got.Var != one.Var || got.Lo != one.Lo || got.Hi != one.Hi {
		t.Errorf("pooled = %+v, one item = %+v", got, one)
	}
	// 8 answers to 2 items are 4 respondents: suppressed.
	if r := Pooled([]Stratum{{X: 8, N: 8, Pop: 50}}, 2); !r.Suppressed {
		t.Error("a dimension answered by 4 respondents is shown")
	}
	if r := Pooled([]Stratum{{X: 10, N: 12, Pop: 6}}, 2); !r.Census || r.HasInterval() {
		t.Errorf("every one of 6 answered both items: %+v", r)
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
