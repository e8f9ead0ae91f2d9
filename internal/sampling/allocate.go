package sampling

import (
	"slices"
	"strings"
)

// AllocRule names the allocation rule of SAMPLING.md S3 (v2) in a record.
const AllocRule = "alloc-v2"

// Share is one unit's part of an allocation.
type Share struct {
	Stratum string `json:"stratum"` // the unit's respondent stratum (its id)
	N       int    `json:"n"`       // roster size
	// Target is the completes the unit should give (alloc-v2); Quota the
	// people drawn for it, the target inflated by the expected response
	// rate (for v1 records, the two are one).
	Target int `json:"target,omitempty"`
	Quota  int `json:"quota"`
}

// Allocation spreads a county's target of completes over its units.
type Allocation struct {
	Group  string `json:"group"` // the county's code
	Rule   string `json:"rule,omitempty"`
	Target int    `json:"target"`
	// ResponseRate is the expected response rate in percent that
	// inflates each unit's target into its draw (alloc-v2).
	ResponseRate int     `json:"response_rate,omitempty"`
	Shares       []Share `json:"shares"`
}

// Allocate is alloc-v2 (S3): every unit first gets min(2, N) completes (a
// drawn unit with none drops out of every estimate, and one leaves its
// variance undefined); the rest of target is divided in proportion to the
// roster sizes by the largest-remainder rule in integers, ties broken by
// each unit's ticket for the stratum "allocation/<group>" in this draw,
// never past a roster. Each unit then draws ceil(target_i·100/rate)
// people, at most its roster: the reserve queue covers the rest.
func Allocate(seed, draw, group string, target, rate int, shares []Share) Allocation {
	out := Allocation{Group: group, Rule: AllocRule, Target: target, ResponseRate: rate, Shares: sorted(shares)}
	weight := make([]int, len(out.Shares))
	capacity := make([]int, len(out.Shares))
	left := target
	for i, s := range out.Shares {
		base := min(2, s.N)
		out.Shares[i].Target = base
		left -= base
		weight[i], capacity[i] = s.N, s.N-base
	}
	extra := divide(seed, draw, group, out.Shares, max(left, 0), weight, capacity)
	for i := range out.Shares {
		s := &out.Shares[i]
		s.Target += extra[i]
		s.Quota = min(s.N, (s.Target*100+rate-1)/rate)
	}
	return out
}

// Completes is each share's target of completes, by stratum: its Target
// under alloc-v2; the first rule drew its target exactly, so there the
// quota.
func (a Allocation) Completes() map[string]int {
	out := make(map[string]int, len(a.Shares))
	for _, s := range a.Shares {
		out[s.Stratum] = s.Target
		if a.Rule != AllocRule {
			out[s.Stratum] = s.Quota
		}
	}
	return out
}

// Reallocate recomputes a recorded allocation by its own rule, for the
// verifier: alloc-v2, or the first rule (no base, no inflation) of
// records made before it.
func Reallocate(seed, draw string, a Allocation) Allocation {
	if a.Rule == AllocRule {
		return Allocate(seed, draw, a.Group, a.Target, a.ResponseRate, a.Shares)
	}
	out := Allocation{Group: a.Group, Target: a.Target, Shares: sorted(a.Shares)}
	sizes := make([]int, len(out.Shares))
	for i, s := range out.Shares {
		sizes[i] = s.N
	}
	q := divide(seed, draw, a.Group, out.Shares, a.Target, sizes, sizes)
	for i := range out.Shares {
		out.Shares[i].Target, out.Shares[i].Quota = 0, q[i]
	}
	return out
}

func sorted(shares []Share) []Share {
	out := slices.Clone(shares)
	slices.SortFunc(out, func(a, b Share) int { return strings.Compare(a.Stratum, b.Stratum) })
	for i := range out {
		out[i].Target, out[i].Quota = 0, 0
	}
	return out
}

// divide splits left in proportion to weight, each part at most its
// capacity: floor(left·w/Σw) each, the leftover one by one to the largest
// remainders (ties by ticket); a part that reaches its capacity takes it
// and the rest is divided again among the others.
func divide(seed, draw, group string, shares []Share, left int, weight, capacity []int) []int {
	out := make([]int, len(shares))
	open := map[int]bool{}
	for i := range shares {
		if capacity[i] > 0 {
			open[i] = true
		}
	}
	for len(open) > 0 && left > 0 {
		total, room := 0, 0
		for i := range open {
			total += weight[i]
			room += capacity[i]
		}
		if total == 0 {
			break
		}
		if left >= room {
			for i := range open {
				out[i] = capacity[i]
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
			quota[i] = left * weight[i] / total
			given += quota[i]
			rems = append(rems, rem{i, left * weight[i] % total, Ticket(seed, draw, "allocation/"+group, shares[i].Stratum)})
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
		capped := false
		for i := range open {
			if quota[i] >= capacity[i] {
				out[i] = capacity[i]
				left -= capacity[i]
				delete(open, i)
				capped = true
			}
		}
		if !capped {
			for i := range open {
				out[i] = quota[i]
			}
			break
		}
	}
	return out
}
