package similar

// Passage is a stretch two documents share, as byte ranges of their
// original texts.
type Passage struct {
	AFrom, ATo int
	BFrom, BTo int
	Chars      int // its length in compared characters
}

// doc is a document prepared for comparison.
type doc struct {
	text
	grams []uint64 // the k-gram hash at each position
	stock []bool   // positions covered by a stock k-gram
	plain int      // characters not covered by stock
	set   []uint64 // distinct non-stock k-grams
	sig   []uint64
}

func prepare(s string, names []string, k int, stock map[uint64]bool) *doc {
	d := &doc{text: normalize(s, names)}
	n := len(d.runes)
	d.stock = make([]bool, n)
	if n >= k {
		d.grams = make([]uint64, n-k+1)
		seen := map[uint64]bool{}
		for i := range d.grams {
			g := shingle(d.runes[i : i+k])
			d.grams[i] = g
			if stock[g] {
				for j := i; j < i+k; j++ {
					d.stock[j] = true
				}
				continue
			}
			if !seen[g] {
				seen[g] = true
				d.set = append(d.set, g)
			}
		}
	}
	for _, s := range d.stock {
		if !s {
			d.plain++
		}
	}
	return d
}

// index maps each of b's non-stock k-grams to where it starts (at most
// 16 places), for compare.
func index(b *doc) map[uint64][]int32 {
	at := make(map[uint64][]int32, len(b.grams))
	for j, g := range b.grams {
		if !b.stock[j] && len(at[g]) < 16 {
			at[g] = append(at[g], int32(j))
		}
	}
	return at
}

// compare finds the passages of at least minRun characters that a and b
// share, greedily from a's start, and the share of each one's own
// (non-stock) characters they cover; at is b's index.
func compare(a, b *doc, at map[uint64][]int32, minRun int) (passages []Passage, shareA, shareB float64, shared int) {
	if len(a.grams) == 0 || len(b.grams) == 0 {
		return nil, 0, 0, 0
	}
	coverA := make([]bool, len(a.runes))
	coverB := make([]bool, len(b.runes))
	for i := 0; i < len(a.grams); {
		best, bestJ := 0, -1
		if !a.stock[i] {
			for _, j32 := range at[a.grams[i]] {
				j, l := int(j32), 0
				for i+l < len(a.runes) && j+l < len(b.runes) && a.runes[i+l] == b.runes[j+l] {
					l++
				}
				if l > best {
					best, bestJ = l, j
				}
			}
		}
		if best < minRun {
			i++
			continue
		}
		passages = append(passages, Passage{AFrom: int(a.from[i]), ATo: int(a.to[i+best-1]),
			BFrom: int(b.from[bestJ]), BTo: int(b.to[bestJ+best-1]), Chars: best})
		for l := range best {
			coverA[i+l] = true
			coverB[bestJ+l] = true
		}
		i += best
	}
	ca, cb := 0, 0
	for i, c := range coverA {
		if c && !a.stock[i] {
			ca++
		}
	}
	for j, c := range coverB {
		if c && !b.stock[j] {
			cb++
		}
	}
	if a.plain > 0 {
		shareA = float64(ca) / float64(a.plain)
	}
	if b.plain > 0 {
		shareB = float64(cb) / float64(b.plain)
	}
	return passages, shareA, shareB, ca
}
