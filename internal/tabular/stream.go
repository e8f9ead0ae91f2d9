package tabular

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// RowWriter writes a table one row at a time, for exports too large to
// hold: rows go out (CSV) or to excelize's temporary file (XLSX) as they
// come. Close finishes the file; nothing is complete before it.
type RowWriter interface {
	Write(row []any) error
	Close() error
}

// NewCSVWriter starts a streamed CSV (UTF-8 with a BOM, CRLF) with header.
func NewCSVWriter(w io.Writer, header []string) (RowWriter, error) {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &csvRows{w: cw, rec: make([]string, len(header))}, nil
}

type csvRows struct {
	w   *csv.Writer
	rec []string
}

func (c *csvRows) Write(row []any) error {
	c.rec = c.rec[:0]
	for _, v := range row {
		switch v := v.(type) {
		case nil:
			c.rec = append(c.rec, "")
		case string:
			c.rec = append(c.rec, v)
		case int:
			c.rec = append(c.rec, strconv.Itoa(v))
		default:
			panic("tabular: unsupported cell type")
		}
	}
	return c.w.Write(c.rec)
}

func (c *csvRows) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// NewXLSXWriter starts a streamed one-sheet workbook with a bold, frozen
// header row. Close writes the workbook to w.
func NewXLSXWriter(w io.Writer, sheet string, header []string) (RowWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E8EEF7"}}})
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, err
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxRows{f: f, sw: sw, w: w, row: 2}, nil
}

type xlsxRows struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	w   io.Writer
	row int
}

func (x *xlsxRows) Write(row []any) error {
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	x.row++
	return x.sw.SetRow(cell, row)
}

func (x *xlsxRows) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}
