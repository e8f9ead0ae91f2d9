package similar

import (
	"strings"
	"testing"
)

// TestTemplateCopy: two reports from one template with the unit's name,
// the dates and the numbers changed and the punctuation retouched are one
// passage; the plan's wording they both quote is not counted; the
// passage's byte ranges point at the same words in both originals.
func TestTemplateCopy(t *testing.T) {
	body := "领导班子成员带头深入基层蹲点调研，围绕群众急难愁盼问题形成调研报告%s篇，推动解决实际问题%s个，做到学思用贯通。对照检视问题清单逐条建立整改台账，明确责任人和完成时限，目前已完成整改%s项。"
	plan := "要切实防止形式主义，不增加基层负担。"
	a := "东关街道" + plan + strings.NewReplacer("%s", "12").Replace(body) + "（2026年11月30日）"
	b := "文昌街道" + plan + strings.NewReplacer("%s", "7").Replace(strings.ReplaceAll(body, "，", ",")) + "(2026-12-01)"
	docs := []Doc{{Name: "a", Text: a}, {Name: "b", Text: b}, {Name: "c", Text: "支部组织党员学习党章和规定学习材料，开展主题党日活动三次。" + plan}}
	pairs, _ := Scan(docs, Options{Stock: []string{plan}, Names: []string{"东关街道", "文昌街道"}})
	if len(pairs) != 1 || pairs[0].A != 0 || pairs[0].B != 1 {
		t.Fatalf("pairs %+v", pairs)
	}
	p := pairs[0]
	if p.ShareA < 0.99 || p.ShareB < 0.99 {
		t.Errorf("shares %.3f %.3f, want the whole template", p.ShareA, p.ShareB)
	}
	if len(p.Passages) == 0 {
		t.Fatal("no passage")
	}
	first := p.Passages[0]
	if got := a[first.AFrom:first.ATo]; !strings.HasPrefix(got, "领导班子成员带头深入基层") || strings.Contains(got, "防止形式主义") {
		t.Errorf("passage in a: %q", got)
	}
	if got := b[first.BFrom:first.BTo]; !strings.HasPrefix(got, "领导班子成员带头深入基层") {
		t.Errorf("passage in b: %q", got)
	}
	// Only the plan's words in common: nothing.
	if pairs, _ := Scan([]Doc{docs[2], {Name: "d", Text: "机关党委认真组织读书班集中研讨。" + plan}}, Options{Stock: []string{plan}, MinShare: 0.01}); len(pairs) != 0 {
		t.Errorf("stock only: %+v", pairs)
	}
}

// TestNamesInBrokenText: a name after an invalid byte is still masked at
// its own bytes.
func TestNamesInBrokenText(t *testing.T) {
	s := "\xff东关街道组织学习"
	m := mask(s, []string{"东关街道"})
	for i := range s {
		want := i >= 1 && i < 1+len("东关街道")
		if m[i] != want {
			t.Fatalf("byte %d masked %v", i, m[i])
		}
	}
}
