package analysis

import (
	"math"
	"sync"
)

// TQuantile975 is Student's t quantile t_{0.975, df}: the critical value
// of a two-sided 95 % interval on df degrees of freedom (S4). It solves
// P(T ≤ t) = 0.975 by bisection on the regularised incomplete beta
// function, to the last bits of a float64: R's qt(0.975, df) to 1e-12.
func TQuantile975(df int) float64 {
	if v, ok := tCache.Load(df); ok {
		return v.(float64)
	}
	t := tQuantile975(df)
	tCache.Store(df, t)
	return t
}

// tCache keeps each quantile once computed: S5's check recomputes
// intervals by the thousand.
var tCache sync.Map

func tQuantile975(df int) float64 {
	if df < 1 {
		return math.NaN()
	}
	if df > 1e7 {
		return Z
	}
	v := float64(df)
	// Upper tail of |T| > t is I_{v/(v+t²)}(v/2, 1/2); we want it 0.05.
	lo, hi := 0.0, 20.0
	for tail(v, hi) > 0.05 {
		hi *= 2
	}
	for i := 0; i < 200 && hi-lo > 1e-15*hi; i++ {
		mid := (lo + hi) / 2
		if tail(v, mid) > 0.05 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// tail is P(|T| > t) on v degrees of freedom.
func tail(v, t float64) float64 { return regIncBeta(v/2, 0.5, v/(v+t*t)) }

// regIncBeta is the regularised incomplete beta function I_x(a, b), by
// its continued fraction (modified Lentz), on the side where it converges
// fast.
func regIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a + b)
	lb, _ := math.Lgamma(a)
	lc, _ := math.Lgamma(b)
	front := math.Exp(la - lb - lc + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, 1-x)/b
}

func betaCF(a, b, x float64) float64 {
	const tiny = 1e-300
	nonzero := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	c, d := 1.0, 1/nonzero(1-(a+b)*x/(a+1))
	f := d
	// step applies one term of the continued fraction and returns its
	// factor (Lentz).
	step := func(num float64) float64 {
		d = 1 / nonzero(1+num*d)
		c = nonzero(1 + num/c)
		return d * c
	}
	for m := 1; m <= 10000; m++ {
		fm := float64(m)
		f *= step(fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm)))                // even term
		delta := step(-(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))) // odd term
		f *= delta
		if math.Abs(delta-1) < 1e-16 {
			break
		}
	}
	return f
}
