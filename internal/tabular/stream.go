package tabular

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"pinggu"
)

// RowWriter writes a table one row at a time, for exports too large to
// hold: rows go out (CSV) or to excelize's temporary file (XLSX) as they
// come. Close finishes the file; nothing is complete before it.
type RowWriter interface {
	Write(row []any) error
	Close() error
}

// NewCSVWriter starts a streamed CSV (UTF-8 with a BOM, CRLF) with header.
// Fields are quoted as encoding/csv would (RFC 4180: a field with a comma,
// quote, line break or leading space) after Neutralize; the rows go
// through a 64 KB buffer.
func NewCSVWriter(w io.Writer, header []string) (RowWriter, error) {
	c := &csvRows{w: bufio.NewWriterSize(w, 1<<16)}
	c.w.WriteString("\xEF\xBB\xBF")
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = h
	}
	if err := c.Write(row); err != nil {
		return nil, err
	}
	return c, nil
}

type csvRows struct {
	w   *bufio.Writer
	num [20]byte
}

func (c *csvRows) Write(row []any) error {
	for i, v := range row {
		if i > 0 {
			c.w.WriteByte(',')
		}
		switch v := v.(type) {
		case nil:
		case string:
			c.field(v)
		case int:
			c.w.Write(strconv.AppendInt(c.num[:0], int64(v), 10))
		default:
			return fmt.Errorf("tabular: unsupported cell type %T", v)
		}
	}
	_, err := c.w.WriteString("\r\n")
	return err
}

func (c *csvRows) field(s string) {
	s = pinggu.Neutralize(s)
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[0] != '\t' {
		c.w.WriteString(s)
		return
	}
	c.w.WriteByte('"')
	c.w.WriteString(strings.ReplaceAll(s, `"`, `""`))
	c.w.WriteByte('"')
}

func (c *csvRows) Close() error { return c.w.Flush() }

// NewExcelizeXLSXWriter is NewXLSXWriter on excelize's StreamWriter: the
// benchmark's baseline. It spools the sheet to a temporary file and
// compresses it at the default level on Close.
func NewExcelizeXLSXWriter(w io.Writer, sheet string, header []string) (RowWriter, error) {
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
