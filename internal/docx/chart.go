package docx

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Chart is a horizontal bar chart of percentages, one bar per category,
// first at the top, each with an optional interval drawn as an error bar.
// It is a native DrawingML chart: Word, WPS and LibreOffice draw it with
// their own fonts and let the reader restyle it.
type Chart struct {
	Series string   // the series name, such as 好评率
	Labels []string // categories
	Values []float64
	// Lo and Hi, when set, bound each value's interval (same units).
	Lo, Hi []float64
	// Highlight marks bars drawn in the second colour, such as the city.
	Highlight []bool
	Max       float64 // the axis maximum; 100 when 0
}

// Chart writes c as a centred inline chart the width of the type area.
func (d *Doc) Chart(c *Chart) {
	d.charts = append(d.charts, c)
	n := len(d.charts)
	const emuPerTwip = 635
	cx := TextWidth * emuPerTwip
	cy := min(max(len(c.Labels)*290000+700000, 2200000), 8200000)
	fmt.Fprintf(&d.body, `<w:p>%s<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/>`+
		`<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="%d" name="图表 %d"/><wp:cNvGraphicFramePr/>`+
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart r:id="rIdChart%d"/></a:graphicData></a:graphic>`+
		`</wp:inline></w:drawing></w:r></w:p>`, pPr(Para{Align: "center", Exact: 0}), cx, cy, n, n, n)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

func numLit(format string, vs []float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<c:numLit><c:formatCode>%s</c:formatCode><c:ptCount val="%d"/>`, format, len(vs))
	for i, v := range vs {
		fmt.Fprintf(&b, `<c:pt idx="%d"><c:v>%s</c:v></c:pt>`, i, num(v))
	}
	b.WriteString(`</c:numLit>`)
	return b.String()
}

// txPr sets a chart element's text: 仿宋 for Chinese, Times New Roman for
// figures, size in hundredths of a point.
func txPr(size int) string {
	return fmt.Sprintf(`<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="%d"><a:latin typeface="%s"/><a:ea typeface="%s"/></a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>`,
		size, FontLatin, esc(FontBody))
}

func (c *Chart) xml() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<c:lang val="zh-CN"/><c:roundedCorners val="0"/><c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>` +
		`<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>`)
	fmt.Fprintf(&b, `<c:ser><c:idx val="0"/><c:order val="0"/><c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>%s</c:v></c:pt></c:strCache></c:strRef></c:tx>`, esc(c.Series))
	b.WriteString(`<c:spPr><a:solidFill><a:srgbClr val="4472C4"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>`)
	for i, h := range c.Highlight {
		if h {
			fmt.Fprintf(&b, `<c:dPt><c:idx val="%d"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/><c:spPr><a:solidFill><a:srgbClr val="C00000"/></a:solidFill></c:spPr></c:dPt>`, i)
		}
	}
	b.WriteString(`<c:dLbls><c:numFmt formatCode="0.0" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>` + txPr(900) +
		`<c:dLblPos val="inBase"/><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>`)
	if len(c.Lo) == len(c.Values) && len(c.Hi) == len(c.Values) {
		plus := make([]float64, len(c.Values))
		minus := make([]float64, len(c.Values))
		for i, v := range c.Values {
			plus[i], minus[i] = max(c.Hi[i]-v, 0), max(v-c.Lo[i], 0)
		}
		b.WriteString(`<c:errBars><c:errBarType val="both"/><c:errValType val="cust"/><c:noEndCap val="0"/>` +
			`<c:plus>` + numLit("0.0", plus) + `</c:plus><c:minus>` + numLit("0.0", minus) + `</c:minus>` +
			`<c:spPr><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></c:spPr></c:errBars>`)
	}
	last := len(c.Labels) + 1
	fmt.Fprintf(&b, `<c:cat><c:strRef><c:f>Sheet1!$A$2:$A$%d</c:f><c:strCache><c:ptCount val="%d"/>`, last, len(c.Labels))
	for i, l := range c.Labels {
		fmt.Fprintf(&b, `<c:pt idx="%d"><c:v>%s</c:v></c:pt>`, i, esc(l))
	}
	fmt.Fprintf(&b, `</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:f>Sheet1!$B$2:$B$%d</c:f>`, last)
	b.WriteString(strings.ReplaceAll(numLit("0.0", c.Values), "c:numLit>", "c:numCache>") + `</c:numRef></c:val></c:ser>`)
	top := c.Max
	if top == 0 {
		top = 100
	}
	fmt.Fprintf(&b, `<c:gapWidth val="50"/><c:axId val="101"/><c:axId val="102"/></c:barChart>`+
		`<c:catAx><c:axId val="101"/><c:scaling><c:orientation val="maxMin"/></c:scaling><c:delete val="0"/><c:axPos val="l"/>`+
		`<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>%s`+
		`<c:crossAx val="102"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>`+
		`<c:valAx><c:axId val="102"/><c:scaling><c:orientation val="minMax"/><c:max val="%s"/><c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="b"/>`+
		`<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>`+
		`<c:numFmt formatCode="0" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>%s`+
		`<c:crossAx val="101"/><c:crosses val="max"/><c:crossBetween val="between"/><c:majorUnit val="%s"/></c:valAx>`+
		`</c:plotArea><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>`+
		`<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>%s<c:externalData r:id="rIdData"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>`,
		txPr(1000), num(top), txPr(900), num(top/5), txPr(1000))
	return b.String()
}

// workbook is the chart's data as an embedded workbook, so that Word's
// and WPS's "edit data" open it: labels in column A, values in B.
func (c *Chart) workbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "B1", Clean(c.Series))
	for i, l := range c.Labels {
		f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i+2), Clean(l))
		f.SetCellValue("Sheet1", fmt.Sprintf("B%d", i+2), math.Round(c.Values[i]*10)/10)
	}
	var b bytes.Buffer
	_, err := f.WriteTo(&b)
	return b.Bytes(), err
}

func (c *Chart) rels(i int) string {
	return xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		fmt.Sprintf(`<Relationship Id="rIdData" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/package" Target="../embeddings/Microsoft_Excel_Worksheet%d.xlsx"/>`, i) +
		`</Relationships>`
}
