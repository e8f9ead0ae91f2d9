package analysis

import "sort"

// Suppress decides which of a row of sibling results may not be shown,
// given how many respondents each rests on, when their total is shown too
// (S5). A result on fewer than MinRespondents respondents is suppressed;
// then, because the total less the shown siblings would give it away,
// more siblings are suppressed, smallest first, until the suppressed ones
// are at least two and together rest on at least MinRespondents. A
// sibling with no respondents shows "no data" and hides nothing. If that
// cannot be reached, every sibling is suppressed.
func Suppress(ns []int) []bool {
	out := make([]bool, len(ns))
	sum, count := 0, 0
	for i, n := range ns {
		if n > 0 && n < MinRespondents {
			out[i] = true
			sum += n
			count++
		}
	}
	if count == 0 {
		return out
	}
	order := make([]int, 0, len(ns))
	for i, n := range ns {
		if n > 0 && !out[i] {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return ns[order[a]] < ns[order[b]] })
	for _, i := range order {
		if count >= 2 && sum >= MinRespondents {
			break
		}
		out[i] = true
		sum += ns[i]
		count++
	}
	return out
}
