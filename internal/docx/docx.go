// Package docx writes Word documents (WordprocessingML, ECMA-376) by hand
// in the layout of Chinese official documents, GB/T 9704-2012: A4, margins
// 37/35/28/26 mm, 22 lines of 仿宋_GB2312 3号 per page, the title in
// 方正小标宋简体 2号, headings 一、 in 黑体 and （一） in 楷体_GB2312, page
// numbers "— n —" in 宋体 4号 on the outer side. Tables repeat their header
// rows on every page and merge cells; charts are native DrawingML bar
// charts, editable in Word and WPS and drawn by the reader's own fonts.
//
// Every text passes through one escape that also drops the characters XML
// 1.0 cannot carry, so no input can break the document.
package docx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Font names of GB/T 9704 as Word and WPS know them.
const (
	FontTitle   = "方正小标宋简体"
	FontBody    = "仿宋_GB2312"
	FontHeading = "黑体"
	FontKai     = "楷体_GB2312"
	FontSong    = "宋体"
	FontLatin   = "Times New Roman"
)

// Sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt, 小四 12 pt, 五号 10.5 pt.
const (
	Size2  = 44
	Size3  = 32
	Size4  = 28
	SizeS4 = 24
	Size5  = 21
)

// Page geometry in twentieths of a point (twips): A4 and the margins of
// GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
const (
	PageWidth    = 11906
	PageHeight   = 16838
	MarginTop    = 2098
	MarginBottom = 1984
	MarginLeft   = 1587
	MarginRight  = 1474
	// TextWidth is the width of the type area: 156 mm.
	TextWidth = PageWidth - MarginLeft - MarginRight
	// LinePitch makes 22 lines in the type area's height.
	LinePitch = (PageHeight - MarginTop - MarginBottom) / 22
)

// Doc is a document being written.
type Doc struct {
	body   bytes.Buffer
	charts []*Chart
	title  string
}

// New starts an empty document; title becomes its core property.
func New(title string) *Doc { return &Doc{title: title} }

// Clean removes what XML 1.0 cannot carry (controls other than tab and
// line breaks, surrogates, U+FFFE and U+FFFF), DEL and the C1 controls,
// and invalid UTF-8.
func Clean(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return !xmlChar(r) }) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r != utf8.RuneError && xmlChar(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xmlChar reports whether r is an XML 1.0 character, leaving out the
// C1 controls and DEL too, which XML allows but no document means.
func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r < 0x7F || r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// esc escapes cleaned text for an element's content or an attribute.
func esc(s string) string {
	s = Clean(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Style is how a run of text looks.
type Style struct {
	Font string // East Asian font; Latin text is in Times New Roman
	Size int    // half-points
	Bold bool
}

// Para is a paragraph's layout.
type Para struct {
	Align  string // "", "center", "right", "both"
	Indent bool   // first line indented two characters
	// Exact sets an exact line height in twips instead of the page grid,
	// for tables and the title block.
	Exact     int
	KeepNext  bool
	SpaceAft  int // twips after the paragraph
	PageBreak bool
}

var (
	body    = Style{Font: FontBody, Size: Size3}
	heading = Style{Font: FontHeading, Size: Size3}
	kai     = Style{Font: FontKai, Size: Size3}
)

func rPr(s Style) string {
	var b strings.Builder
	font := s.Font
	if font == "" {
		font = FontBody
	}
	fmt.Fprintf(&b, `<w:rPr><w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s" w:cs="%s"/>`, FontLatin, FontLatin, esc(font), FontLatin)
	if s.Bold {
		b.WriteString(`<w:b/><w:bCs/>`)
	}
	size := s.Size
	if size == 0 {
		size = Size3
	}
	fmt.Fprintf(&b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr>`, size, size)
	return b.String()
}

func pPr(p Para) string {
	var b strings.Builder
	b.WriteString("<w:pPr>")
	if p.KeepNext {
		b.WriteString("<w:keepNext/>")
	}
	if p.PageBreak {
		b.WriteString("<w:pageBreakBefore/>")
	}
	if p.Exact > 0 {
		fmt.Fprintf(&b, `<w:snapToGrid w:val="0"/><w:spacing w:after="%d" w:line="%d" w:lineRule="exact"/>`, p.SpaceAft, p.Exact)
	} else if p.SpaceAft > 0 {
		fmt.Fprintf(&b, `<w:spacing w:after="%d"/>`, p.SpaceAft)
	}
	if p.Indent {
		b.WriteString(`<w:ind w:firstLineChars="200" w:firstLine="640"/>`)
	}
	if p.Align != "" {
		fmt.Fprintf(&b, `<w:jc w:val="%s"/>`, p.Align)
	}
	b.WriteString("</w:pPr>")
	return b.String()
}

// runs writes text as runs of style s; a line break in the text becomes
// a break in the paragraph and a tab a tab.
func runs(s Style, text string) string {
	var b strings.Builder
	props := rPr(s)
	for i, line := range strings.Split(strings.ReplaceAll(Clean(text), "\r\n", "\n"), "\n") {
		if i > 0 {
			b.WriteString("<w:r>" + props + "<w:br/></w:r>")
		}
		for j, part := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString("<w:r>" + props + "<w:tab/></w:r>")
			}
			if part != "" {
				b.WriteString(`<w:r>` + props + `<w:t xml:space="preserve">` + esc(part) + `</w:t></w:r>`)
			}
		}
	}
	return b.String()
}

// Span is a run of text with its own style inside a paragraph.
type Span struct {
	Style Style
	Text  string
}

// Paragraph writes a paragraph of spans.
func (d *Doc) Paragraph(p Para, spans ...Span) {
	d.body.WriteString("<w:p>" + pPr(p))
	for _, s := range spans {
		d.body.WriteString(runs(s.Style, s.Text))
	}
	d.body.WriteString("</w:p>")
}

// Title writes the document title: 方正小标宋简体 2号, centred, with one
// blank line after it.
func (d *Doc) Title(text string) {
	d.Paragraph(Para{Align: "center", KeepNext: true}, Span{Style{Font: FontTitle, Size: Size2}, text})
	d.Paragraph(Para{})
}

// Subtitle writes a centred line in 楷体 3号, such as the issuing body.
func (d *Doc) Subtitle(text string) {
	d.Paragraph(Para{Align: "center", KeepNext: true}, Span{kai, text})
}

// Heading1 writes a first-level heading (一、…) in 黑体 3号.
func (d *Doc) Heading1(text string) {
	d.Paragraph(Para{Indent: true, KeepNext: true}, Span{heading, text})
}

// Heading2 writes a second-level heading (（一）…) in 楷体 3号.
func (d *Doc) Heading2(text string) {
	d.Paragraph(Para{Indent: true, KeepNext: true}, Span{kai, text})
}

// Body writes a body paragraph in 仿宋 3号, first line indented.
func (d *Doc) Body(text string) {
	d.Paragraph(Para{Indent: true, Align: "both"}, Span{body, text})
}

// BodyLead writes a body paragraph that starts with a bold lead (1. …).
func (d *Doc) BodyLead(lead, text string) {
	d.Paragraph(Para{Indent: true, Align: "both"}, Span{Style{Font: FontBody, Size: Size3, Bold: true}, lead}, Span{body, text})
}

// Caption writes a table or chart caption: 黑体 4号, centred.
func (d *Doc) Caption(text string) {
	d.Paragraph(Para{Align: "center", KeepNext: true, Exact: 480, SpaceAft: 60}, Span{Style{Font: FontHeading, Size: Size4}, text})
}

// Note writes a small note under a table: 仿宋 小四, exact spacing.
func (d *Doc) Note(text string) {
	d.Paragraph(Para{Align: "both", Exact: 360, SpaceAft: 120}, Span{Style{Font: FontBody, Size: SizeS4}, text})
}

// PageBreak starts a new page.
func (d *Doc) PageBreak() {
	d.body.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
}

// Cell is one table cell. Span > 1 merges it across columns; Merge
// "restart" starts a vertical merge and "continue" joins the cell above.
type Cell struct {
	Text  string
	Span  int
	Merge string
	Align string // "", "center", "right"
	Bold  bool
	Shade string // fill colour, "D9D9D9"
}

// Table is a table whose Header rows repeat on every page.
type Table struct {
	Widths []int // column widths in twips; they should sum to TextWidth
	Header [][]Cell
	Rows   [][]Cell
	Size   int // text size in half-points; 0 is 五号
}

// Table writes t.
func (d *Doc) Table(t Table) {
	size := t.Size
	if size == 0 {
		size = Size5
	}
	b := &d.body
	total := 0
	for _, w := range t.Widths {
		total += w
	}
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/>`, total)
	b.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, w := range t.Widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	for _, row := range t.Header {
		d.row(t.Widths, row, true, size)
	}
	for _, row := range t.Rows {
		d.row(t.Widths, row, false, size)
	}
	b.WriteString(`</w:tbl>`)
	// Word needs a paragraph between a table and what follows.
	d.Paragraph(Para{Exact: 240})
}

func (d *Doc) row(widths []int, cells []Cell, header bool, size int) {
	b := &d.body
	b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
	if header {
		b.WriteString(`<w:tblHeader/>`)
	}
	b.WriteString(`</w:trPr>`)
	col := 0
	for _, c := range cells {
		span := max(c.Span, 1)
		w := 0
		for i := col; i < col+span && i < len(widths); i++ {
			w += widths[i]
		}
		col += span
		fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
		if span > 1 {
			fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, span)
		}
		switch c.Merge {
		case "restart":
			b.WriteString(`<w:vMerge w:val="restart"/>`)
		case "continue":
			b.WriteString(`<w:vMerge/>`)
		}
		shade := c.Shade
		if header && shade == "" {
			shade = "E7E6E6"
		}
		if shade != "" {
			fmt.Fprintf(b, `<w:shd w:val="clear" w:color="auto" w:fill="%s"/>`, esc(shade))
		}
		b.WriteString(`<w:vAlign w:val="center"/></w:tcPr>`)
		align := c.Align
		switch {
		case align == "" && header:
			align = "center"
		case align == "":
			align = "left"
		}
		text := c.Text
		if c.Merge == "continue" {
			text = ""
		}
		b.WriteString("<w:p>" + pPr(Para{Align: align, Exact: size * 15}) +
			runs(Style{Font: FontBody, Size: size, Bold: c.Bold || header}, text) + "</w:p></w:tc>")
	}
	b.WriteString(`</w:tr>`)
}

// WriteTo writes the document as a .docx package.
func (d *Doc) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	z := zip.NewWriter(cw)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", d.contentTypes()},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", fmt.Sprintf(coreXML, esc(d.title))},
		{"docProps/app.xml", appXML},
		{"word/document.xml", d.document()},
		{"word/_rels/document.xml.rels", d.documentRels()},
		{"word/styles.xml", stylesXML},
		{"word/settings.xml", settingsXML},
		{"word/fontTable.xml", fontTableXML},
		{"word/footer1.xml", footer("right")},
		{"word/footer2.xml", footer("left")},
	}
	for i, c := range d.charts {
		book, err := c.workbook()
		if err != nil {
			return cw.n, err
		}
		files = append(files,
			struct{ name, body string }{fmt.Sprintf("word/charts/chart%d.xml", i+1), c.xml()},
			struct{ name, body string }{fmt.Sprintf("word/charts/_rels/chart%d.xml.rels", i+1), c.rels(i + 1)},
			struct{ name, body string }{fmt.Sprintf("word/embeddings/Microsoft_Excel_Worksheet%d.xlsx", i+1), string(book)})
	}
	for _, f := range files {
		fw, err := z.Create(f.name)
		if err != nil {
			return cw.n, err
		}
		if _, err := io.WriteString(fw, f.body); err != nil {
			return cw.n, err
		}
	}
	err := z.Close()
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

func (d *Doc) contentTypes() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
		`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
		`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
		`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
		`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>`)
	for i := range d.charts {
		fmt.Fprintf(&b, `<Override PartName="/word/charts/chart%d.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`, i+1)
	}
	b.WriteString(`</Types>`)
	return b.String()
}

const rootRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const coreXML = xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
	`<dc:title>%s</dc:title><dc:creator>pinggu</dc:creator></cp:coreProperties>`

const appXML = xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>pinggu</Application></Properties>`

func (d *Doc) documentRels() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
		`<Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
		`<Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
		`<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>`)
	for i := range d.charts {
		fmt.Fprintf(&b, `<Relationship Id="rIdChart%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="charts/chart%d.xml"/>`, i+1, i+1)
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func (d *Doc) document() string {
	return xmlHeader + `<w:document ` + nsW + ` xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><w:body>` +
		d.body.String() +
		fmt.Sprintf(`<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/>`+
			`<w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/>`+
			`<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="%d"/></w:sectPr>`,
			PageWidth, PageHeight, MarginTop, MarginRight, MarginBottom, MarginLeft, LinePitch) +
		`</w:body></w:document>`
}

// footer is a page-number footer "— n —" in 宋体 4号, on the outer side:
// right on odd pages, left on even ones, one character in from the edge.
func footer(side string) string {
	ind := `w:right="280"`
	if side == "left" {
		ind = `w:left="280"`
	}
	num := Style{Font: FontSong, Size: Size4}
	return xmlHeader + `<w:ftr ` + nsW + `><w:p><w:pPr><w:ind ` + ind + `/><w:jc w:val="` + side + `"/></w:pPr>` +
		runs(num, "— ") +
		`<w:r>` + rPr(num) + `<w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r>` + rPr(num) + `<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r>` + rPr(num) + `<w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r>` + rPr(num) + `<w:t>1</w:t></w:r>` +
		`<w:r>` + rPr(num) + `<w:fldChar w:fldCharType="end"/></w:r>` +
		runs(num, " —") + `</w:p></w:ftr>`
}

var stylesXML = xmlHeader + `<w:styles ` + nsW + `>` +
	`<w:docDefaults><w:rPrDefault>` + rPr(body) + `</w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`</w:styles>`

// settingsXML keeps CT_Settings' element order (defaultTabStop before
// evenAndOddHeaders before characterSpacingControl before compat): Word
// refuses a document whose settings are out of schema order.
const settingsXML = xmlHeader + `<w:settings ` + nsW + `><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/></w:compat></w:settings>`

// fontTableXML names the fonts with their charset and a panose-free
// family, so a reader without them substitutes a face of the same kind.
var fontTableXML = func() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:fonts ` + nsW + `>`)
	for _, f := range []struct{ name, family, alt string }{
		{FontTitle, "script", "FZXiaoBiaoSong-B05S"},
		{FontBody, "modern", "FangSong_GB2312"},
		{FontHeading, "modern", "SimHei"},
		{FontKai, "modern", "KaiTi_GB2312"},
		{FontSong, "roman", "SimSun"},
	} {
		fmt.Fprintf(&b, `<w:font w:name="%s"><w:altName w:val="%s"/><w:charset w:val="86"/><w:family w:val="%s"/><w:pitch w:val="fixed"/></w:font>`, f.name, f.alt, f.family)
	}
	b.WriteString(`<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>`)
	return b.String()
}()
