package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"pinggu"
	"pinggu/internal/results"
)

// Draft is the text a new report starts from: bullets for 主要成效 from
// the hearings' achievements, the best-rated items and the checklist's
// best grades, for 存在问题 from the hearings' problems, the lowest-rated
// items and the checklist's weak grades. The group edits them; nothing of
// the draft reaches a document until the group saves it.
func Draft(city *results.City, a *results.Area, hearings []pinggu.Hearing) map[string]string {
	type rated struct {
		label string
		s     *results.Stat
	}
	var items []rated
	for _, p := range a.Parts {
		for _, it := range p.Framework.ActiveItems() {
			if s := p.Items[it.Code]; s != nil && s.Shown() {
				items = append(items, rated{it.ShortName(), s})
			}
		}
	}
	slices.SortStableFunc(items, func(x, y rated) int { return cmp.Compare(y.s.Rate.P, x.s.Rate.P) })
	good, bad := findingBullets(a, hearings)
	k := min(3, len(items)/2)
	for _, r := range items[:k] {
		good = append(good, fmt.Sprintf("- %s：好评率%s，在各项指标中较高。", r.label, RateText(r.s)))
	}
	for i := len(items) - 1; i >= len(items)-k; i-- {
		r := items[i]
		bad = append(bad, fmt.Sprintf("- %s：好评率%s，在各项指标中较低。", r.label, RateText(r.s)))
	}
	names := map[int64]string{}
	for _, u := range a.Checklist {
		names[u.ID] = u.Name
	}
	for _, g := range a.Grades {
		note := strings.TrimSpace(strings.ReplaceAll(g.Note, "\n", " "))
		if note == "" {
			continue
		}
		line := fmt.Sprintf("- %s（%s）：%s", names[g.UnitID], g.Item, note)
		switch {
		case g.Level == 0:
			good = append(good, line)
		case g.Level >= 2:
			bad = append(bad, line)
		}
	}
	return map[string]string{
		"achievements": strings.Join(good, "\n"),
		"problems":     strings.Join(bad, "\n"),
		"causes":       "",
		"suggestions":  "",
	}
}
