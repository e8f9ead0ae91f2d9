package cli_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinggu/internal/demo"
	"pinggu/internal/sampling"
)

// drawnCity imports the demo registry, publishes a campaign and draws its
// units, returning the database and the record.
func drawnCity(t *testing.T) (string, string, sampling.Record) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	reg, _ := demo.Registry()
	os.WriteFile(filepath.Join(dir, "u.csv"), reg, 0o644)
	for _, args := range [][]string{
		{"import", "units", "--db", db, filepath.Join(dir, "u.csv")},
		{"campaign", "create", "--db", db, "--code", "C", "--name", "评估", "--deadline", "self_report=2026-12-05", "--deadline", "unit_draw=2026-12-08",
			"--deadline", "rosters=2026-12-12", "--deadline", "fieldwork=2026-12-25", "--deadline", "reports=2026-12-31"},
		{"campaign", "publish", "--db", db, "--campaign", "C"},
		{"frames", "freeze", "--db", db, "--campaign", "C"},
		{"draw", "units", "--db", db, "--campaign", "C", "--seed", "98765432109876543210", "--label", "C-units", "--out", filepath.Join(dir, "r.json")},
	} {
		if r := pinggu(t, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	var rec sampling.Record
	data, _ := os.ReadFile(filepath.Join(dir, "r.json"))
	json.Unmarshal(data, &rec)
	return dir, db, rec
}

func pick(rec sampling.Record, stratum, status string) string {
	for _, s := range rec.Strata {
		if s.Stratum == stratum {
			for _, e := range s.Order {
				if e.Status == status {
					return e.ID
				}
			}
		}
	}
	return ""
}

func rosterFile(t *testing.T, dir, name string, rows ...string) string {
	p := filepath.Join(dir, name)
	os.WriteFile(p, []byte("姓名,手机号,类别,备注\n"+strings.Join(rows, "\n")+"\n"), 0o644)
	return p
}

func TestRosters(t *testing.T) {
	dir, db, rec := drawnCity(t)
	drawn, notDrawn := pick(rec, "321002/township", "selected"), pick(rec, "321002/township", "queued")
	var people []string
	for i := 0; i < 40; i++ {
		cat := "党员"
		if i%4 == 3 {
			cat = "群众"
		}
		people = append(people, fmt.Sprintf("张%d,139%08d,%s,", i, 10000000+i, cat))
	}
	good := rosterFile(t, dir, "good.csv", people...)

	r := pinggu(t, "", "roster", "upload", "--db", db, "--campaign", "C", "--unit", notDrawn, good)
	if r.code == 0 || !strings.Contains(r.err, "没有被抽中") {
		t.Errorf("upload for a unit not drawn: %+v", r)
	}
	bad := rosterFile(t, dir, "bad.csv", "李一,1381234567,党员,", "李二,23812345678,党员,", "李三,138123456789,群众,", "李四,13812345678,路人,", "李四,13812345678,党员,")
	r = pinggu(t, "", "roster", "upload", "--db", db, "--campaign", "C", "--unit", drawn, bad)
	for _, want := range []string{"第 2 行“手机号”列", "第 3 行“手机号”列", "第 4 行“手机号”列", "第 5 行“类别”列：类别“路人”无法识别", "第 6 行“姓名”列：与第 5 行重复"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("bad roster: missing %q in\n%s", want, r.err)
		}
	}
	if r := pinggu(t, "", "roster", "list", "--db", db, "--campaign", "C"); strings.Count(r.out, "\n") != 1 {
		t.Errorf("a refused roster was saved: %s", r.out)
	}
	r = pinggu(t, "", "roster", "upload", "--db", db, "--campaign", "C", "--unit", drawn, good)
	if r.code != 0 || !strings.Contains(r.out, "40 人，其中党员 30 人") {
		t.Fatalf("upload: %+v", r)
	}
	// The demo township has more members than the roster's 30: flagged, and
	// frozen only with a reason.
	r = pinggu(t, "", "roster", "freeze", "--db", db, "--campaign", "C", "--unit", drawn)
	if r.code == 0 || !strings.Contains(r.err, "请填写冻结理由") {
		t.Errorf("freezing a short roster without a reason: %+v", r)
	}
	if r := pinggu(t, "", "roster", "list", "--db", db, "--campaign", "C"); !strings.Contains(r.out, "党员人数不足") {
		t.Errorf("a short roster is not flagged: %s", r.out)
	}
	r = pinggu(t, "", "roster", "freeze", "--db", db, "--campaign", "C", "--unit", drawn, "--reason", "部分党员外出务工，已核实")
	if r.code != 0 || !strings.Contains(r.out, "40 人") {
		t.Fatalf("freeze with a reason: %+v", r)
	}
	r = pinggu(t, "", "roster", "upload", "--db", db, "--campaign", "C", "--unit", drawn, good)
	if r.code == 0 || !strings.Contains(r.err, "名单已冻结") {
		t.Errorf("upload after freeze: %+v", r)
	}
	raw, _ := sql.Open("sqlite", db)
	var id, name, phone string
	raw.QueryRow("SELECT person_id, name, phone FROM roster_people ORDER BY row_no LIMIT 1").Scan(&id, &name, &phone)
	raw.Close()
	if id != drawn+"-0001" || name != "张0" {
		t.Errorf("first person = %q %q", id, name)
	}
	// Purge: not while the campaign runs; afterwards names and phones go,
	// ids stay.
	if r := pinggu(t, "", "roster", "purge", "--db", db, "--campaign", "C"); r.code == 0 {
		t.Error("purge while the campaign is open")
	}
	for i := 0; i < 2; i++ {
		pinggu(t, "", "campaign", "advance", "--db", db, "--campaign", "C")
	}
	if r := pinggu(t, "", "roster", "purge", "--db", db, "--campaign", "C"); r.code != 0 || !strings.Contains(r.out, "已清除 40 人") {
		t.Fatalf("purge: %+v", r)
	}
	raw, _ = sql.Open("sqlite", db)
	raw.QueryRow("SELECT person_id, name, phone FROM roster_people ORDER BY row_no LIMIT 1").Scan(&id, &name, &phone)
	var audit string
	raw.QueryRow("SELECT group_concat(after, ' ') FROM audit_log").Scan(&audit)
	raw.Close()
	if id != drawn+"-0001" || name != "" || phone != "" {
		t.Errorf("after purge: %q %q %q", id, name, phone)
	}
	if strings.Contains(audit, "13910000000") || strings.Contains(audit, "张0") {
		t.Error("the audit log holds personal data")
	}
}
