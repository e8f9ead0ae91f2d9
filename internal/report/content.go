// Package report turns a campaign's results into its official documents:
// one evaluation report per county and per municipal unit (一县一报告、
// 一单位一报告) and the city summary. A report is first built as a list of
// blocks — headings, paragraphs, tables, charts — and then written as DOCX
// (internal/docx), as an HTML print view, or as an XLSX data book, so the
// three always say the same thing.
package report

import (
	"fmt"
	"strings"

	"pinggu"
	"pinggu/internal/analysis"
	"pinggu/internal/results"
)

// SectionTitles are the headings of the sections the group writes.
var SectionTitles = map[string]string{
	"achievements": "二、主要成效",
	"problems":     "三、存在问题",
	"causes":       "四、原因分析",
	"suggestions":  "五、意见建议",
}

// numbers of headings (一) … (十)
var cn = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// Area builds the report of one county or municipal unit.
func Area(city *results.City, a *results.Area, rep *pinggu.Report, m Meta) *Document {
	d := &Document{Title: AreaTitle(a.Unit), Date: m.Date}
	if m.Group != "" {
		d.Subtitle = m.City + "主题教育第三方评估" + m.Group
	}
	c := city.Input.Campaign
	d.h1("一、基本情况")
	objects := countKinds(a)
	switch {
	case a.Unit.Kind == pinggu.KindCounty:
		d.p("按照%s主题教育第三方评估工作方案，评估组对%s开展了评估。%s", m.City, a.Unit.Name, objects)
	default:
		d.p("按照%s主题教育第三方评估工作方案，评估组对%s开展了评估。", m.City, a.Unit.Name)
	}
	if a.Responses == 0 {
		d.p("截至本报告生成时，%s尚无回收的测评表，无法计算群众满意度测评结果。本报告的测评数据部分暂缺，待测评完成后重新生成。", a.Unit.Name)
	} else {
		d.p("测评对象按单位名单随机抽取：样本%d人，收回有效测评表%d份，应答率%s。%s", a.Sample, a.Responses, analysis.PercentOf(a.Responses, a.Sample), categories(a))
	}
	d.p("%s", hearingsText(m.Hearings))
	d.p("%s", selfCheckText(a.Unit.Name, m.SelfCheck, m.SelfCheckState))
	if m.UnitDraw != "" || m.RespDraw != "" {
		d.p("抽样采用公开可验证的随机抽样（%s）：任何人可用公布的种子和名单复算抽样结果。", strings.Trim(m.UnitDraw+"；"+m.RespDraw, "；"))
	}
	d.p("评估结果按两阶段抽样加权计算，并给出95%%置信区间，计算方法见附件《%s》。", MethodTitle)
	if a.Minimum > 0 {
		if a.MinimumMet() {
			d.p("受访人数%d人，达到不少于%d人的要求。", a.Responses, a.Minimum)
		} else {
			d.p("受访人数%d人，未达到不少于%d人的要求。", a.Responses, a.Minimum)
			if rep != nil && strings.TrimSpace(rep.Justification) != "" {
				d.lead("情况说明：", rep.Justification)
			}
		}
	}
	if a.Responses > 0 {
		n := 0
		d.h2(fmt.Sprintf("（%s）总体评价", cn[n]))
		n++
		overallText(d, city, a)
		d.add(objectsTable(city, a), areaChart(city, a))
		for _, part := range a.Parts {
			d.h2(fmt.Sprintf("（%s）%s测评指标评价", cn[n], AudienceName(part.Framework.Audience)))
			n++
			d.add(itemsTable(city.Scale, part, cityPart(city, part)))
		}
		d.h2(fmt.Sprintf("（%s）清单式评估", cn[n]))
		checklistBlocks(d, city, a)
	} else {
		d.h2("（一）清单式评估")
		checklistBlocks(d, city, a)
	}
	for _, key := range pinggu.ReportSections {
		d.h1(SectionTitles[key])
		text := ""
		if rep != nil {
			text = rep.Sections[key]
		}
		writeText(d, text)
	}
	methodAppendix(d, c.Settings.Scale)
	return d
}

// AreaTitle is the title of a county's or municipal unit's report.
func AreaTitle(u pinggu.Unit) string {
	return fmt.Sprintf("关于%s主题教育第三方评估情况的报告", u.Name)
}

func countKinds(a *results.Area) string {
	counts := map[pinggu.UnitKind]int{}
	for _, o := range a.Objects {
		counts[o.Unit.Kind]++
	}
	var parts []string
	for _, k := range []pinggu.UnitKind{pinggu.KindTownship, pinggu.KindCountyDept, pinggu.KindReferenceUnit, pinggu.KindBranch} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s%d个", k.Chinese(), counts[k]))
		}
	}
	if len(parts) == 0 {
		return "尚未抽取评估单位。"
	}
	return "随机抽取" + strings.Join(parts, "、") + "作为评估对象。"
}

// categories lists the respondents by category, hiding small ones (S5).
func categories(a *results.Area) string {
	var names []string
	var ns []int
	for _, c := range pinggu.RosterCategories {
		if a.Categories[c] > 0 {
			names = append(names, c)
			ns = append(ns, a.Categories[c])
		}
	}
	if len(names) < 2 {
		return ""
	}
	hide := analysis.Suppress(ns)
	var parts []string
	hidden := false
	for i, n := range names {
		if hide[i] {
			hidden = true
			continue
		}
		parts = append(parts, fmt.Sprintf("%s%d人", n, ns[i]))
	}
	s := "其中" + strings.Join(parts, "、")
	if hidden {
		s += "，其余类别人数较少，不单列"
	}
	return s + "。"
}

// RateText shows a stat's favorable rate (results.Stat.RateText).
func RateText(s *results.Stat) string { return s.RateText() }

// IntervalText shows a stat's 95 % interval (results.Stat.IntervalText).
func IntervalText(s *results.Stat) string { return s.IntervalText() }

func meanOf(s *results.Stat) string { return s.MeanText() }

func overallText(d *Document, city *results.City, a *results.Area) {
	o := &a.Overall
	if !o.Shown() {
		d.p("有效测评表不足%d份，总体评价结果不予显示。", analysis.MinRespondents)
		return
	}
	s := fmt.Sprintf("%s总体好评率为%s", a.Unit.Name, RateText(o))
	switch {
	case o.Rate.Census:
		s += "（全员参评，无抽样误差）"
	case o.Rate.NoInterval:
		s += "（抽中并作答的单位过少，自由度不足，不计置信区间）"
	case o.Coarse:
		s += "（为免推算出不予显示单位的结果，取整数，不列置信区间）"
	default:
		s += fmt.Sprintf("（95%%置信区间%s）", IntervalText(o))
	}
	s += fmt.Sprintf("，平均分%s。", meanOf(o))
	if a.HasDiff && city.Overall.Shown() {
		diff := a.Diff * 100
		rel := "高"
		if diff < 0 {
			rel, diff = "低", -diff
		}
		s += fmt.Sprintf("全市总体好评率为%s，%s%s全市%.1f个百分点", RateText(&city.Overall), a.Unit.Name, rel, diff+1e-9)
		if analysis.Overlap(o.Rate, city.Overall.Rate) {
			s += "，但二者置信区间重叠，差异在抽样误差范围之内"
		}
		s += "。"
	}
	if a.Rank.Best > 0 {
		shown := 0
		for _, x := range city.Areas {
			if x.Rank.Best > 0 {
				shown++
			}
		}
		if a.Rank.Best == a.Rank.Worst {
			s += fmt.Sprintf("在%d个县市区和市直单位中位列第%d。", shown, a.Rank.Best)
		} else {
			s += fmt.Sprintf("在%d个县市区和市直单位中，按置信区间可确定的位次为第%s名（区间重叠的单位不作区分）。", shown, a.Rank)
		}
	}
	d.p("%s", s)
}

var objectsWidths = []int{30, 16, 10, 9, 9, 11, 11, 20, 9}

func objectsTable(city *results.City, a *results.Area) Table {
	t := Table{Caption: a.Unit.Name + "各评估对象总体评价", Widths: objectsWidths,
		Header: [][]Cell{{{Text: "评估对象"}, {Text: "类型"}, {Text: "名单人数"}, {Text: "样本"}, {Text: "回收"}, {Text: "应答率"}, {Text: "好评率"}, {Text: "95%置信区间"}, {Text: "平均分"}}}}
	for _, o := range a.Objects {
		t.Rows = append(t.Rows, []Cell{{Text: o.Unit.Name}, {Text: o.Unit.Kind.Chinese()}, num(o.Pop), num(o.Sample), num(o.Responses),
			{Text: analysis.PercentOf(o.Responses, o.Sample), Right: true}, {Text: RateText(&o.Overall), Right: true}, {Text: IntervalText(&o.Overall)}, {Text: meanOf(&o.Overall), Right: true}})
	}
	if len(a.Objects) > 1 {
		t.Rows = append(t.Rows, []Cell{{Text: "合计（加权）", Span: 2, Bold: true}, num(a.Pop), num(a.Sample), num(a.Responses),
			{Text: analysis.PercentOf(a.Responses, a.Sample), Right: true}, {Text: RateText(&a.Overall), Right: true, Bold: true}, {Text: IntervalText(&a.Overall)}, {Text: meanOf(&a.Overall), Right: true}})
	}
	t.Rows = append(t.Rows, []Cell{{Text: "全市", Span: 2}, num(city.Pop), num(city.Sample), num(city.Responses),
		{Text: analysis.PercentOf(city.Responses, city.Sample), Right: true}, {Text: RateText(&city.Overall), Right: true}, {Text: IntervalText(&city.Overall)}, {Text: meanOf(&city.Overall), Right: true}})
	t.Note = fmt.Sprintf("注：“*”表示有效测评表不足%d份的结果，以及与合计一并公布时可据以推算出隐藏结果的单位的结果，均不予显示。“全员参评”指名单内人员全部作答，无抽样误差。合计和全市的置信区间取整数百分比。", analysis.MinRespondents)
	return t
}

func num(n int) Cell { return Cell{Text: fmt.Sprint(n), Right: true} }

func areaChart(city *results.City, a *results.Area) Chart {
	ch := Chart{Caption: a.Unit.Name + "各评估对象好评率（%，横线为95%置信区间）"}
	add := func(label string, s *results.Stat, hl bool) {
		if !s.Shown() {
			return
		}
		ch.Labels = append(ch.Labels, label)
		ch.Values = append(ch.Values, 100*s.Rate.P)
		lo, hi := s.Rate.Lo, s.Rate.Hi
		if s.Rate.Census {
			lo, hi = s.Rate.P, s.Rate.P
		}
		ch.Lo, ch.Hi = append(ch.Lo, 100*lo), append(ch.Hi, 100*hi)
		ch.Highlight = append(ch.Highlight, hl)
	}
	for _, o := range a.Objects {
		add(o.Unit.Name, &o.Overall, false)
	}
	if len(a.Objects) > 1 {
		add(a.Unit.Name+"（合计）", &a.Overall, true)
	}
	add("全市", &city.Overall, true)
	return ch
}

// itemsTable lists each dimension and item of a framework with its counts
// per level, merging the dimension's cells down its items. With the city's
// part of the same framework, each row also shows the difference from the
// city, in percentage points.
func itemsTable(scale pinggu.Scale, p, city *results.Part) Table {
	head := []Cell{{Text: "评估方面"}, {Text: "评估要点"}}
	widths := []int{13, 46}
	for _, l := range scale.Levels {
		head = append(head, Cell{Text: l.Label})
		widths = append(widths, 7)
	}
	if scale.AllowUnknown {
		head = append(head, Cell{Text: scale.UnknownText()})
		widths = append(widths, 7)
	}
	head = append(head, Cell{Text: "好评率"}, Cell{Text: "95%置信区间"}, Cell{Text: "平均分"})
	widths = append(widths, 12, 19, 9)
	if city != nil {
		head = append(head, Cell{Text: "与全市差"})
		widths = append(widths, 12)
		widths[1] -= 4
	}
	diff := func(s, c *results.Stat) []Cell {
		if city == nil {
			return nil
		}
		d, ok := results.Difference(s, c)
		if !ok {
			return []Cell{{Text: "—", Right: true}}
		}
		return []Cell{{Text: Points(d), Right: true}}
	}
	t := Table{Caption: AudienceName(p.Framework.Audience) + "各项指标测评结果", Widths: widths, Header: [][]Cell{head}}
	countsHidden, coarse := false, false
	counts := func(s *results.Stat) []Cell {
		var out []Cell
		hide := !s.Shown() || s.CountsHidden
		countsHidden = countsHidden || s.Shown() && s.CountsHidden
		coarse = coarse || s.Shown() && s.Coarse
		for _, n := range s.Tally.Levels {
			c := num(n)
			if hide {
				c.Text = "*"
			}
			out = append(out, c)
		}
		if scale.AllowUnknown {
			c := num(s.Tally.Unknown)
			if hide {
				c.Text = "*"
			}
			out = append(out, c)
		}
		return out
	}
	for _, d := range p.Framework.Dimensions {
		if d.Retired {
			continue
		}
		first := true
		for _, it := range d.Items {
			if it.Retired {
				continue
			}
			s := p.Items[it.Code]
			dim := Cell{Text: d.Name, Merge: "continue"}
			if first {
				dim.Merge, first = "restart", false
			}
			row := append([]Cell{dim, {Text: it.Code + " " + it.ShortName()}}, counts(s)...)
			row = append(row, Cell{Text: RateText(s), Right: true}, Cell{Text: IntervalText(s)}, Cell{Text: meanOf(s), Right: true})
			t.Rows = append(t.Rows, append(row, diff(s, partStat(city, it.Code, false))...))
		}
		s := p.Dimensions[d.Code]
		row := append([]Cell{{Text: d.Name + "小计", Span: 2, Bold: true}}, counts(s)...)
		row = append(row, Cell{Text: RateText(s), Right: true, Bold: true}, Cell{Text: IntervalText(s)}, Cell{Text: meanOf(s), Right: true})
		t.Rows = append(t.Rows, append(row, diff(s, partStat(city, d.Code, true))...))
	}
	t.Note = "注：“" + scale.UnknownText() + "”不计入好评率分母。方面小计合并其各要点的作答，置信区间按每位受访者计一次（保守估计）。"
	if countsHidden {
		t.Note += "本类评估对象中有样本过少而不予显示的单位，为免其作答被推算，各等次人数以“*”代替，方面小计不列置信区间。"
	}
	if coarse {
		t.Note += "同理，本类指标的好评率取整数百分比、平均分取整数，不列置信区间。"
	}
	return t
}

func partStat(p *results.Part, code string, dimension bool) *results.Stat {
	switch {
	case p == nil:
		return nil
	case dimension:
		return p.Dimensions[code]
	}
	return p.Items[code]
}

func checklistBlocks(d *Document, city *results.City, a *results.Area) {
	if a.Gradable == 0 {
		d.p("未设置清单式评估要点。")
		return
	}
	d.p("评估组对%d个评估对象逐项开展清单式评估，应评%d项，已评%d项，完成%s。", len(a.Checklist), a.Gradable, a.Graded, analysis.PercentOf(a.Graded, a.Gradable))
	if len(a.Grades) == 0 {
		return
	}
	names := map[int64]string{}
	for _, u := range a.Checklist {
		names[u.ID] = u.Name
	}
	items := map[string]pinggu.Item{}
	for _, f := range city.Input.Frameworks {
		for _, it := range f.ActiveItems() {
			items[it.Code] = it
		}
	}
	t := Table{Caption: "清单式评估结果", Widths: []int{22, 38, 10, 50},
		Header: [][]Cell{{{Text: "评估对象"}, {Text: "评估要点"}, {Text: "等次"}, {Text: "证据摘要"}}}}
	var last int64
	for _, g := range a.Grades {
		unit := Cell{Text: names[g.UnitID], Merge: "restart"}
		if g.UnitID == last {
			unit.Merge = "continue"
		}
		last = g.UnitID
		label := g.Item
		if it, ok := items[g.Item]; ok {
			label = g.Item + " " + it.ShortName()
		}
		level := ""
		if g.Level >= 0 && g.Level < len(city.Scale.Levels) {
			level = city.Scale.Levels[g.Level].Label
		}
		t.Rows = append(t.Rows, []Cell{unit, {Text: label}, {Text: level}, {Text: g.Note}})
	}
	d.add(t)
}

// cityPart is the city's part of the same framework as p.
func cityPart(city *results.City, p *results.Part) *results.Part {
	for _, c := range city.Parts {
		if c.Framework.Audience == p.Framework.Audience {
			return c
		}
	}
	return nil
}

// AudienceName is the short name of a framework's audience in reports.
func AudienceName(a pinggu.Audience) string {
	if a == pinggu.AudienceBranch {
		return "基层党支部"
	}
	return "领导班子"
}
