package tabular

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"

	"github.com/xuri/excelize/v2"

	"pinggu"
)

// WriteCSV writes header and rows as UTF-8 CSV with a BOM, which is what
// Excel needs to show Chinese correctly when the file is double-clicked;
// cells a spreadsheet would run as formulas are neutralised.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	safe := func(r []string) []string {
		out := make([]string, len(r))
		for i, v := range r {
			out[i] = pinggu.Neutralize(v)
		}
		return out
	}
	if err := cw.Write(safe(header)); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(safe(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Sheet is one worksheet to write: a bold header row and text rows. Wrap
// lists the (0-based) columns of long text, which wrap at a fixed width.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]string
	Wrap   []int
}

// WriteXLSX writes one sheet.
func WriteXLSX(w io.Writer, sheet string, header []string, rows [][]string) error {
	return WriteWorkbook(w, []Sheet{{Name: sheet, Header: header, Rows: rows}})
}

// WriteWorkbook writes sheets with a bold, frozen header row, every cell as
// text (so that codes keep their leading zeros), columns sized to fit, and
// A4 landscape printing with the header repeated on each page.
func WriteWorkbook(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E8EEF7"}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top"}}) // "@": text
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return err
		}
		if err := writeSheet(f, s, bold, text, wrap); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func writeSheet(f *excelize.File, s Sheet, bold, text, wrap int) error {
	// Page setup goes before the stream writer, which keeps the sheet's other
	// parts but ignores changes made after it starts.
	if err := printSetup(f, s.Name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	widths := make([]int, len(s.Header))
	for i, h := range s.Header {
		widths[i] = displayWidth(h)
	}
	for _, r := range s.Rows {
		for i, v := range r {
			if i < len(widths) && displayWidth(v) > widths[i] {
				widths[i] = displayWidth(v)
			}
		}
	}
	for i, wd := range widths {
		limit := 60
		if slices.Contains(s.Wrap, i) {
			limit = 50
		}
		widths[i] = min(wd, limit)
		if err := sw.SetColWidth(i+1, i+1, float64(widths[i]+2)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := func(vals []string, style func(int) int) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = excelize.Cell{StyleID: style(i), Value: v}
		}
		return out
	}
	if err := sw.SetRow("A1", cells(s.Header, func(int) int { return bold })); err != nil {
		return err
	}
	body := func(i int) int {
		if slices.Contains(s.Wrap, i) {
			return wrap
		}
		return text
	}
	for i, r := range s.Rows {
		// Spreadsheet programs do not grow a streamed row to fit wrapped
		// text, so the height is set from the longest wrapped cell.
		lines := 1
		for _, c := range s.Wrap {
			if c < len(r) && widths[c] > 0 {
				lines = max(lines, (displayWidth(r[c])+widths[c]-1)/widths[c])
			}
		}
		var opts []excelize.RowOpts
		if lines > 1 {
			opts = append(opts, excelize.RowOpts{Height: float64(lines) * 15})
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), cells(r, body), opts...); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// printSetup makes the sheet print on A4 landscape, one page wide, with the
// header row repeated on every page.
func printSetup(f *excelize.File, sheet string) error {
	a4, landscape, one, any, fit := 9, "landscape", 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}

// displayWidth counts a CJK character as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r > 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
