package report

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
)

// WriteHTML writes d as a standalone HTML page with print CSS: a browser
// prints it on A4 with the margins and type of GB/T 9704. Charts are
// inline SVG; nothing is loaded from anywhere.
func WriteHTML(w io.Writer, d *Document) error {
	out := *d
	out.Blocks = make([]Block, len(d.Blocks))
	for i, b := range d.Blocks {
		if t, ok := b.(Table); ok {
			b = rowSpans(t)
		}
		out.Blocks[i] = b
	}
	return htmlTmpl.Execute(w, &out)
}

// rowSpans copies t's rows, giving each cell that starts a vertical merge
// the number of rows it spans, by grid column.
func rowSpans(t Table) Table {
	rows := make([][]Cell, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = slices.Clone(r)
	}
	col := func(r []Cell, j int) int {
		g := 0
		for k := 0; k < j; k++ {
			g += max(r[k].Span, 1)
		}
		return g
	}
	for i, r := range rows {
		for j := range r {
			if r[j].Merge != "restart" {
				continue
			}
			g, n := col(r, j), 1
			for _, below := range rows[i+1:] {
				found := false
				for k := range below {
					if col(below, k) == g && below[k].Merge == "continue" {
						found = true
					}
				}
				if !found {
					break
				}
				n++
			}
			r[j].rows = n
		}
	}
	t.Rows = rows
	return t
}

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"kind": func(b Block) string {
		switch b.(type) {
		case Heading:
			return "heading"
		case Paragraph:
			return "para"
		case Table:
			return "table"
		case Chart:
			return "chart"
		}
		return ""
	},
	"svg":   chartSVG,
	"cells": cellAttrs,
	"pct": func(w []int, i int) string {
		sum := 0
		for _, x := range w {
			sum += x
		}
		return fmt.Sprintf("%.2f%%", 100*float64(w[i])/float64(sum))
	},
}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "仿宋_GB2312", "仿宋", FangSong, "AR PL UMing CN", serif; font-size: 16pt; line-height: 28.9pt; color: #000; max-width: 156mm; margin: 2em auto; }
h1.title { font-family: "方正小标宋简体", "Noto Serif CJK SC", "宋体", serif; font-size: 22pt; font-weight: normal; text-align: center; line-height: 1.5; margin: 0 0 1em; }
p.subtitle { font-family: "楷体_GB2312", "楷体", KaiTi, "AR PL UKai CN", serif; text-align: center; margin: 0 0 1em; }
h2 { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; page-break-after: avoid; }
h3 { font-family: "楷体_GB2312", "楷体", KaiTi, "AR PL UKai CN", serif; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; page-break-after: avoid; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p b { font-weight: bold; }
.caption { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; font-size: 14pt; text-align: center; text-indent: 0; margin-top: .6em; page-break-after: avoid; }
table { width: 100%; border-collapse: collapse; font-size: 10.5pt; line-height: 1.4; margin: .3em 0; table-layout: fixed; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 2px 3px; vertical-align: middle; }
th { background: #e7e6e6; }
td.r { text-align: right; }
td.b { font-weight: bold; }
p.note { font-size: 12pt; line-height: 1.5; text-indent: 0; margin-bottom: .5em; }
svg { display: block; margin: .3em auto; max-width: 100%; }
p.date { text-align: right; margin-top: 2em; }
@media screen { body { padding: 0 1em; } }
@media print { body { margin: 0; max-width: none; } }
</style></head><body>
<h1 class="title">{{.Title}}</h1>
{{with .Subtitle}}<p class="subtitle">{{.}}</p>{{end}}
{{range .Blocks}}{{$k := kind .}}
{{- if eq $k "heading"}}{{if eq .Level 1}}<h2>{{.Text}}</h2>{{else}}<h3>{{.Text}}</h3>{{end}}
{{- else if eq $k "para"}}<p>{{with .Lead}}<b>{{.}}</b>{{end}}{{.Text}}</p>
{{- else if eq $k "table"}}{{$w := .Widths}}<p class="caption">{{.Caption}}</p>
<table><colgroup>{{range $i, $_ := .Widths}}<col style="width:{{pct $w $i}}">{{end}}</colgroup>
<thead>{{range .Header}}<tr>{{range .}}<th{{cells .}}>{{.Text}}</th>{{end}}</tr>{{end}}</thead>
<tbody>{{range .Rows}}<tr>{{range .}}{{if ne .Merge "continue"}}<td{{cells .}}>{{.Text}}</td>{{end}}{{end}}</tr>
{{end}}</tbody></table>{{with .Note}}<p class="note">{{.}}</p>{{end}}
{{- else if eq $k "chart"}}{{if .Labels}}<p class="caption">{{.Caption}}</p>{{svg .}}{{end}}
{{- end}}
{{end}}{{with .Date}}<p class="date">{{.}}</p>{{end}}
</body></html>
`))

// cellAttrs writes a cell's colspan, rowspan (set by rowSpans for the
// first cell of a vertical merge; the continued cells are left out) and
// alignment and weight classes.
func cellAttrs(c Cell) template.HTMLAttr {
	var b strings.Builder
	if c.Span > 1 {
		fmt.Fprintf(&b, ` colspan="%d"`, c.Span)
	}
	if c.rows > 1 {
		fmt.Fprintf(&b, ` rowspan="%d"`, c.rows)
	}
	var cls []string
	if c.Right {
		cls = append(cls, "r")
	}
	if c.Bold {
		cls = append(cls, "b")
	}
	if len(cls) > 0 {
		fmt.Fprintf(&b, ` class="%s"`, strings.Join(cls, " "))
	}
	return template.HTMLAttr(b.String())
}

// chartSVG draws a horizontal bar chart of percentages with interval
// whiskers, first bar at the top.
func chartSVG(c Chart) template.HTML {
	const width, left, right, row, top = 600.0, 170.0, 20.0, 24.0, 10.0
	plot := width - left - right
	h := top + row*float64(len(c.Labels)) + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" font-size="11" role="img" aria-label="%s">`, width, h, width, template.HTMLEscapeString(c.Caption))
	for v := 0; v <= 100; v += 20 {
		x := left + plot*float64(v)/100
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d9d9d9"/><text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`,
			x, top, x, h-25, x, h-10, v)
	}
	for i, l := range c.Labels {
		y := top + row*float64(i)
		colour := "#4472c4"
		if i < len(c.Highlight) && c.Highlight[i] {
			colour = "#c00000"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`, left-6, y+row/2+4, template.HTMLEscapeString(l))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, left, y+4, plot*c.Values[i]/100, row-8, colour)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#fff">%.1f</text>`, left+4, y+row/2+4, c.Values[i])
		if i < len(c.Lo) && i < len(c.Hi) && c.Hi[i] > c.Lo[i] {
			x1, x2, ym := left+plot*c.Lo[i]/100, left+plot*c.Hi[i]/100, y+row/2
			fmt.Fprintf(&b, `<path d="M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f" stroke="#000" fill="none"/>`, x1, ym, x2, x1, ym-4, ym+4, x2, ym-4, ym+4)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
