package report

import (
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"

	"pinggu"
	"pinggu/internal/results"
)

// WriteXLSX writes the data book: one sheet per level — the areas beside
// the city (with a native bar chart), the evaluated objects, the items,
// the checklist — and a sheet on method. For one area (a not nil) the
// sheets hold that area's rows and the city's for comparison. Suppressed
// results are "*", never numbers.
func WriteXLSX(w io.Writer, city *results.City, only *results.Area) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &book{f: f}
	x.pct, _ = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0%")})
	x.dec, _ = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0")})
	x.pct0, _ = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0%")})
	x.dec0, _ = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0")})
	x.head, _ = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	areas := city.Areas
	if only != nil {
		areas = []*results.Area{only}
	}
	x.areas(city, areas)
	x.objects(areas)
	x.items(city, areas)
	x.checklist(city, areas)
	x.method(city.Input.Campaign.Settings.Scale)
	f.DeleteSheet("Sheet1")
	f.SetActiveSheet(0)
	_, err := f.WriteTo(w)
	return err
}

func ptr[T any](v T) *T { return &v }

type book struct {
	f              *excelize.File
	pct, dec, head int
	pct0, dec0     int // figures published coarser (S5): whole percent, whole points
}

func (x *book) sheet(name string, widths map[string]float64, header ...any) {
	x.f.NewSheet(name)
	x.f.SetSheetRow(name, "A1", &header)
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	x.f.SetCellStyle(name, "A1", last, x.head)
	x.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	for col, w := range widths {
		x.f.SetColWidth(name, col, col, w)
	}
	// Printed, a sheet fits the width of a landscape A4 page.
	x.f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape"), FitToWidth: ptr(1), FitToHeight: ptr(0)})
	x.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: ptr(true)})
}

// rateCells are the rate, its bounds and the mean, or "*" when hidden and
// "" without data; a census has no bounds.
func (x *book) rateCells(s *results.Stat) []any {
	switch {
	case s.Rate.N == 0:
		return []any{"", "", "", ""}
	case !s.Shown():
		return []any{"*", "*", "*", "*"}
	}
	// The published figures at their published precision, never the
	// exact estimates (S5 guards what the pages show).
	v := s.Values()
	cell := func(f *float64, none any) any {
		if f == nil {
			return none
		}
		return *f
	}
	if s.Rate.Census {
		return []any{cell(v.Rate, ""), "全员", "全员", cell(v.Mean, "")}
	}
	return []any{cell(v.Rate, ""), cell(v.Lo, "—"), cell(v.Hi, "—"), cell(v.Mean, "")}
}

func (x *book) styleRates(sheet string, first, last int, col int) {
	for c := col; c < col+3; c++ {
		a, _ := excelize.CoordinatesToCellName(c, first)
		b, _ := excelize.CoordinatesToCellName(c, last)
		x.f.SetCellStyle(sheet, a, b, x.pct)
	}
	a, _ := excelize.CoordinatesToCellName(col+3, first)
	b, _ := excelize.CoordinatesToCellName(col+3, last)
	x.f.SetCellStyle(sheet, a, b, x.dec)
}

func (x *book) areas(city *results.City, areas []*results.Area) {
	const s = "县市区和市直单位"
	x.sheet(s, map[string]float64{"A": 22, "B": 10, "H": 10, "I": 10}, "县市区/市直单位", "类型", "评估对象", "样本", "回收", "应答率", "好评率", "下限", "上限", "平均分", "与全市差", "位次")
	row := 2
	for _, a := range areas {
		st := a.Overall
		if a.HiddenInCity && len(areas) > 1 {
			st.Hidden = true
		}
		diff := any("")
		if a.HasDiff && !st.Hidden {
			diff = math.Round(a.Diff*1000) / 1000 // as the pages show it, in tenths of a point
		}
		cells := append([]any{a.Unit.Name, a.Unit.Kind.Chinese(), len(a.Objects), a.Sample, a.Responses, ratio(a.Responses, a.Sample)}, x.rateCells(&st)...)
		cells = append(cells, diff, a.Rank.String())
		cell, _ := excelize.CoordinatesToCellName(1, row)
		x.f.SetSheetRow(s, cell, &cells)
		row++
	}
	cells := append([]any{"全市（加权）", "", "", city.Sample, city.Responses, ratio(city.Responses, city.Sample)}, x.rateCells(&city.Overall)...)
	cell, _ := excelize.CoordinatesToCellName(1, row)
	x.f.SetSheetRow(s, cell, &cells)
	x.f.SetCellStyle(s, "F2", fmt.Sprintf("F%d", row), x.pct)
	x.f.SetCellStyle(s, "K2", fmt.Sprintf("K%d", row), x.pct)
	x.styleRates(s, 2, row, 7)
	x.f.AddChart(s, fmt.Sprintf("A%d", row+2), &excelize.Chart{
		Type:       excelize.Bar,
		VaryColors: ptr(false),
		Series:     []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$G$1", s), Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", s, row), Values: fmt.Sprintf("'%s'!$G$2:$G$%d", s, row)}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "好评率"}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		XAxis:      excelize.ChartAxis{ReverseOrder: true},
		YAxis:      excelize.ChartAxis{Maximum: ptr(1.0), Minimum: ptr(0.0), MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		PlotArea:   excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.0%"}},
		Dimension:  excelize.ChartDimension{Width: 560, Height: uint(min(max(row*26+80, 260), 1400))},
	})
}

func ratio(a, b int) any {
	if b == 0 {
		return ""
	}
	return float64(a) / float64(b)
}

func (x *book) objects(areas []*results.Area) {
	const s = "评估对象"
	x.sheet(s, map[string]float64{"A": 18, "B": 26, "C": 10}, "县市区/市直单位", "评估对象", "类型", "名单人数", "样本", "回收", "应答率", "好评率", "下限", "上限", "平均分")
	row := 2
	for _, a := range areas {
		for _, o := range a.Objects {
			cells := append([]any{a.Unit.Name, o.Unit.Name, o.Unit.Kind.Chinese(), o.Pop, o.Sample, o.Responses, ratio(o.Responses, o.Sample)}, x.rateCells(&o.Overall)...)
			cell, _ := excelize.CoordinatesToCellName(1, row)
			x.f.SetSheetRow(s, cell, &cells)
			row++
		}
	}
	x.f.SetCellStyle(s, "G2", fmt.Sprintf("G%d", row), x.pct)
	x.styleRates(s, 2, row, 8)
}

func (x *book) items(city *results.City, areas []*results.Area) {
	const s = "测评指标"
	head := []any{"范围", "指标体系", "评估方面", "要点编码", "评估要点"}
	for _, l := range city.Scale.Levels {
		head = append(head, l.Label)
	}
	head = append(head, city.Scale.UnknownText(), "好评率", "下限", "上限", "平均分")
	x.sheet(s, map[string]float64{"A": 18, "C": 12, "E": 40}, head...)
	row := 2
	var coarse []int
	write := func(scope string, p *results.Part) {
		for _, d := range p.Framework.Dimensions {
			if d.Retired {
				continue
			}
			for _, it := range d.Items {
				if it.Retired {
					continue
				}
				st := p.Items[it.Code]
				cells := []any{scope, AudienceName(p.Framework.Audience), d.Name, it.Code, it.ShortName()}
				for _, n := range st.Tally.Levels {
					cells = append(cells, hiddenInt(st, n))
				}
				cells = append(cells, hiddenInt(st, st.Tally.Unknown))
				cells = append(cells, x.rateCells(st)...)
				cell, _ := excelize.CoordinatesToCellName(1, row)
				x.f.SetSheetRow(s, cell, &cells)
				if st.Shown() && st.Coarse {
					coarse = append(coarse, row)
				}
				row++
			}
		}
	}
	for _, a := range areas {
		for _, p := range a.Parts {
			write(a.Unit.Name, p)
		}
	}
	for _, p := range city.Parts {
		write("全市", p)
	}
	col := 6 + len(city.Scale.Levels) + 1
	x.styleRates(s, 2, row, col)
	for _, r := range coarse {
		a, _ := excelize.CoordinatesToCellName(col, r)
		x.f.SetCellStyle(s, a, a, x.pct0)
		b, _ := excelize.CoordinatesToCellName(col+3, r)
		x.f.SetCellStyle(s, b, b, x.dec0)
	}
}

func hiddenInt(s *results.Stat, n int) any {
	if s.Rate.N > 0 && (!s.Shown() || s.CountsHidden) {
		return "*"
	}
	return n
}

func (x *book) checklist(city *results.City, areas []*results.Area) {
	const s = "清单式评估"
	x.sheet(s, map[string]float64{"A": 18, "B": 22, "E": 50}, "县市区/市直单位", "评估对象", "要点编码", "等次", "证据摘要", "录入人", "录入时间")
	row := 2
	for _, a := range areas {
		names := map[int64]string{}
		for _, u := range a.Checklist {
			names[u.ID] = u.Name
		}
		for _, g := range a.Grades {
			level := ""
			if g.Level >= 0 && g.Level < len(city.Scale.Levels) {
				level = city.Scale.Levels[g.Level].Label
			}
			cells := []any{a.Unit.Name, names[g.UnitID], g.Item, level, g.Note, g.EnteredBy, g.EnteredAt.In(pinggu.Beijing()).Format("2006-01-02 15:04")}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			x.f.SetSheetRow(s, cell, &cells)
			row++
		}
	}
}

func (x *book) method(scale pinggu.Scale) {
	const s = "说明"
	x.f.NewSheet(s)
	x.f.SetColWidth(s, "A", "A", 120)
	lines := append([]string{MethodTitle}, MethodNote(scale)...)
	for i, l := range lines {
		x.f.SetCellValue(s, fmt.Sprintf("A%d", i+1), l)
	}
}
