package analysis

import "math"

// The two-stage design of SAMPLING.md S4 (v2). Stage 1 draws units within
// strata (a county × a unit kind; municipal units are a certainty
// stratum); stage 2 draws respondents from each drawn unit's frozen
// roster. Every estimate here is the Hájek ratio with the weights of that
// design, its variance is the two-stage Taylor linearisation that R's
// survey package computes for
//
//	svydesign(ids = ~unit + respondent, strata = ~h, fpc = ~M_h + N_i)
//
// with options(survey.lonely.psu = "adjust"), and its interval is Wilson's
// on an effective n with a t quantile on the design's degrees of freedom.
// testdata/rcity holds a city computed by R; the tests compare to 1e-9.

// Stratum1 is a stage-1 stratum: Pop (M_h) units in its frame. A
// certainty stratum takes every unit; its weight factor is 1 whatever
// answered.
type Stratum1 struct {
	Pop       int
	Certainty bool
}

// Moments are the sufficient statistics of one drawn unit's answers in a
// domain and question (an item, or a dimension pooling items): N
// respondents with at least one answer, and over them the sums of a_j
// (answer rows of respondent j), y_j (the sum of the rows' values: 1 for
// favorable, or the score) and their squares and cross product. For one
// item a_j is 1, so A = AA = N and AY = Y. All are exact integers.
type Moments struct {
	N          int
	A, Y       int64
	AA, AY, YY int64
}

// Add adds one respondent's rows: a answered rows whose values sum to y.
func (m *Moments) Add(a, y int64) { m.AddN(a, y, 1) }

// AddN adds k respondents whose rows are alike: a rows each, summing to y.
func (m *Moments) AddN(a, y int64, k int) {
	if a == 0 || k == 0 {
		return
	}
	n := int64(k)
	m.N += k
	m.A += n * a
	m.Y += n * y
	m.AA += n * a * a
	m.AY += n * a * y
	m.YY += n * y * y
}

// Merge adds o's respondents to m.
func (m *Moments) Merge(o Moments) {
	m.N += o.N
	m.A += o.A
	m.Y += o.Y
	m.AA += o.AA
	m.AY += o.AY
	m.YY += o.YY
}

// Cluster is one drawn unit in a domain: its stratum (an index into the
// strata), its roster size N_i, and its answers' moments.
type Cluster struct {
	Stratum int
	Pop     int
	M       Moments
}

// Estimate is a design-based estimate with its variance.
type Estimate struct {
	Value float64 // the Hájek ratio Σ w·y / Σ w
	Var   float64 // two-stage linearised variance
	// DF: Σ (m_h − 1) over the sampled strata plus Σ (n_i − 1) over the
	// certainty units (S4).
	DF int
	// Census: every stratum fully drawn and every roster fully answered.
	Census bool
	// Respondents and Answers count the domain's respondents and answer
	// rows, Sum the rows' values unweighted (favorable answers, say);
	// Units the drawn units with at least one answer.
	Respondents int
	Answers     int64
	Sum         int64
	Units       int
}

// Design estimates over clusters in strata. A cluster without answers is
// unit non-response: it counts in no m_h. A certainty stratum's M_h is its
// answering units', so its factor M_h/m_h is 1.
func Design(strata []Stratum1, clusters []Cluster) Estimate {
	var e Estimate
	m := make([]int, len(strata)) // answering units per stratum
	for _, c := range clusters {
		if c.M.N > 0 {
			m[c.Stratum]++
		}
	}
	pop := func(h int) float64 {
		if strata[h].Certainty {
			return float64(m[h])
		}
		return float64(strata[h].Pop)
	}
	// Weights and the ratio.
	w := Weights(strata, clusters)
	var sw, swy float64
	for i, c := range clusters {
		if c.M.N == 0 {
			continue
		}
		sw += w[i] * float64(c.M.A)
		swy += w[i] * float64(c.M.Y)
		e.Respondents += c.M.N
		e.Answers += c.M.A
		e.Sum += c.M.Y
		e.Units++
	}
	if sw == 0 {
		return e
	}
	p := swy / sw
	e.Value = p
	// Unit totals of the linearised scores z_hij = w (y_j − p a_j) / Σw,
	// and each unit's within-unit sum of squares.
	zsum := make([]float64, len(strata))
	type unit struct {
		h      int
		z      float64
		stage2 float64
	}
	units := make([]unit, 0, len(clusters))
	census := true
	for i, c := range clusters {
		if c.M.N == 0 {
			continue
		}
		h := c.Stratum
		mh, Mh := float64(m[h]), pop(h)
		k := w[i] / sw
		dev := float64(c.M.Y) - p*float64(c.M.A) // Σ_j (y_j − p a_j)
		// Σ_j (y_j − p a_j)², expanded from the exact integer moments.
		sq := float64(c.M.YY) - 2*p*float64(c.M.AY) + p*p*float64(c.M.AA)
		n, N := float64(c.M.N), float64(c.Pop)
		var s2 float64
		switch {
		case c.M.N >= c.Pop:
			s2 = 0
		case c.M.N == 1:
			s2 = (1 - 1/N) * k * k * sq
		default:
			within := sq - dev*dev/n
			s2 = (1 - n/N) * n / (n - 1) * k * k * within
		}
		s2 *= mh / Mh
		census = census && c.M.N >= c.Pop
		units = append(units, unit{h, k * dev, s2})
		zsum[h] += k * dev
	}
	ss := make([]float64, len(strata))
	for _, u := range units {
		d := u.z
		if m[u.h] >= 2 {
			d -= zsum[u.h] / float64(m[u.h])
		}
		ss[u.h] += d * d
		e.Var += u.stage2
	}
	for h, s := range strata {
		mh := m[h]
		if mh == 0 {
			continue
		}
		Mh := pop(h)
		if float64(mh) < Mh {
			census = false
		}
		switch {
		case s.Certainty || float64(mh) >= Mh:
		case mh == 1:
			e.Var += (1 - 1/Mh) * ss[h]
		default:
			e.Var += (1 - float64(mh)/Mh) * float64(mh) / float64(mh-1) * ss[h]
		}
		if !s.Certainty {
			e.DF += mh - 1
		}
	}
	for _, c := range clusters {
		if c.M.N > 0 && strata[c.Stratum].Certainty {
			e.DF += c.M.N - 1
		}
	}
	if e.Var < 0 { // rounding of a zero variance
		e.Var = 0
	}
	e.Census = census
	return e
}

// Weights are the design weights (M_h/m_h)(N_i/n_i) of each cluster's
// respondents, 0 for a cluster without answers.
func Weights(strata []Stratum1, clusters []Cluster) []float64 {
	m := make([]int, len(strata))
	for _, c := range clusters {
		if c.M.N > 0 {
			m[c.Stratum]++
		}
	}
	out := make([]float64, len(clusters))
	for i, c := range clusters {
		if c.M.N == 0 {
			continue
		}
		Mh := float64(strata[c.Stratum].Pop)
		if strata[c.Stratum].Certainty {
			Mh = float64(m[c.Stratum])
		}
		out[i] = Mh / float64(m[c.Stratum]) * float64(c.Pop) / float64(c.M.N)
	}
	return out
}

// DesignRate is a favorable rate from a design estimate of y ∈ {0, 1}
// over a domain whose rosters hold pop people:
// the Wilson interval on n_eff = p(1 − p)/v with t_{0.975, df}. When v is
// 0 and the domain is not a census, n_eff is the domain's respondents,
// times (N − 1)/(N − n) for a single object of roster N (S4). With
// df < 1 there is no interval.
func DesignRate(e Estimate, single bool, pop int) Rate {
	r := Rate{X: int(e.Sum), N: int(e.Answers), Respondents: e.Respondents, Pop: pop, P: e.Value, Var: e.Var, DF: e.DF, Census: e.Census}
	r.Suppressed = e.Respondents < MinRespondents
	if e.Respondents == 0 {
		return r
	}
	if e.Census {
		r.Var, r.NEff, r.Lo, r.Hi = 0, float64(e.Respondents), e.Value, e.Value
		return r
	}
	n := float64(e.Respondents)
	switch {
	case e.Var > 0:
		r.NEff = e.Value * (1 - e.Value) / e.Var
	case single && pop > e.Respondents:
		r.NEff = n * float64(pop-1) / float64(pop-e.Respondents)
	default:
		r.NEff = n
	}
	if e.DF < 1 {
		r.NoInterval = true
		r.Lo, r.Hi = 0, 1
		return r
	}
	r.T = TQuantile975(e.DF)
	r.Lo, r.Hi = WilsonT(e.Value, r.NEff, r.T)
	return r
}

// WilsonT is the Wilson score interval of p on n with critical value t:
// [p + t²/2n ± t·√(p(1 − p)/n + t²/4n²)] / (1 + t²/n).
func WilsonT(p, n, t float64) (lo, hi float64) {
	t2 := t * t
	centre := p + t2/(2*n)
	half := t * math.Sqrt(p*(1-p)/n+t2/(4*n*n))
	d := 1 + t2/n
	return math.Max(0, (centre-half)/d), math.Min(1, (centre+half)/d)
}
