package report

import (
	"fmt"
	"strings"

	"pinggu"
	"pinggu/internal/analysis"
	"pinggu/internal/results"
)

// CitySummary builds the city's summary report: every county and
// municipal unit beside the stratified city estimate, the city's results
// per item, and the method.
func CitySummary(city *results.City, m Meta) *Document {
	c := city.Input.Campaign
	d := &Document{Title: fmt.Sprintf("%s主题教育第三方评估总体情况报告", m.City), Date: m.Date}
	counties, municipal := 0, 0
	for _, a := range city.Areas {
		if a.Unit.Kind == pinggu.KindCounty {
			counties++
		} else {
			municipal++
		}
	}
	objects := 0
	for _, a := range city.Areas {
		objects += len(a.Objects)
	}
	d.h1("一、基本情况")
	d.p("按照%s主题教育第三方评估工作方案，对%d个县市区和%d个市直单位开展评估，随机抽取评估对象%d个。测评样本%d人，收回有效测评表%d份，应答率%s。",
		m.City, counties, municipal, objects, city.Sample, city.Responses, analysis.PercentOf(city.Responses, city.Sample))
	if m.UnitDraw != "" || m.RespDraw != "" {
		d.p("抽样采用公开可验证的随机抽样（%s）。", strings.Trim(m.UnitDraw+"；"+m.RespDraw, "；"))
	}
	d.h1("二、总体评价")
	if city.Overall.Shown() {
		if city.Overall.Coarse {
			d.p("全市总体好评率为%s（按两阶段抽样加权估计；为免推算出不予显示单位的结果，取整数，不列置信区间），平均分%s。", RateText(&city.Overall), meanOf(&city.Overall))
		} else {
			d.p("全市总体好评率为%s（95%%置信区间%s，按两阶段抽样加权估计），平均分%s。", RateText(&city.Overall), IntervalText(&city.Overall), meanOf(&city.Overall))
		}
	} else {
		d.p("全市有效测评表不足%d份，暂无总体评价结果。", analysis.MinRespondents)
	}
	t := Table{Caption: "各县市区和市直单位总体评价", Widths: []int{26, 10, 9, 9, 11, 11, 19, 12, 10},
		Header: [][]Cell{{{Text: "县市区/市直单位"}, {Text: "评估对象"}, {Text: "样本"}, {Text: "回收"}, {Text: "应答率"}, {Text: "好评率"}, {Text: "95%置信区间"}, {Text: "与全市差"}, {Text: "位次"}}}}
	ch := Chart{Caption: "各县市区和市直单位好评率（%，横线为95%置信区间）"}
	for _, a := range city.Areas {
		s := a.Overall
		if a.HiddenInCity {
			s.Hidden = true
		}
		diff := "—"
		if a.HasDiff && !s.Hidden {
			diff = Points(a.Diff)
		}
		t.Rows = append(t.Rows, []Cell{{Text: a.Unit.Name}, num(len(a.Objects)), num(a.Sample), num(a.Responses),
			{Text: analysis.PercentOf(a.Responses, a.Sample), Right: true}, {Text: RateText(&s), Right: true}, {Text: IntervalText(&s)}, {Text: diff, Right: true}, {Text: a.Rank.String()}})
		if s.Shown() {
			ch.Labels = append(ch.Labels, a.Unit.Name)
			ch.Values = append(ch.Values, 100*s.Rate.P)
			lo, hi := s.Rate.Lo, s.Rate.Hi
			if s.Rate.Census {
				lo, hi = s.Rate.P, s.Rate.P
			}
			ch.Lo, ch.Hi, ch.Highlight = append(ch.Lo, 100*lo), append(ch.Hi, 100*hi), append(ch.Highlight, false)
		}
	}
	t.Rows = append(t.Rows, []Cell{{Text: "全市（加权）", Bold: true}, num(objects), num(city.Sample), num(city.Responses),
		{Text: analysis.PercentOf(city.Responses, city.Sample), Right: true}, {Text: RateText(&city.Overall), Right: true, Bold: true}, {Text: IntervalText(&city.Overall)}, {Text: ""}, {Text: ""}})
	t.Note = fmt.Sprintf("注：位次只在置信区间不重叠时区分，“2–5”表示可能位于第2至第5名之间。“*”表示不足%d人或可由合计推算出不足%d人的结果，不予显示。", analysis.MinRespondents, analysis.MinRespondents)
	if city.Overall.Shown() {
		ch.Labels = append(ch.Labels, "全市")
		ch.Values = append(ch.Values, 100*city.Overall.Rate.P)
		ch.Lo, ch.Hi, ch.Highlight = append(ch.Lo, 100*city.Overall.Rate.Lo), append(ch.Hi, 100*city.Overall.Rate.Hi), append(ch.Highlight, true)
	}
	d.add(t, ch)
	d.h1("三、各项指标评价")
	for i, part := range city.Parts {
		d.h2(fmt.Sprintf("（%s）%s测评指标", cn[i], AudienceName(part.Framework.Audience)))
		d.add(itemsTable(city.Scale, part, nil))
	}
	methodAppendix(d, c.Settings.Scale)
	return d
}

func scaleText(s pinggu.Scale) string {
	var parts []string
	for _, l := range s.Levels {
		parts = append(parts, fmt.Sprintf("%s%d分", l.Label, l.Score))
	}
	return strings.Join(parts, "、")
}
