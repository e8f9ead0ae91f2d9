package tabular

import (
	"fmt"
	"io"
	"strings"
	"unicode"
)

// WriteColumns prints rows in aligned columns, each line after indent. text/tabwriter counts runes,
// which misaligns Chinese: a CJK character takes two terminal columns.
func WriteColumns(w io.Writer, indent string, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], termWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-termWidth(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

func termWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || (r >= 0xFF00 && r <= 0xFFEF) || (r >= 0x3000 && r <= 0x303F) {
			n += 2
		} else {
			n++
		}
	}
	return n
}
