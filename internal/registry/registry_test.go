package registry_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"pinggu"
	"pinggu/internal/registry"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

var ctx = context.Background()
var actor = store.Actor{Login: "cli:test"}

const base = `编码,名称,类型,上级编码,党员人数
3210,扬州市,市,,0
321002,广陵区,县市区,3210,1200
321002001,东关街道,乡镇街道,321002,300
321003,邗江区,county,3210,1500
321003901,东关街道,township,321003,120
321002D01,广陵区委组织部,县直单位,321002,45
,第一党支部,党支部,321002001,25
,第一党支部,branch,321003901,18
M001,市委宣传部,市直单位,3210,60
`

func importOK(t *testing.T, db *store.DB, name, data string) *registry.Plan {
	t.Helper()
	p, err := registry.Import(ctx, db, actor, name, []byte(data))
	if err != nil {
		t.Fatalf("import %s: %v %+v", name, err, pinggu.AsError(err).Problems)
	}
	return p
}

type snapshot struct{ units, audit int }

func snap(t *testing.T, db *store.DB) snapshot {
	var s snapshot
	db.View(ctx, func(tx *store.Tx) error {
		us, _ := tx.Units(ctx)
		es, _ := tx.AuditEntries(ctx, store.AuditFilter{Limit: 100000})
		s = snapshot{len(us), len(es)}
		return nil
	})
	return s
}

func TestImportCreatesThenUpdatesByCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := importOK(t, db, "units.csv", base)
		if len(p.Creates) != 9 || len(p.Updates) != 0 {
			t.Fatalf("first import: %d creates, %d updates", len(p.Creates), len(p.Updates))
		}
		// Same file again: nothing to do.
		p = importOK(t, db, "units.csv", base)
		if len(p.Creates) != 0 || len(p.Updates) != 0 || p.Unchanged != 9 {
			t.Fatalf("re-import: %+v", p)
		}
		// A changed file: a renamed unit and a new headcount update in place.
		changed := strings.Replace(base, "广陵区委组织部,县直单位,321002,45", "中共广陵区委组织部,县直单位,321002,47", 1)
		p = importOK(t, db, "units.csv", changed)
		if len(p.Creates) != 0 || len(p.Updates) != 1 || p.Updates[0].After.Name != "中共广陵区委组织部" {
			t.Fatalf("changed import: %+v", p)
		}
		if s := snap(t, db); s.units != 9 {
			t.Errorf("units after three imports = %d, want 9", s.units)
		}
		db.View(ctx, func(tx *store.Tx) error {
			u, err := tx.UnitByCode(ctx, "321002D01")
			if err != nil || u.Headcount != 47 || u.ParentCode != "321002" {
				t.Errorf("updated unit = %+v, %v", u, err)
			}
			return nil
		})
	})
}

func TestImportParentsAfterChildrenAndSameNames(t *testing.T) {
	db := storetest.OpenSQLite(t)
	lines := strings.Split(strings.TrimSpace(base), "\n")
	// Reverse the data rows: every child now comes before its parent.
	rev := []string{lines[0]}
	for i := len(lines) - 1; i > 0; i-- {
		rev = append(rev, lines[i])
	}
	importOK(t, db, "reversed.csv", strings.Join(rev, "\n"))
	db.View(ctx, func(tx *store.Tx) error {
		found, _ := tx.SearchUnits(ctx, "东关街道", 10)
		if len(found) != 2 || found[0].ParentCode == found[1].ParentCode {
			t.Errorf("same-name townships = %+v", found)
		}
		return nil
	})
}

func TestImportEnglishHeaderAnyOrderXLSX(t *testing.T) {
	db := storetest.OpenSQLite(t)
	f := excelize.NewFile()
	rows := [][]any{
		{"kind", "name", "headcount", "code", "parent_code", "liaison_name", "liaison_phone"},
		{"city", "扬州市", 0, "3210", "", "", ""},
		{"county", "广陵区", 1200, "321002", "3210", "王敏", "13812345678"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var buf bytes.Buffer
	f.Write(&buf)
	importOK(t, db, "units.xlsx", buf.String())
	db.View(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitByCode(ctx, "321002")
		if err != nil || u.Headcount != 1200 || u.LiaisonName != "王敏" || u.LiaisonPhone != "13812345678" {
			t.Errorf("unit = %+v, %v", u, err)
		}
		return nil
	})
}

func TestImportGB18030(t *testing.T) {
	db := storetest.OpenSQLite(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(base)
	if err != nil {
		t.Fatal(err)
	}
	p := importOK(t, db, "units.csv", gbk)
	if p.Encoding != "gb18030" || len(p.Creates) != 9 {
		t.Fatalf("plan = %+v", p)
	}
	importOK(t, db, "bom.csv", "\xEF\xBB\xBF"+base) // the same file with a BOM changes nothing
	db.View(ctx, func(tx *store.Tx) error {
		u, _ := tx.UnitByCode(ctx, "321002")
		if u.Name != "广陵区" {
			t.Errorf("name decoded as %q", u.Name)
		}
		return nil
	})
}

// TestImportBadInput checks every kind of bad file: each gets a message that
// names the row and column, and the registry and audit log stay untouched.
func TestImportBadInput(t *testing.T) {
	gbkBroken, _ := simplifiedchinese.GBK.NewEncoder().String(base)
	gbkBroken = strings.Replace(gbkBroken, "321002001", "3210\xff\xfe01", 1)
	cases := []struct {
		name, file, data string
		key              string // the error's key, or the first problem's key
		row              int
		col              string
	}{
		{"undecodable bytes", "u.csv", gbkBroken, "file.encoding_unknown", 0, ""},
		{"missing column", "u.csv", "编码,名称,类型,党员人数\n3210,扬州市,市,0\n", "import.column_missing", 1, "上级编码"},
		{"unknown kind", "u.csv", base + "321002X,某单位,街道办,321002,3\n", "unit.kind_unknown", 11, "类型"},
		{"parent missing", "u.csv", base + "321009001,某镇,乡镇街道,321009,3\n", "import.parent_missing", 11, "上级编码"},
		{"cycle", "u.csv", base + "R1,扬州大学,参照单位,R2,0\nR2,文学院,参照单位,R1,30\n", "import.cycle", 11, "上级编码"},
		{"self parent", "u.csv", base + "R1,扬州大学,参照单位,R1,0\n", "import.cycle", 11, "上级编码"},
		{"duplicate code", "u.csv", base + "321002,广陵区,县市区,3210,1\n", "import.code_duplicate", 11, "编码"},
		{"code across kinds in file", "u.csv", base + "321002,广陵区,市直单位,3210,1\n", "import.code_kind_clash", 11, "编码"},
		{"duplicate branch", "u.csv", base + ",第一党支部,党支部,321002001,3\n", "import.branch_duplicate", 11, "名称"},
		{"empty name", "u.csv", base + "321002002,,乡镇街道,321002,3\n", "field.required", 11, "名称"},
		{"negative headcount", "u.csv", base + "321002002,汶河街道,乡镇街道,321002,-3\n", "unit.headcount_negative", 11, "党员人数"},
		{"headcount not a number", "u.csv", base + "321002002,汶河街道,乡镇街道,321002,三十\n", "unit.headcount_format", 11, "党员人数"},
		{"wrong parent kind", "u.csv", base + "321002002,汶河街道,乡镇街道,321002001,3\n", "import.parent_kind", 11, "上级编码"},
		{"city with parent", "u.csv", strings.Replace(base, "3210,扬州市,市,,0", "3210,扬州市,市,32,0", 1), "import.root_has_parent", 2, "上级编码"},
		{"county code digits", "u.csv", base + "32100,某区,县市区,3210,3\n", "unit.code_county_digits", 11, "编码"},
		{"renamed text file", "units.xlsx", base, "file.not_xlsx", 0, ""},
		{"old xls", "units.xls", base, "file.xls_unsupported", 0, ""},
		{"empty file", "u.csv", "\n\n", "file.empty", 0, ""},
		{"zip bomb", "bomb.xlsx", bomb(t, 300<<20, false), "file.inflates", 0, ""},
		{"zip bomb with lying sizes", "bomb.xlsx", bomb(t, 300<<20, true), "file.not_xlsx", 0, ""},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		importOK(t, db, "units.csv", base)
		// A stored code used again with another kind.
		cases := append(cases, struct {
			name, file, data string
			key              string
			row              int
			col              string
		}{"code across kinds vs stored", "u.csv", "编码,名称,类型,上级编码,党员人数\nM001,市委宣传部,县直单位,321002,60\n", "import.code_other_kind", 2, "类型"})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := snap(t, db)
				_, err := registry.Import(ctx, db, actor, c.file, []byte(c.data))
				e := pinggu.AsError(err)
				if err == nil || e.Code != pinggu.EInvalid {
					t.Fatalf("err = %v, want invalid", err)
				}
				key, row, col := e.Key, 0, ""
				if len(e.Problems) > 0 {
					key, row, col = e.Problems[0].Key, e.Problems[0].Row, e.Problems[0].Column
				}
				if key != c.key || row != c.row || col != c.col {
					t.Errorf("got %s at row %d column %q, want %s at row %d column %q (all: %+v)", key, row, col, c.key, c.row, c.col, e.Problems)
				}
				if after := snap(t, db); after != before {
					t.Errorf("a rejected import changed the store: %+v → %+v", before, after)
				}
			})
		}
	})
}

// bomb builds a small zip with an xl/workbook.xml and a sheet that inflates
// to size bytes; with lie, the directory claims the sheet is tiny.
func bomb(t *testing.T, size int, lie bool) string {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("xl/workbook.xml")
	io.WriteString(w, `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>`)
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < size>>20; i++ {
		fw.Write(chunk)
	}
	fw.Close()
	hdr := &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: uint64(size)}
	if lie {
		hdr.UncompressedSize64 = 1000
	}
	rw, err := zw.CreateRaw(hdr)
	if err != nil {
		t.Fatal(err)
	}
	rw.Write(raw.Bytes())
	zw.Close()
	if buf.Len() > 2<<20 {
		t.Fatalf("bomb is %d bytes, want about 1 MB", buf.Len())
	}
	return buf.String()
}

func TestExportRoundTrip(t *testing.T) {
	for _, f := range []registry.Format{registry.CSV, registry.XLSX} {
		t.Run(string(f), func(t *testing.T) {
			a := storetest.OpenSQLite(t)
			importOK(t, a, "units.csv", base+"R1,扬州大学 <b>新闻</b>,参照单位,3210,0\n")
			var out1 bytes.Buffer
			if err := registry.ExportAll(ctx, a, actor, &out1, f, true); err != nil {
				t.Fatal(err)
			}
			b := storetest.OpenSQLite(t)
			importOK(t, b, "export."+string(f), out1.String())
			var out2 bytes.Buffer
			registry.ExportAll(ctx, b, actor, &out2, f, true)
			rows := func(db *store.DB) [][]string {
				var us []pinggu.Unit
				db.View(ctx, func(tx *store.Tx) (err error) { us, err = tx.Units(ctx); return })
				return registry.Rows(us, false)
			}
			r1, r2 := rows(a), rows(b)
			if len(r1) != 10 || !equalRows(r1, r2) {
				t.Errorf("round trip differs:\n%v\n%v", r1, r2)
			}
			if f == registry.CSV && out1.String() != out2.String() {
				t.Error("CSV exports of the same registry differ")
			}
		})
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "|") != strings.Join(b[i], "|") {
			return false
		}
	}
	return true
}
