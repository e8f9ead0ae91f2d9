package report

import (
	"io"

	"pinggu/internal/docx"
)

// WriteDOCX writes d as a Word document in the layout of GB/T 9704.
func WriteDOCX(w io.Writer, d *Document) error {
	doc := docx.New(d.Title)
	doc.Title(d.Title)
	if d.Subtitle != "" {
		doc.Subtitle(d.Subtitle)
		doc.Paragraph(docx.Para{})
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			if b.Level == 1 {
				doc.Heading1(b.Text)
			} else {
				doc.Heading2(b.Text)
			}
		case Paragraph:
			if b.Lead != "" {
				doc.BodyLead(b.Lead, b.Text)
			} else {
				doc.Body(b.Text)
			}
		case Table:
			doc.Caption(b.Caption)
			doc.Table(docxTable(b))
			if b.Note != "" {
				doc.Note(b.Note)
			}
		case Chart:
			if len(b.Labels) == 0 {
				continue
			}
			doc.Caption(b.Caption)
			doc.Chart(&docx.Chart{Series: "好评率", Labels: b.Labels, Values: b.Values, Lo: b.Lo, Hi: b.Hi, Highlight: b.Highlight})
			if b.Note != "" {
				doc.Note(b.Note)
			}
		}
	}
	if d.Date != "" {
		doc.Paragraph(docx.Para{})
		doc.Paragraph(docx.Para{Align: "right"}, docx.Span{Style: docx.Style{Font: docx.FontBody, Size: docx.Size3}, Text: d.Date + "    "})
	}
	_, err := doc.WriteTo(w)
	return err
}

// docxTable scales the relative widths to the type area.
func docxTable(t Table) docx.Table {
	sum := 0
	for _, w := range t.Widths {
		sum += w
	}
	out := docx.Table{Widths: make([]int, len(t.Widths))}
	used := 0
	for i, w := range t.Widths {
		out.Widths[i] = docx.TextWidth * w / sum
		used += out.Widths[i]
	}
	out.Widths[len(out.Widths)-1] += docx.TextWidth - used
	conv := func(rows [][]Cell) [][]docx.Cell {
		var out [][]docx.Cell
		for _, r := range rows {
			var cells []docx.Cell
			for _, c := range r {
				align := ""
				if c.Right {
					align = "right"
				}
				cells = append(cells, docx.Cell{Text: c.Text, Span: c.Span, Merge: c.Merge, Align: align, Bold: c.Bold})
			}
			out = append(out, cells)
		}
		return out
	}
	out.Header, out.Rows = conv(t.Header), conv(t.Rows)
	return out
}
