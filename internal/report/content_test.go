package report

import (
	"strings"
	"testing"
	"time"

	"pinggu"
)

func TestPointsAndLabels(t *testing.T) {
	for d, want := range map[float64]string{-0.026: "−2.6", 0.0004: "0.0", -0.0004: "0.0", 0.095: "+9.5", 0.10049: "+10.0", -0.25: "−25.0"} {
		if got := Points(d); got != want {
			t.Errorf("Points(%v) = %s, want %s", d, got, want)
		}
	}
	for q, want := range map[string]string{
		"领导班子对党的创新理论和本领域工作要求理解掌握得怎么样？": "领导班子对党的创新理论和本领域工作要求理解掌握",
		"支部组织党员学习党章和规定学习材料的情况怎么样？":     "支部组织党员学习党章和规定学习材料",
		"党员干部为民服务、解决群众难题的成效？":          "党员干部为民服务、解决群众难题的成效",
	} {
		if got := (pinggu.Item{Question: q}).ShortName(); got != want {
			t.Errorf("ShortName(%s) = %s", q, got)
		}
	}
}

// TestWriteText numbers list lines and keeps paragraphs.
func TestWriteText(t *testing.T) {
	d := &Document{}
	writeText(d, "总体上看：\n- 一\n2) 二\n（三）三\n\n结尾")
	var got []string
	for _, b := range d.Blocks {
		p := b.(Paragraph)
		got = append(got, p.Lead+p.Text)
	}
	want := []string{"总体上看：", "1．一", "2．二", "3．三", "结尾"}
	if len(got) != len(want) {
		t.Fatalf("%q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %q, want %q", i, got[i], want[i])
		}
	}
}

// TestFieldworkTexts: the self-assessment sentence in each state, and
// findings as draft bullets with their source.
func TestFieldworkTexts(t *testing.T) {
	sc := &pinggu.SelfCheck{Version: 1, SubmittedAt: time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC), Decision: pinggu.SelfCheckReturn, Reason: "问题查摆不深。", Quality: "走过场"}
	for _, c := range []struct {
		sc    *pinggu.SelfCheck
		state pinggu.SelfCheckState
		want  string
	}{
		{nil, pinggu.SelfCheckMissing, "广陵区尚未提交自查报告。"},
		{nil, pinggu.SelfCheckOverdue, "广陵区未在规定时间内提交自查报告。"},
		// 20:00 UTC is the next morning in Beijing.
		{sc, pinggu.SelfCheckReturned, "广陵区于12月4日提交的自查报告（第1版）因“问题查摆不深”被评估组退回重写，尚未重新提交。评估组对自查报告的评价：走过场。"},
	} {
		if got := selfCheckText("广陵区", c.sc, c.state); got != c.want {
			t.Errorf("%s: %s", c.state, got)
		}
	}
	if got := hearingsText(nil); got != "评估组尚未记录听取意见情况。" {
		t.Errorf("no hearings: %s", got)
	}
	city := fakeCity(t, 1, 1)
	a := city.Areas[0]
	hs := []pinggu.Hearing{
		{Kind: pinggu.HearingPhone, HeldOn: "2026-12-09", Findings: []pinggu.Finding{{ObjectID: a.Unit.ID, Nature: pinggu.FindingProblem, Text: "群众反映办事仍需多跑腿。"}}},
		{Kind: pinggu.HearingSymposium, HeldOn: "2026-12-05", Findings: []pinggu.Finding{{ObjectID: a.Unit.ID, Nature: pinggu.FindingAchievement, Text: "理论学习扎实"}}},
	}
	d := Draft(city, a, hs)
	if !strings.HasPrefix(d["achievements"], "- "+a.Unit.Name+"：理论学习扎实。（座谈会，12月5日）") ||
		!strings.HasPrefix(d["problems"], "- "+a.Unit.Name+"：群众反映办事仍需多跑腿。（电话调查，12月9日）") {
		t.Errorf("draft: %q / %q", d["achievements"], d["problems"])
	}
}
