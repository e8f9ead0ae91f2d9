package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// schemaOrder lists, for the WordprocessingML elements pinggu writes
// children into, their children in the order the schema (ECMA-376 part 1)
// requires. Word refuses a document with children out of order, where
// LibreOffice and python-docx do not mind, so only this test catches it.
var schemaOrder = map[string][]string{
	"pPr":        strings.Fields("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"),
	"rPr":        strings.Fields("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"),
	"tcPr":       strings.Fields("cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark"),
	"tblPr":      strings.Fields("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook"),
	"tblBorders": strings.Fields("top left start bottom right end insideH insideV"),
	"sectPr":     strings.Fields("headerReference|footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings"),
	"settings":   strings.Fields("writeProtection view zoom proofState defaultTabStop autoHyphenation evenAndOddHeaders characterSpacingControl compat rsids"),
	"compat":     strings.Fields("useSingleBorderforContiguousCells wpJustification noTabHangInd noLeading spaceForUL noColumnBalance balanceSingleByteDoubleByteWidth noExtraLineSpacing doNotLeaveBackslashAlone ulTrailSpace doNotExpandShiftReturn spacingInWholePoints adjustLineHeightInTable useFELayout compatSetting"),
	"tbl":        strings.Fields("tblPr tblGrid tr"),
	"tr":         strings.Fields("tblPrEx trPr tc"),
	"tc":         strings.Fields("tcPr p|tbl"),
	"font":       strings.Fields("altName panose1 charset family notTrueType pitch sig"),
	"inline":     strings.Fields("extent effectExtent docPr cNvGraphicFramePr graphic"),
	// DrawingML charts.
	"chartSpace": strings.Fields("date1904 lang roundedCorners AlternateContent clrMapOvr pivotSource protection chart spPr txPr externalData printSettings userShapes"),
	"chart":      strings.Fields("title autoTitleDeleted pivotFmts view3D floor sideWall backWall plotArea legend plotVisOnly dispBlanksAs"),
	"barChart":   strings.Fields("barDir grouping varyColors ser dLbls gapWidth overlap serLines axId"),
	"ser":        strings.Fields("idx order tx spPr invertIfNegative pictureOptions dPt dLbls trendline errBars cat val shape"),
	"dPt":        strings.Fields("idx invertIfNegative marker bubble3D explosion spPr"),
	"dLbls":      strings.Fields("dLbl delete numFmt spPr txPr dLblPos showLegendKey showVal showCatName showSerName showPercent showBubbleSize separator showLeaderLines"),
	"errBars":    strings.Fields("errDir errBarType errValType noEndCap plus minus val spPr"),
	"catAx":      strings.Fields("axId scaling delete axPos majorGridlines minorGridlines title numFmt majorTickMark minorTickMark tickLblPos spPr txPr crossAx crosses crossesAt auto lblAlgn lblOffset tickLblSkip tickMarkSkip noMultiLvlLbl"),
	"valAx":      strings.Fields("axId scaling delete axPos majorGridlines minorGridlines title numFmt majorTickMark minorTickMark tickLblPos spPr txPr crossAx crosses crossesAt crossBetween majorUnit minorUnit dispUnits"),
	"scaling":    strings.Fields("logBase orientation max min"),
}

func rank(order []string, name string) int {
	for i, n := range order {
		for _, alt := range strings.Split(n, "|") {
			if alt == name {
				return i
			}
		}
	}
	return -1
}

func TestSchemaOrder(t *testing.T) {
	d := New("测试")
	d.Title("关于测试的报告")
	d.Subtitle("评估组")
	d.Heading1("一、基本情况")
	d.Heading2("（一）总体")
	d.Body("正文\n第二行\t制表")
	d.BodyLead("1．", "要点")
	d.Caption("表1")
	d.Table(Table{Widths: []int{3000, 3000, 4845}, Header: [][]Cell{{{Text: "甲"}, {Text: "乙", Span: 2}}},
		Rows: [][]Cell{{{Text: "a", Merge: "restart"}, {Text: "b"}, {Text: "c", Align: "right", Shade: "FFFF00"}}, {{Merge: "continue"}, {Text: "d", Span: 2, Bold: true}}}})
	d.Note("注")
	d.Chart(&Chart{Series: "好评率", Labels: []string{"甲", "乙"}, Values: []float64{80, 60}, Lo: []float64{70, 50}, Hi: []float64{90, 70}, Highlight: []bool{false, true}})
	d.PageBreak()
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		r, _ := f.Open()
		dec := xml.NewDecoder(r)
		type frame struct {
			name, space string
			last        int
		}
		var stack []frame
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			switch el := tok.(type) {
			case xml.StartElement:
				if len(stack) > 0 {
					parent := &stack[len(stack)-1]
					// DrawingML's own a:pPr and a:rPr are other elements.
					if order, ok := schemaOrder[parent.name]; ok && parent.space != "http://schemas.openxmlformats.org/drawingml/2006/main" {
						k := rank(order, el.Name.Local)
						switch {
						case k < 0:
							t.Errorf("%s: <%s> in <%s> is not in the schema list", f.Name, el.Name.Local, parent.name)
						case k < parent.last:
							t.Errorf("%s: <%s> comes after a later sibling in <%s>", f.Name, el.Name.Local, parent.name)
						default:
							parent.last = k
							checked++
						}
					}
				}
				stack = append(stack, frame{name: el.Name.Local, space: el.Name.Space})
			case xml.EndElement:
				stack = stack[:len(stack)-1]
			}
		}
		r.Close()
	}
	if checked < 100 {
		t.Errorf("only %d elements checked", checked)
	}
}
