package pinggu_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"pinggu"
)

// seedSection parses section 五 of the work plan into audience → dimension
// name → the text of its numbered items, normalized.
func seedSection(t *testing.T) map[pinggu.Audience]map[string][]string {
	data, err := os.ReadFile("testdata/work-plan-zh.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start, end := strings.Index(text, "五、评估内容"), strings.Index(text, "六、评估方法")
	if start < 0 || end < start {
		t.Fatal("section 五 not found in the seed")
	}
	out := map[pinggu.Audience]map[string][]string{}
	heading := regexp.MustCompile(`^\d\.(\S+?)方面`)
	item := regexp.MustCompile(`^\d[^.\d]`)
	var aud pinggu.Audience
	var dim string
	for _, line := range strings.Split(text[start:end], "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "(一)"):
			aud = pinggu.AudienceLeadership
		case strings.HasPrefix(line, "(二)"):
			aud = pinggu.AudienceBranch
		case heading.MatchString(line):
			dim = heading.FindStringSubmatch(line)[1]
			if out[aud] == nil {
				out[aud] = map[string][]string{}
			}
		case item.MatchString(line) && dim != "":
			out[aud][dim] = append(out[aud][dim], normalize(line[1:]))
		}
	}
	return out
}

// normalize keeps only Han characters, letters and digits: the cleaning of
// the scraping damage (quotation marks, stray punctuation) is invisible to it.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// corrections are the words the scraping lost, restored in the framework.
var corrections = map[string]string{
	"为身边群众1件实事好事": "为身边群众办1件实事好事",
}

func TestBuiltinFrameworksFollowTheSeed(t *testing.T) {
	seed := seedSection(t)
	frameworks, err := pinggu.BuiltinFrameworks()
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[pinggu.Audience][]int{
		pinggu.AudienceLeadership: {4, 5, 4, 4, 3},
		pinggu.AudienceBranch:     {3, 3},
	}
	wantNames := map[pinggu.Audience][]string{
		pinggu.AudienceLeadership: {"学习教育", "调查研究", "检视问题", "整改落实", "组织领导"},
		pinggu.AudienceBranch:     {"学习教育", "检视整改"},
	}
	for _, f := range frameworks {
		if ps := f.Validate(); len(ps) > 0 {
			t.Errorf("%s does not validate: %+v", f.Code, ps)
		}
		var dims []pinggu.Dimension
		var effects *pinggu.Dimension
		for i, d := range f.Dimensions {
			if d.Effect {
				effects = &f.Dimensions[i]
			} else {
				dims = append(dims, d)
			}
		}
		if len(dims) != len(wantCounts[f.Audience]) {
			t.Fatalf("%s: %d dimensions, want %d", f.Code, len(dims), len(wantCounts[f.Audience]))
		}
		total := 0
		for i, d := range dims {
			if d.Name != wantNames[f.Audience][i] || len(d.Items) != wantCounts[f.Audience][i] {
				t.Errorf("%s dimension %d: %s with %d items, want %s with %d", f.Code, i, d.Name, len(d.Items),
					wantNames[f.Audience][i], wantCounts[f.Audience][i])
			}
			seedItems := seed[f.Audience][d.Name]
			if len(seedItems) != len(d.Items) {
				t.Errorf("%s %s: the seed has %d items, the framework %d", f.Code, d.Name, len(seedItems), len(d.Items))
				continue
			}
			for j, it := range d.Items {
				total++
				want := seedItems[j]
				for from, to := range corrections {
					want = strings.ReplaceAll(want, from, to)
				}
				if got := normalize(it.Text); got != want {
					t.Errorf("%s %s: item differs from the seed beyond punctuation:\n got %s\nwant %s", f.Code, it.Code, got, want)
				}
				if !strings.HasSuffix(it.Question, "？") {
					t.Errorf("%s %s: the respondent question should be a question: %q", f.Code, it.Code, it.Question)
				}
			}
		}
		if want := map[pinggu.Audience]int{pinggu.AudienceLeadership: 20, pinggu.AudienceBranch: 6}[f.Audience]; total != want {
			t.Errorf("%s: %d items, want %d", f.Code, total, want)
		}
		// The five effects of section 一, in the seed's words.
		if effects == nil || len(effects.Items) != 5 {
			t.Fatalf("%s: the five effects are missing", f.Code)
		}
		for _, e := range effects.Items {
			if !strings.Contains(seedText(t), e.Text) {
				t.Errorf("%s: effect %q is not in the seed", f.Code, e.Text)
			}
		}
	}
}

func seedText(t *testing.T) string {
	data, err := os.ReadFile("testdata/work-plan-zh.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestFrameworkValidate(t *testing.T) {
	base := func() pinggu.Framework {
		fs, _ := pinggu.BuiltinFrameworks()
		return fs[1]
	}
	cases := []struct {
		name   string
		change func(f *pinggu.Framework)
		field  string
		key    string
	}{
		{"empty dimension", func(f *pinggu.Framework) { f.Dimensions[0].Items = nil }, "dimensions[0].items", "framework.dimension_empty"},
		{"all items retired", func(f *pinggu.Framework) {
			for i := range f.Dimensions[1].Items {
				f.Dimensions[1].Items[i].Retired = true
			}
		}, "dimensions[1].items", "framework.dimension_empty"},
		{"duplicate item code", func(f *pinggu.Framework) { f.Dimensions[1].Items[0].Code = "B1.1" }, "dimensions[1].items[0].code", "framework.item_duplicate"},
		{"duplicate dimension code", func(f *pinggu.Framework) { f.Dimensions[1].Code = "B1" }, "dimensions[1].code", "framework.dimension_duplicate"},
		{"empty question", func(f *pinggu.Framework) { f.Dimensions[0].Items[2].Question = "" }, "dimensions[0].items[2].question", "field.required"},
		{"long question", func(f *pinggu.Framework) { f.Dimensions[0].Items[2].Question = strings.Repeat("问", 81) }, "dimensions[0].items[2].question", "field.too_long"},
		{"bad audience", func(f *pinggu.Framework) { f.Audience = "masses" }, "audience", "framework.audience_unknown"},
	}
	for _, c := range cases {
		f := base()
		c.change(&f)
		ps := f.Validate()
		if len(ps) == 0 || ps[0].Column != c.field || ps[0].Key != c.key {
			t.Errorf("%s: %+v, want %s at %s", c.name, ps, c.key, c.field)
		}
	}
	// A retired dimension may be empty.
	f := base()
	f.Dimensions[0].Retired = true
	f.Dimensions[0].Items = nil
	if ps := f.Validate(); len(ps) != 0 {
		t.Errorf("retired empty dimension: %+v", ps)
	}
}
