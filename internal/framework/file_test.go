package framework_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"pinggu"
	"pinggu/internal/framework"
)

func builtin(t *testing.T, i int) *pinggu.Framework {
	fs, err := pinggu.BuiltinFrameworks()
	if err != nil {
		t.Fatal(err)
	}
	f := fs[i]
	f.Dimensions[0].Items[1].Retired = true // exercise the flags too
	return &f
}

func TestRoundTrip(t *testing.T) {
	for _, format := range []string{"json", "xlsx"} {
		for i := 0; i < 2; i++ {
			f := builtin(t, i)
			var buf bytes.Buffer
			var err error
			if format == "json" {
				err = framework.WriteJSON(&buf, f)
			} else {
				err = framework.WriteXLSX(&buf, f)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := framework.Read("f."+format, buf.Bytes())
			if err != nil {
				t.Fatalf("%s: %v %+v", format, err, pinggu.AsError(err).Problems)
			}
			got.Version, f.Version = 0, 0
			if !reflect.DeepEqual(got, f) {
				t.Errorf("%s round trip of %s differs:\n%+v\n%+v", format, f.Code, got, f)
			}
		}
	}
}

// TestBadFiles: each bad framework file gets a located message.
func TestBadFiles(t *testing.T) {
	xlsx := func(edit func(x *excelize.File)) []byte {
		var buf bytes.Buffer
		framework.WriteXLSX(&buf, builtin(t, 1))
		x, _ := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		edit(x)
		buf.Reset()
		x.Write(&buf)
		return buf.Bytes()
	}
	cases := []struct {
		name string
		data []byte
		key  string
		row  int
		col  string
	}{
		{"duplicate item code", xlsx(func(x *excelize.File) { x.SetCellValue("指标", "E3", "B1.1") }), "framework.item_duplicate", 3, "条目编码"},
		{"empty question", xlsx(func(x *excelize.File) { x.SetCellValue("指标", "G4", "") }), "field.required", 4, "测评问题"},
		{"bad flag", xlsx(func(x *excelize.File) { x.SetCellValue("指标", "H2", "也许") }), "framework.yes_no", 2, "条目停用"},
		{"unknown audience", xlsx(func(x *excelize.File) { x.SetCellValue("说明", "B3", "群众") }), "framework.audience_unknown", 3, "说明!B"},
		{"json syntax", []byte(`{"code": "x",`), "framework.json_syntax", 0, ""},
		{"json unknown field", []byte(`{"code": "x", "colour": 1}`), "framework.json_syntax", 0, ""},
		{"json empty dimension", []byte(`{"code":"x","name":"x","audience":"branch","dimensions":[{"code":"D","name":"空","items":[]}]}`), "framework.dimension_empty", 0, "dimensions[0].items"},
	}
	for _, c := range cases {
		_, err := framework.Read("f.xlsx", c.data)
		e := pinggu.AsError(err)
		key, row, col := e.Key, 0, ""
		if len(e.Problems) > 0 {
			key, row, col = e.Problems[0].Key, e.Problems[0].Row, e.Problems[0].Column
		}
		if err == nil || key != c.key || row != c.row || col != c.col {
			t.Errorf("%s: %s at %d %q (%v), want %s at %d %q", c.name, key, row, col, err, c.key, c.row, c.col)
		}
	}
}
