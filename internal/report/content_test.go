package report

import (
	"testing"

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
