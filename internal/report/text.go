package report

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

// Points shows a difference of two rates in percentage points, signed,
// one decimal, half away from zero.
func Points(d float64) string {
	v := math.Abs(d) * 1000
	tenths := int64(math.Floor(v + 0.5 + 1e-9))
	sign := "+"
	if d < 0 && tenths > 0 {
		sign = "−"
	}
	if tenths == 0 {
		sign = ""
	}
	return fmt.Sprintf("%s%d.%d", sign, tenths/10, tenths%10)
}

var listItem = regexp.MustCompile(`^\s*(?:[-•·*]|\d+[.．、)）]|[（(][一二三四五六七八九十\d]+[）)])\s*`)

// writeText writes the group's plain text: a line per paragraph; lines
// that start as list items ("- ", "1. ", "（一）") are numbered 1. 2. …
// in order, in bold.
func writeText(d *Document, text string) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" {
		d.p("（评估组尚未填写。）")
		return
	}
	n := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if m := listItem.FindString(line); m != "" {
			n++
			d.lead(fmt.Sprintf("%d．", n), strings.TrimSpace(line[len(m):]))
			continue
		}
		d.p("%s", line)
	}
}
