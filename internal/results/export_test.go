package results

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pinggu"
	"pinggu/internal/analysis"
	"pinggu/internal/registry"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// TestExportResponses: 4 units with 40, 6, 3 and 3 responses; the last
// two are left out (fewer than 5); the first's 35 党员 and 5 群众 keep their
// categories; the middle one's 4 党员 and 2 群众 both lose them (a blank
// beside a shown 党员 would give the 群众 away); no id, day or comment is
// written; CSV and XLSX say the same; both engines.
func TestExportResponses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := store.Actor{Login: "t"}
		if _, err := registry.Import(ctx, db, actor, "r.csv", []byte("code,name,kind,parent_code,headcount\n3210,扬州市,city,,0\nM001,\"市委办公室,一处\",municipal_unit,3210,60\nM002,市委组织部,municipal_unit,3210,60\nM003,市委宣传部,municipal_unit,3210,60\nM004,市委统战部,municipal_unit,3210,60\n")); err != nil {
			t.Fatal(err)
		}
		c := &pinggu.Campaign{Code: "2026", Name: "2026", Settings: pinggu.DefaultSettings()}
		var units []*pinggu.Unit
		err := db.Update(ctx, actor, func(tx *store.Tx) error {
			if err := tx.UseBuiltinFrameworks(ctx, &c.Settings); err != nil {
				return err
			}
			if err := tx.CreateCampaign(ctx, c); err != nil {
				return err
			}
			for _, code := range []string{"M001", "M002", "M003", "M004"} {
				u, err := tx.UnitByCode(ctx, code)
				if err != nil {
					return err
				}
				units = append(units, u)
			}
			var rs []pinggu.Response
			for i, n := range []int{40, 6, 3, 3} {
				for j := range n {
					cat := "党员"
					if i == 1 && j < 2 || i == 0 && j < 5 {
						cat = "群众"
					}
					rs = append(rs, pinggu.Response{CampaignID: c.ID, UnitID: units[i].ID, Category: cat, Channel: "online", Day: "2026-12-10",
						Answers: map[string]int{"L1.1": j % 4, "L1.2": -1}, Overall: (i + j) % 4, Comment: "秘密意见"})
				}
			}
			return tx.LoadResponses(ctx, rs)
		})
		if err != nil {
			t.Fatal(err)
		}
		var csvBuf, xlsxBuf bytes.Buffer
		st, err := ExportResponses(ctx, db, c, &csvBuf, "csv")
		if err != nil || st.Rows != 46 || st.HiddenUnits != 2 || st.RowsLeftOut != 6 {
			t.Fatalf("csv: %+v %v", st, err)
		}
		if _, err := ExportResponses(ctx, db, c, &xlsxBuf, "xlsx"); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBuf.String(), "\xEF\xBB\xBF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&xlsxBuf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("测评数据")
		if len(recs) != 47 || len(rows) != 47 {
			t.Fatalf("csv %d rows, xlsx %d rows", len(recs), len(rows))
		}
		counts := map[string]int{}
		for i, r := range recs {
			if strings.Join(r, "|") != strings.Join(append(rows[i], make([]string, len(r)-len(rows[i]))...), "|") {
				t.Errorf("row %d differs: %q vs %q", i, r, rows[i])
			}
			if i == 0 {
				if r[5] != "L1.1 领导班子成员认真学习必读书目和党章党规" {
					t.Errorf("header %q", r[:6])
				}
				continue
			}
			counts[r[0]+"/"+r[3]]++
			if r[6] != "不了解" || !slices.Contains([]string{"好", "较好", "一般", "差"}, r[len(r)-1]) {
				t.Errorf("row %d answers %q", i, r)
			}
		}
		if counts["M001/党员"] != 35 || counts["M001/群众"] != 5 || counts["M002/"] != 6 || len(counts) != 3 {
			t.Errorf("rows by unit and category: %v", counts)
		}
		all := csvBuf.String()
		if strings.Contains(all, "秘密意见") || strings.Contains(all, "2026-12-10") || !strings.Contains(all, `"市委办公室,一处"`) {
			t.Error("the export carries a comment or a day, or a name with a comma is not quoted")
		}
	})
}

// TestExportHidesCategoriesInAFixedOrder: with 3, 6 and 6 respondents in
// three categories, the 3 and one 6 are blanked — always the same 6, the
// first in the roster's order — so that two exports never blank different
// ones and give the 3 away together (S5).
func TestExportHidesCategoriesInAFixedOrder(t *testing.T) {
	counts := map[string]int{pinggu.RosterCategories[2]: 6, pinggu.RosterCategories[0]: 3, pinggu.RosterCategories[1]: 6}
	for range 50 { // map order changes from run to run; the outcome may not
		cats := categoryOrder(counts)
		var ns []int
		for _, c := range cats {
			ns = append(ns, counts[c])
		}
		hidden := map[string]bool{}
		for i, h := range analysis.Suppress(ns) {
			hidden[cats[i]] = h
		}
		if !hidden[pinggu.RosterCategories[0]] || !hidden[pinggu.RosterCategories[1]] || hidden[pinggu.RosterCategories[2]] {
			t.Fatalf("order %v hides %v", cats, hidden)
		}
	}
}
