package similar

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
)

// Doc is one document of a scan.
type Doc struct {
	Name string
	Text string
}

// Options tune a scan; the zero value takes the defaults.
type Options struct {
	K           int      // k-gram length in characters (10)
	Hashes      int      // MinHash bins (150)
	Rows        int      // bins per LSH band (2): 75 bands
	MinEstimate float64  // the least signature agreement (estimated Jaccard) worth an exact comparison (0.12)
	MinRun      int      // the shortest passage counted, in characters (20)
	MinShare    float64  // report a pair when either side's share reaches this (0.3)
	Stock       []string // texts any document may quote: left out
	Names       []string // names to take out before comparing: unit names
}

func (o Options) withDefaults() Options {
	if o.K == 0 {
		o.K = 10
	}
	if o.Hashes == 0 {
		o.Hashes = 150
	}
	if o.Rows == 0 {
		o.Rows = 2
	}
	if o.MinEstimate == 0 {
		o.MinEstimate = 0.12
	}
	if o.MinRun == 0 {
		o.MinRun = 20
	}
	if o.MinShare == 0 {
		o.MinShare = 0.3
	}
	return o
}

// Pair is two documents that share long passages.
type Pair struct {
	A, B           int // indexes into the scanned documents, A < B
	ShareA, ShareB float64
	Shared         int // characters of A in shared passages
	Passages       []Passage
}

// Max is the larger of the two shares.
func (p Pair) Max() float64 { return max(p.ShareA, p.ShareB) }

// Stats says what a scan did.
type Stats struct {
	Proposed   int // pairs that share a band (counted once per band they share)
	Candidates int // of those, pairs whose signatures agree enough to compare exactly
	Confirmed  int // pairs reported
}

// Scan compares every pair of docs the LSH bands propose and returns
// those whose shared passages cover at least MinShare of either, highest
// share first.
func Scan(docs []Doc, o Options) ([]Pair, Stats) {
	o = o.withDefaults()
	stock := map[uint64]bool{}
	for _, s := range o.Stock {
		t := normalize(s, nil)
		for i := 0; i+o.K <= len(t.runes); i++ {
			stock[shingle(t.runes[i:i+o.K])] = true
		}
	}
	prepared := make([]*doc, len(docs))
	parallel(len(docs), func(i int) {
		d := prepare(docs[i].Text, o.Names, o.K, stock)
		d.sig = signature(d.set, o.Hashes)
		prepared[i] = d
	})
	var st Stats
	cands := candidates(prepared, o.Hashes/o.Rows, o.Rows, o.MinEstimate, &st)
	st.Candidates = len(cands)
	// Pairs grouped by their second document: its index is built once.
	slices.SortFunc(cands, func(x, y [2]int) int { return cmp.Or(cmp.Compare(x[1], y[1]), cmp.Compare(x[0], y[0])) })
	var groups [][][2]int
	for i := 0; i < len(cands); {
		j := i
		for j < len(cands) && cands[j][1] == cands[i][1] {
			j++
		}
		groups = append(groups, cands[i:j])
		i = j
	}
	found := make([][]*Pair, len(groups))
	parallel(len(groups), func(g int) {
		b := groups[g][0][1]
		at := index(prepared[b])
		for _, c := range groups[g] {
			a := c[0]
			ps, sa, sb, n := compare(prepared[a], prepared[b], at, o.MinRun)
			if max(sa, sb) >= o.MinShare {
				found[g] = append(found[g], &Pair{A: a, B: b, ShareA: sa, ShareB: sb, Shared: n, Passages: ps})
			}
		}
	})
	var out []Pair
	for _, g := range found {
		for _, p := range g {
			out = append(out, *p)
		}
	}
	slices.SortFunc(out, func(x, y Pair) int {
		return cmp.Or(cmp.Compare(y.Max(), x.Max()), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	st.Confirmed = len(out)
	return out, st
}

// candidates are the pairs of documents that agree in every bin of at
// least one band and in at least minEstimate of all bins.
func candidates(docs []*doc, bands, rows int, minEstimate float64, st *Stats) [][2]int {
	seen := map[[2]int]bool{}
	var out [][2]int
	for b := range bands {
		buckets := map[uint64][]int{}
		for i, d := range docs {
			if len(d.set) == 0 {
				continue
			}
			h := uint64(b) * 0x9e3779b97f4a7c15
			for _, v := range d.sig[b*rows : (b+1)*rows] {
				h = mix(h ^ v)
			}
			buckets[h] = append(buckets[h], i)
		}
		for _, ids := range buckets {
			for x := 0; x < len(ids); x++ {
				for y := x + 1; y < len(ids); y++ {
					p := [2]int{ids[x], ids[y]}
					st.Proposed++
					if seen[p] || agreement(docs[p[0]].sig, docs[p[1]].sig) < minEstimate {
						continue
					}
					seen[p] = true
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// agreement is the share of bins where two signatures agree: an estimate
// of the Jaccard similarity of their sets.
func agreement(a, b []uint64) float64 {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// parallel runs fn(0..n-1) on every core.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	var wg sync.WaitGroup
	next := make(chan int, 64)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
