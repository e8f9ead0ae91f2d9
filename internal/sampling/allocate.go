package sampling

import (
	"slices"
	"strings"
)

// Share is one unit's part of an allocation.
type Share struct {
	Stratum string `json:"stratum"` // the unit's respondent stratum (its id)
	N       int    `json:"n"`       // roster size
	Quota   int    `json:"quota"`   // respondents to draw
}

// Allocation spreads a county's target over its sampled units.
type Allocation struct {
	Group  string  `json:"group"` // the county's code
	Target int     `json:"target"`
	Shares []Share `json:"shares"`
}

// Allocate divides target over units in proportion to their sizes by the
// largest-remainder rule, in integers: each gets floor(target·n/Σn), and
// the leftover goes one by one to the largest remainders, ties broken by
// each unit's ticket for the stratum "allocation/<group>" in this draw. No
// unit gets more than its size; a unit that would is given all its people
// and the rest is divided again among the others. When the target reaches
// the total, everyone is drawn.
func Allocate(seed, draw, group string, target int, shares []Share) Allocation {
	out := Allocation{Group: group, Target: target, Shares: slices.Clone(shares)}
	slices.SortFunc(out.Shares, func(a, b Share) int { return strings.Compare(a.Stratum, b.Stratum) })
	open := map[int]bool{}
	for i := range out.Shares {
		out.Shares[i].Quota = 0
		open[i] = true
	}
	left := target
	for len(open) > 0 && left > 0 {
		total := 0
		for i := range open {
			total += out.Shares[i].N
		}
		if total == 0 {
			break
		}
		if left >= total {
			for i := range open {
				out.Shares[i].Quota = out.Shares[i].N
			}
			break
		}
		type rem struct {
			i, r   int
			ticket string
		}
		quota := map[int]int{}
		var rems []rem
		given := 0
		for i := range open {
			s := out.Shares[i]
			quota[i] = left * s.N / total
			given += quota[i]
			rems = append(rems, rem{i, left * s.N % total, Ticket(seed, draw, "allocation/"+group, s.Stratum)})
		}
		slices.SortFunc(rems, func(a, b rem) int {
			if a.r != b.r {
				return b.r - a.r
			}
			return strings.Compare(a.ticket, b.ticket)
		})
		for j := 0; j < left-given; j++ {
			quota[rems[j].i]++
		}
		// Units whose share exceeds their size take everyone and leave the
		// division; the others are divided again without them.
		capped := false
		for i := range open {
			if quota[i] >= out.Shares[i].N {
				out.Shares[i].Quota = out.Shares[i].N
				left -= out.Shares[i].N
				delete(open, i)
				capped = true
			}
		}
		if !capped {
			for i := range open {
				out.Shares[i].Quota = quota[i]
			}
			break
		}
	}
	return out
}
