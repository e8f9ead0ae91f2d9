package analysis

import (
	"encoding/csv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// rcity is the test city of testdata/rcity, read from its CSV files.
type rcity struct {
	strata   []Stratum1
	county   []string          // per stratum
	stratum  map[string]int    // stratum name → index
	units    map[string]int    // unit → stratum index
	pop      map[string]int    // unit → roster size
	dimOf    map[string]string // question → dimension
	answers  []rcityAnswer
	unitList []string
}

type rcityAnswer struct {
	respondent, unit, question string
	level                      int
}

func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "rcity", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func loadRCity(t *testing.T) *rcity {
	c := &rcity{stratum: map[string]int{}, units: map[string]int{}, pop: map[string]int{}, dimOf: map[string]string{}}
	for _, r := range readCSV(t, "strata.csv") {
		c.stratum[r[0]] = len(c.strata)
		c.strata = append(c.strata, Stratum1{Pop: atoi(t, r[3]), Certainty: r[4] == "1"})
		c.county = append(c.county, r[1])
	}
	for _, r := range readCSV(t, "units.csv") {
		c.units[r[0]] = c.stratum[r[1]]
		c.pop[r[0]] = atoi(t, r[2])
		c.unitList = append(c.unitList, r[0])
	}
	for _, r := range readCSV(t, "questions.csv") {
		c.dimOf[r[0]] = r[1]
	}
	for _, r := range readCSV(t, "answers.csv") {
		c.answers = append(c.answers, rcityAnswer{r[0], r[1], r[2], atoi(t, r[3])})
	}
	return c
}

// moments builds each unit's moments of the answers in question set q
// (an item, or a dimension's items): y is favorable (score false) or the
// score.
func (c *rcity) moments(q string, score bool) map[string]Moments {
	scores := []int64{100, 80, 60, 40}
	type acc struct{ a, y int64 }
	per := map[string]map[string]*acc{} // unit → respondent → rows
	for _, a := range c.answers {
		if a.level < 0 || (a.question != q && c.dimOf[a.question] != q) {
			continue
		}
		if per[a.unit] == nil {
			per[a.unit] = map[string]*acc{}
		}
		r := per[a.unit][a.respondent]
		if r == nil {
			r = &acc{}
			per[a.unit][a.respondent] = r
		}
		r.a++
		switch {
		case score:
			r.y += scores[a.level]
		case a.level <= 1:
			r.y++
		}
	}
	out := map[string]Moments{}
	for u, rs := range per {
		var m Moments
		for _, r := range rs {
			m.Add(r.a, r.y)
		}
		out[u] = m
	}
	return out
}

// domain returns the design of a domain: one unit alone (its own
// certainty stratum), a county's strata, or the whole city.
func (c *rcity) domain(name string, ms map[string]Moments) ([]Stratum1, []Cluster, bool) {
	if _, ok := c.units[name]; ok {
		return []Stratum1{{Pop: 1, Certainty: true}}, []Cluster{{Stratum: 0, Pop: c.pop[name], M: ms[name]}}, true
	}
	var cl []Cluster
	for _, u := range c.unitList {
		h := c.units[u]
		if name == "city" || c.county[h] == name {
			cl = append(cl, Cluster{Stratum: h, Pop: c.pop[u], M: ms[u]})
		}
	}
	return c.strata, cl, false
}

// TestDesignMatchesR compares every figure of the test city with R's
// survey package (testdata/rcity/golden.csv, made by survey.R) to 1e-9.
func TestDesignMatchesR(t *testing.T) {
	c := loadRCity(t)
	golden := readCSV(t, "golden.csv")
	if len(golden) < 100 {
		t.Fatalf("golden.csv has %d rows", len(golden))
	}
	num := func(s string) float64 {
		if s == "NA" {
			return math.NaN()
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	cases := map[string]int{}
	for _, g := range golden {
		dom, q := g[0], g[1]
		strata, cl, single := c.domain(dom, c.moments(q, false))
		e := Design(strata, cl)
		r := DesignRate(e, single, c.pop[dom])
		_, cls, _ := c.domain(dom, c.moments(q, true))
		s := Design(strata, cls)
		got := map[string]float64{
			"respondents": float64(e.Respondents), "answers": float64(e.Answers),
			"p": e.Value, "var": r.Var, "mean": s.Value, "df": float64(e.DF),
			"census": b2f(e.Census), "neff": math.NaN(), "lo": math.NaN(), "hi": math.NaN(),
		}
		if !e.Census {
			got["var_mean"] = s.Var
			got["neff"] = r.NEff
			if e.DF >= 1 {
				got["lo"], got["hi"] = r.Lo, r.Hi
			}
		} else {
			got["var_mean"] = 0
		}
		for i, col := range []string{"respondents", "answers", "p", "var", "mean", "var_mean", "df", "census", "neff", "lo", "hi"} {
			want := num(g[i+2])
			if math.IsNaN(want) != math.IsNaN(got[col]) || math.Abs(want-got[col]) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s %s: got %.12g, R %.12g", dom, q, col, got[col], want)
			}
		}
		switch {
		case e.Census:
			cases["census"]++
		case e.Value == 1 || e.Value == 0:
			cases["p̂ = 0 or 1"]++
		}
		if !single {
			for h := range strata {
				if n := unitsIn(cl, h); n == 1 && !strata[h].Certainty {
					cases["m_h = 1"]++
				}
			}
		}
	}
	// The city holds the cases S4 names; make sure the goldens reach them.
	for _, k := range []string{"census", "p̂ = 0 or 1", "m_h = 1"} {
		if cases[k] == 0 {
			t.Errorf("no golden figure with %s", k)
		}
	}
	keys := make([]string, 0, len(cases))
	for k := range cases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%s: %d figures", k, cases[k])
	}
}

func unitsIn(cl []Cluster, h int) int {
	n := 0
	for _, c := range cl {
		if c.Stratum == h && c.M.N > 0 {
			n++
		}
	}
	return n
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestRGoldensAreR re-runs survey.R and fails when R and golden.csv
// disagree. Under CI R must be there; elsewhere the test skips without it.
func TestRGoldensAreR(t *testing.T) {
	if _, err := exec.LookPath("Rscript"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Rscript is not installed: under CI the R goldens must be checked")
		}
		t.Skip("Rscript is not installed")
	}
	cmd := exec.Command("Rscript", "survey.R", "--check")
	cmd.Dir = filepath.Join("..", "..", "testdata", "rcity")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("survey.R --check: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestDesignHandCheck is S4's hand check: one object, n = 30, p = 0.90,
// N = 40, df = 29 → t = 2.045230, v = 0.25·0.09/29, n_eff = 116 →
// [0.8284, 0.9438].
func TestDesignHandCheck(t *testing.T) {
	var m Moments
	for j := 0; j < 30; j++ {
		m.Add(1, int64(b2f(j < 27)))
	}
	e := Design([]Stratum1{{Certainty: true}}, []Cluster{{Pop: 40, M: m}})
	r := DesignRate(e, true, 40)
	if e.DF != 29 || !near(r.T, 2.045230, 5e-7) || !near(r.Var, 0.25*0.09/29, 1e-15) || !near(r.NEff, 116, 1e-9) {
		t.Errorf("df %d, t %.6f, v %g, n_eff %g", e.DF, r.T, r.Var, r.NEff)
	}
	if !near(r.Lo, 0.8284, 5e-5) || !near(r.Hi, 0.9438, 5e-5) {
		t.Errorf("[%.4f, %.4f], want [0.8284, 0.9438]", r.Lo, r.Hi)
	}
}
