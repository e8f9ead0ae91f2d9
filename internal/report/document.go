package report

import (
	"fmt"

	"pinggu"
)

// Document is a report as blocks.
type Document struct {
	Title    string
	Subtitle string
	Blocks   []Block
	Date     string // 2026年12月31日

	tables, charts int
}

// add appends blocks, numbering the captions of tables (表1) and charts
// (图1) in order.
func (d *Document) add(bs ...Block) {
	for _, b := range bs {
		switch x := b.(type) {
		case Table:
			d.tables++
			x.Caption = fmt.Sprintf("表%d  %s", d.tables, x.Caption)
			b = x
		case Chart:
			if len(x.Labels) == 0 {
				continue
			}
			d.charts++
			x.Caption = fmt.Sprintf("图%d  %s", d.charts, x.Caption)
			b = x
		}
		d.Blocks = append(d.Blocks, b)
	}
}

// Block is a Heading, Paragraph, Table or Chart.
type Block any

// Heading is 一、… (Level 1) or （一）… (Level 2).
type Heading struct {
	Level int
	Text  string
}

// Paragraph is body text; Lead, when set, is bold at its start.
type Paragraph struct {
	Lead, Text string
}

// Cell is a table cell; Span merges columns, Merge ("restart",
// "continue") rows.
type Cell struct {
	Text  string
	Span  int
	Merge string
	Right bool
	Bold  bool

	rows int // in HTML, the rows a "restart" cell spans
}

// Table has a caption, header rows repeated on every page, and a note.
type Table struct {
	Caption string
	Widths  []int // relative column widths
	Header  [][]Cell
	Rows    [][]Cell
	Note    string
}

// Chart is a bar chart of percentages with intervals.
type Chart struct {
	Caption   string
	Labels    []string
	Values    []float64 // percent
	Lo, Hi    []float64 // percent; nil without intervals
	Highlight []bool
	Note      string
}

func (d *Document) h1(s string) { d.Blocks = append(d.Blocks, Heading{1, s}) }

func (d *Document) h2(s string) { d.Blocks = append(d.Blocks, Heading{2, s}) }

func (d *Document) p(format string, a ...any) {
	d.Blocks = append(d.Blocks, Paragraph{Text: fmt.Sprintf(format, a...)})
}

func (d *Document) lead(l, s string) { d.Blocks = append(d.Blocks, Paragraph{Lead: l, Text: s}) }

// Meta is what a report says about its making beyond the results.
type Meta struct {
	City     string // 扬州市
	Group    string // the evaluation group's name
	Date     string
	UnitDraw string // the unit draw's label and seed, for 基本情况
	RespDraw string
	// The area's fieldwork, for 基本情况: its hearings, and its
	// self-assessment's latest version (nil: none) and state.
	Hearings       []pinggu.Hearing
	SelfCheck      *pinggu.SelfCheck
	SelfCheckState pinggu.SelfCheckState
}
