// Package tabular reads the spreadsheets people upload (XLSX, or CSV in
// UTF-8, UTF-8 with BOM or GB18030 as saved by Chinese Excel) into rows of
// strings, and writes rows back as CSV or XLSX. It guards against files that
// are not what their name says and against archives that inflate without
// bound; every refusal is a pinggu.Error with a translatable message.
package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"pinggu"
)

// Limits on what an upload may be.
const (
	MaxFileBytes     = 20 << 20  // the upload itself
	MaxInflatedBytes = 100 << 20 // all parts of an XLSX once unzipped
	MaxInflateRatio  = 200       // one part's unzipped size over its zipped size
	MaxRows          = 100_000
)

// Table is a parsed upload: a header and data rows. Rows[i] came from line or
// row number Lines[i] of the file (1-based, the header being line 1 unless
// blank lines precede it).
type Table struct {
	Header   []string
	Rows     [][]string
	Lines    []int
	Encoding string // "utf-8", "utf-8-bom", "gb18030" or "xlsx"
}

// Read parses data named filename. It looks at the content, not the name,
// to decide the format, and refuses a name that lies about it.
func Read(filename string, data []byte) (*Table, error) {
	if len(data) > MaxFileBytes {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", MaxFileBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.empty")
	}
	ext := strings.ToLower(filepath.Ext(filename))
	isZip := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	switch {
	case ext == ".xls":
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.xls_unsupported")
	case (ext == ".xlsx" || ext == ".xlsm") && !isZip:
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.not_xlsx", "Name", filename)
	case isZip:
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.xls_unsupported")
	}
	return readCSV(data)
}

func readCSV(data []byte) (*Table, error) {
	enc := "utf-8"
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		data, enc = data[3:], "utf-8-bom"
	}
	if !utf8.Valid(data) {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(decoded, utf8.RuneError) {
			return nil, pinggu.Errorf(pinggu.EInvalid, "file.encoding_unknown", "Line", badLine(data))
		}
		data, enc = decoded, "gb18030"
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.binary")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	t := &Table{Encoding: enc}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, pinggu.Errorf(pinggu.EInvalid, "file.csv_syntax", "Line", line)
		}
		line, _ := r.FieldPos(0)
		for i := range rec {
			rec[i] = pinggu.Restore(rec[i]) // what pinggu's own CSV exports neutralised
		}
		if err := t.add(rec, line); err != nil {
			return nil, err
		}
	}
	return t.finish()
}

// badLine returns the 1-based line of the first byte sequence that is
// neither UTF-8 nor GB18030, for the error message.
func badLine(data []byte) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		if utf8.Valid(line) {
			continue
		}
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(line)
		if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
			return i + 1
		}
	}
	return 1
}

// OpenXLSX opens an uploaded workbook after checking that it is a real
// XLSX that does not inflate past the limits. The caller closes it.
func OpenXLSX(data []byte) (*excelize.File, error) {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.not_xlsx", "Name", "")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.bad_zip")
	}
	var total uint64
	hasWorkbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > MaxInflateRatio && f.UncompressedSize64 > 1<<20 {
			return nil, pinggu.Errorf(pinggu.EInvalid, "file.inflates", "MaxMB", MaxInflatedBytes>>20)
		}
		if f.Name == "xl/workbook.xml" {
			hasWorkbook = true
		}
	}
	if total > MaxInflatedBytes {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.inflates", "MaxMB", MaxInflatedBytes>>20)
	}
	if !hasWorkbook {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.not_xlsx", "Name", "")
	}
	// The sizes above come from the archive's directory, which a crafted
	// file can understate; excelize enforces its own limits while unzipping.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: MaxInflatedBytes, UnzipXMLSizeLimit: MaxInflatedBytes / 4,
	})
	if err != nil {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.not_xlsx", "Name", "")
	}
	return f, nil
}

func readXLSX(data []byte) (*Table, error) {
	f, err := OpenXLSX(data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadSheet(f, "")
}

// ReadSheet reads one sheet of an open workbook ("" for the first) into a
// table, the first non-blank row being the header.
func ReadSheet(f *excelize.File, sheet string) (*Table, error) {
	if sheet == "" {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, pinggu.Errorf(pinggu.EInvalid, "file.empty")
		}
		sheet = sheets[0]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.not_xlsx", "Name", "")
	}
	defer rows.Close()
	t := &Table{Encoding: "xlsx"}
	for n := 1; rows.Next(); n++ {
		rec, err := rows.Columns(excelize.Options{RawCellValue: false})
		if err != nil {
			return nil, pinggu.Errorf(pinggu.EInvalid, "file.xlsx_row", "Line", n)
		}
		if err := t.add(rec, n); err != nil {
			return nil, err
		}
	}
	return t.finish()
}

// add appends a record, taking the first non-blank one as the header.
func (t *Table) add(rec []string, line int) error {
	for i := range rec {
		rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\uFEFF"))
	}
	if blank(rec) {
		return nil
	}
	if t.Header == nil {
		t.Header = rec
		return nil
	}
	if len(t.Rows) >= MaxRows {
		return pinggu.Errorf(pinggu.EInvalid, "file.too_many_rows", "Max", MaxRows)
	}
	t.Rows = append(t.Rows, rec)
	t.Lines = append(t.Lines, line)
	return nil
}

func (t *Table) finish() (*Table, error) {
	if t.Header == nil {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.empty")
	}
	return t, nil
}

func blank(rec []string) bool {
	for _, v := range rec {
		if v != "" {
			return false
		}
	}
	return true
}

// Cell returns row[i], or "" when the row is short.
func Cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}
