package report

import (
	"fmt"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/results"
)

// monthDay writes a date as 12月5日.
func monthDay(d pinggu.Date) string {
	t, err := time.Parse("2006-01-02", string(d))
	if err != nil {
		return string(d)
	}
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}

// hearingsText is 基本情况's sentence on how the group heard opinions: the
// kinds and how often, the people by category, where they came from, and
// what field inspections looked at.
func hearingsText(hs []pinggu.Hearing) string {
	if len(hs) == 0 {
		return "评估组尚未记录听取意见情况。"
	}
	byKind := map[pinggu.HearingKind]int{}
	people := map[string]int{}
	total, drawn := 0, false
	var inspected []string
	for _, h := range hs {
		byKind[h.Kind]++
		for cat, n := range h.Participants {
			people[cat] += n
			total += n
		}
		drawn = drawn || h.DrawID != 0
		if h.Kind == pinggu.HearingInspection && strings.TrimSpace(h.Inspected) != "" {
			inspected = append(inspected, strings.TrimRight(strings.TrimSpace(strings.ReplaceAll(h.Inspected, "\n", "、")), "。；;，,"))
		}
	}
	var kinds []string
	for _, k := range pinggu.HearingKinds {
		if byKind[k] > 0 {
			kinds = append(kinds, fmt.Sprintf("%s%d次", k.Chinese(), byKind[k]))
		}
	}
	b := &strings.Builder{}
	fmt.Fprintf(b, "评估组采取%s等方式听取意见", strings.Join(kinds, "、"))
	if total > 0 {
		var cats []string
		for _, c := range append(append([]string{}, pinggu.RosterCategories...), otherCategories(people)...) {
			if people[c] > 0 {
				cats = append(cats, fmt.Sprintf("%s%d人", c, people[c]))
			}
		}
		fmt.Fprintf(b, "，共听取%d人的意见（%s）", total, strings.Join(cats, "、"))
	}
	b.WriteString("。")
	if drawn {
		b.WriteString("座谈会和个别访谈的人员从被评估单位提供的名单中随机抽取。")
	}
	if len(inspected) > 0 {
		fmt.Fprintf(b, "实地察看了%s。", strings.Join(inspected, "；"))
	}
	return b.String()
}

// otherCategories are the categories of counts not among the roster's.
func otherCategories(counts map[string]int) []string {
	var out []string
	for c := range counts {
		known := false
		for _, r := range pinggu.RosterCategories {
			known = known || r == c
		}
		if !known {
			out = append(out, c)
		}
	}
	return out
}

// selfCheckText is 基本情况's sentence on the unit's self-assessment and
// the group's review of it.
func selfCheckText(unit string, sc *pinggu.SelfCheck, state pinggu.SelfCheckState) string {
	if sc == nil {
		if state == pinggu.SelfCheckOverdue {
			return unit + "未在规定时间内提交自查报告。"
		}
		return unit + "尚未提交自查报告。"
	}
	day := monthDay(pinggu.Date(sc.SubmittedAt.In(pinggu.Beijing()).Format("2006-01-02")))
	var s string
	switch state {
	case pinggu.SelfCheckAccepted:
		s = fmt.Sprintf("%s于%s提交自查报告（第%d版），经评估组审核通过。", unit, day, sc.Version)
	case pinggu.SelfCheckReturned:
		s = fmt.Sprintf("%s于%s提交的自查报告（第%d版）因%s被评估组退回重写，尚未重新提交。", unit, day, sc.Version, quoted(sc.Reason))
	default:
		s = fmt.Sprintf("%s于%s提交自查报告（第%d版），评估组正在审核。", unit, day, sc.Version)
	}
	if q := strings.TrimSpace(sc.Quality); q != "" {
		s += "评估组对自查报告的评价：" + strings.TrimRight(q, "。") + "。"
	}
	return s
}

func quoted(s string) string { return "“" + strings.TrimRight(strings.TrimSpace(s), "。") + "”" }

// findingBullets are the hearings' findings as draft bullets, each with
// its object, item and source: achievements and problems.
func findingBullets(a *results.Area, hs []pinggu.Hearing) (good, bad []string) {
	names := map[int64]string{a.Unit.ID: a.Unit.Name}
	for _, u := range a.Checklist {
		names[u.ID] = u.Name
	}
	for i := len(hs) - 1; i >= 0; i-- { // oldest first
		h := hs[i]
		for _, f := range h.Findings {
			name := names[f.ObjectID]
			if name == "" {
				name = a.Unit.Name
			}
			text := strings.TrimRight(strings.TrimSpace(strings.ReplaceAll(f.Text, "\n", " ")), "。")
			line := fmt.Sprintf("- %s：%s。（%s，%s）", name, text, h.Kind.Chinese(), monthDay(h.HeldOn))
			if f.Nature == pinggu.FindingAchievement {
				good = append(good, line)
			} else {
				bad = append(bad, line)
			}
		}
	}
	return good, bad
}
