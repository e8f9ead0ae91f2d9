package cli_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinggu/internal/demo"
	"pinggu/internal/sampling"
)

// publishedCity imports the demo registry into a fresh database and
// publishes a campaign "C" with every deadline set.
func publishedCity(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "p.db")
	reg, _ := demo.Registry()
	os.WriteFile(filepath.Join(dir, "u.csv"), reg, 0o644)
	run(t, [][]string{
		{"import", "units", "--db", db, filepath.Join(dir, "u.csv")},
		{"campaign", "create", "--db", db, "--code", "C", "--name", "评估", "--deadline", "self_report=2026-12-05", "--deadline", "unit_draw=2026-12-08",
			"--deadline", "rosters=2026-12-12", "--deadline", "fieldwork=2026-12-25", "--deadline", "reports=2026-12-31"},
		{"campaign", "publish", "--db", db, "--campaign", "C"},
	})
	return dir, db
}

// run runs each command and stops the test at the first failure.
func run(t *testing.T, commands [][]string) {
	t.Helper()
	for _, args := range commands {
		if r := pinggu(t, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
}

// drawnCity is publishedCity with the frames frozen and the units drawn;
// it returns the record too.
func drawnCity(t *testing.T) (string, string, sampling.Record) {
	dir, db := publishedCity(t)
	run(t, [][]string{
		{"frames", "freeze", "--db", db, "--campaign", "C"},
		{"draw", "units", "--db", db, "--campaign", "C", "--seed", "98765432109876543210", "--label", "C-units", "--out", filepath.Join(dir, "r.json")},
	})
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

// TestRespondentsAndReplacements: the second ceremony over frozen rosters
// follows the allocation, verifies from the roster frames, and replacements
// release strictly the next in order.
func TestRespondentsAndReplacements(t *testing.T) {
	dir, db, rec := drawnCity(t)
	var units []string
	for _, s := range rec.Strata {
		if strings.HasPrefix(s.Stratum, "321002/") && s.Stratum != "321002/branch" {
			for _, e := range s.Order {
				if e.Status == "selected" {
					units = append(units, e.ID)
				}
			}
		}
	}
	units = append(units, "M001")
	for n, u := range units {
		var rows []string
		for i := 0; i < 20+n*15; i++ {
			rows = append(rows, fmt.Sprintf("人%d,13%d%08d,党员,", i, 5+n%4, i))
		}
		f := rosterFile(t, dir, u+".csv", rows...)
		if r := pinggu(t, "", "roster", "upload", "--db", db, "--campaign", "C", "--unit", u, f); r.code != 0 {
			t.Fatalf("upload %s: %s", u, r.err)
		}
		if r := pinggu(t, "", "roster", "freeze", "--db", db, "--campaign", "C", "--unit", u, "--reason", "测试"); r.code != 0 {
			t.Fatalf("freeze %s: %s", u, r.err)
		}
	}
	recPath := filepath.Join(dir, "resp.json")
	r := pinggu(t, "", "draw", "respondents", "--db", db, "--campaign", "C", "--seed", "55555666667777788888", "--label", "C-respondents", "--out", recPath)
	if r.code != 0 {
		t.Fatalf("respondents: %s", r.err)
	}
	var resp sampling.Record
	data, _ := os.ReadFile(recPath)
	json.Unmarshal(data, &resp)
	total := 0
	for _, a := range resp.Allocations {
		if a.Group == "321002" {
			for _, s := range a.Shares {
				total += s.Target
				if s.Target < 2 || s.Quota < s.Target {
					t.Errorf("%s: target %d, quota %d: alloc-v2 gives two at least and draws more than the target", s.Stratum, s.Target, s.Quota)
				}
			}
		}
	}
	if len(resp.Allocations) != 1 || total != 100 {
		t.Errorf("广陵区 allocation sums to %d over %d allocations, want 100", total, len(resp.Allocations))
	}
	for _, s := range resp.Strata {
		// min(30, N) completes at 85 %: ceil(3000/85) = 36 drawn.
		if s.Stratum == "M001" && s.K != 36 {
			t.Errorf("M001 k = %d, want 36", s.K)
		}
	}
	zipPath := filepath.Join(dir, "rosters.zip")
	if r := pinggu(t, "", "frames", "export", "--db", db, "--campaign", "C", "--rosters", "--out", zipPath); r.code != 0 {
		t.Fatal(r.err)
	}
	if r := pinggu(t, "", "verify", recPath, zipPath); r.code != 0 {
		t.Fatalf("verify respondents: %s%s", r.out, r.err)
	}
	// Replace the selected people of M001 one by one: each time the released
	// person is the next rank after the last one drawn.
	var m001 sampling.StratumRecord
	for _, s := range resp.Strata {
		if s.Stratum == "M001" {
			m001 = s
		}
	}
	for i := 0; i < 5; i++ {
		victim := m001.Order[i].ID
		r := pinggu(t, "", "draw", "replace", "--db", db, "--campaign", "C", "--label", "C-respondents", "--stratum", "M001", "--id", victim, "--reason", "refused")
		if want := m001.Order[m001.K+i].ID; r.code != 0 || !strings.Contains(r.out, "按顺序递补 "+want) {
			t.Fatalf("replacement %d: want %s released: %s%s", i, want, r.out, r.err)
		}
	}
	// The record as it stands, replacements included, still verifies; so
	// does the auditor's Python verifier.
	after := filepath.Join(dir, "after.json")
	if r := pinggu(t, "", "draw", "record", "--db", db, "--campaign", "C", "--label", "C-respondents", "--out", after); r.code != 0 {
		t.Fatal(r.err)
	}
	if r := pinggu(t, "", "verify", after, zipPath); r.code != 0 {
		t.Fatalf("verify after replacements: %s", r.out)
	}
	if python, err := exec.LookPath("python3"); err == nil {
		out, err := exec.Command(python, "../../docs/verify.py", after, zipPath).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "match" {
			t.Errorf("python verifier on the respondent draw: %v %s", err, out)
		}
	}
	data, _ = os.ReadFile(after)
	if !strings.Contains(string(data), `"non_response:refused"`) || strings.Count(string(data), `"released"`) != 5 {
		t.Error("the record does not show the non-responses and releases")
	}
	r = pinggu(t, "", "draw", "replace", "--db", db, "--campaign", "C", "--label", "C-respondents", "--stratum", "M001", "--id", m001.Order[5].ID, "--reason", "moved")
	if r.code == 0 || !strings.Contains(r.err, "不在规程之内") {
		t.Errorf("unknown reason: %+v", r)
	}
	r = pinggu(t, "", "draw", "replace", "--db", db, "--campaign", "C", "--label", "C-respondents", "--stratum", "M001", "--id", m001.Order[0].ID, "--reason", "refused")
	if r.code == 0 {
		t.Error("a non-response was replaced twice")
	}
	r = pinggu(t, "", "draw", "replace", "--db", db, "--campaign", "C", "--label", "C-respondents", "--stratum", "M001", "--id", m001.Order[5].ID, "--reason", "other")
	if r.code == 0 {
		t.Error("reason other without text was accepted")
	}

	// No second respondent draw: every unit with a frozen roster is drawn
	// once, the branches still waiting for theirs are named.
	r = pinggu(t, "", "draw", "respondents", "--db", db, "--campaign", "C", "--seed", "12312312312312312312", "--label", "C-respondents-2")
	if r.code == 0 || !strings.Contains(r.err, "每个单位只抽一次") || !strings.Contains(r.err, "名单尚未冻结") {
		t.Errorf("second respondent draw: %+v", r)
	}
	// A branch's roster frozen late: a later ceremony draws it alone, with
	// alloc-v2's two completes (广陵区's 100 were allocated already).
	var late string
	for _, st := range rec.Strata {
		if st.Stratum == "321002/branch" {
			late = pick(rec, st.Stratum, "selected")
		}
	}
	var rows []string
	for i := 0; i < 12; i++ {
		rows = append(rows, fmt.Sprintf("晚%d,139%08d,党员,", i, i))
	}
	f := rosterFile(t, dir, "late.csv", rows...)
	for _, args := range [][]string{{"roster", "upload", "--db", db, "--campaign", "C", "--unit", late, f}, {"roster", "freeze", "--db", db, "--campaign", "C", "--unit", late, "--reason", "测试"}} {
		if r := pinggu(t, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	r = pinggu(t, "", "draw", "respondents", "--db", db, "--campaign", "C", "--seed", "55555666667777788888", "--label", "C-respondents-late")
	if r.code == 0 || !strings.Contains(r.err, "该种子已用于") {
		t.Errorf("the first ceremony's seed again: %+v", r)
	}
	latePath := filepath.Join(dir, "late.json")
	if r := pinggu(t, "", "draw", "respondents", "--db", db, "--campaign", "C", "--seed", "12312312312312312312", "--label", "C-respondents-late", "--out", latePath); r.code != 0 {
		t.Fatalf("later ceremony: %s", r.err)
	}
	var lateRec sampling.Record
	data, _ = os.ReadFile(latePath)
	json.Unmarshal(data, &lateRec)
	if len(lateRec.Strata) != 1 || lateRec.Strata[0].Stratum != late || lateRec.Strata[0].K != 3 ||
		len(lateRec.Allocations) != 1 || lateRec.Allocations[0].Target != 0 || lateRec.Allocations[0].Shares[0].Target != 2 {
		t.Errorf("later ceremony drew %+v with %+v, want %s alone: 2 completes, 3 drawn", lateRec.Strata, lateRec.Allocations, late)
	}
}

func TestInterviewees(t *testing.T) {
	dir, db, _ := drawnCity(t)
	var rows []string
	cats := []string{"党员", "群众", "两代表一委员"}
	for i := 0; i < 30; i++ {
		rows = append(rows, fmt.Sprintf("人%d,137%08d,%s,", i, i, cats[i%3]))
	}
	f := rosterFile(t, dir, "m.csv", rows...)
	for _, args := range [][]string{
		{"roster", "upload", "--db", db, "--campaign", "C", "--unit", "M002", f},
		{"roster", "freeze", "--db", db, "--campaign", "C", "--unit", "M002", "--reason", "测试"},
	} {
		if r := pinggu(t, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	rec := filepath.Join(dir, "iv.json")
	r := pinggu(t, "", "draw", "interviewees", "--db", db, "--campaign", "C", "--unit", "M002", "--seed", "12121212123434343434",
		"--label", "C-symposium-M002", "--occasion", "3 月 5 日座谈会", "--quota", "两代表一委员=3", "--quota", "党员=5", "--quota", "群众=5", "--out", rec)
	if r.code != 0 {
		t.Fatalf("interviewees: %s", r.err)
	}
	data, _ := os.ReadFile(rec)
	var got sampling.Record
	json.Unmarshal(data, &got)
	ks := map[string]int{}
	for _, s := range got.Strata {
		ks[s.Stratum] = s.K
	}
	if ks["M002/两代表一委员"] != 3 || ks["M002/党员"] != 5 || ks["M002/群众"] != 5 {
		t.Errorf("strata = %v", ks)
	}
	zipPath := filepath.Join(dir, "r.zip")
	pinggu(t, "", "frames", "export", "--db", db, "--campaign", "C", "--rosters", "--out", zipPath)
	if r := pinggu(t, "", "verify", rec, zipPath); r.code != 0 {
		t.Errorf("verify interviewees: %s", r.out)
	}
	r = pinggu(t, "", "draw", "interviewees", "--db", db, "--campaign", "C", "--unit", "M002", "--seed", "12121212123434343435",
		"--label", "C-symposium-M002b", "--occasion", "3 月 9 日座谈会", "--quota", "服务对象=2")
	if r.code == 0 || !strings.Contains(r.err, "没有“服务对象”类别") {
		t.Errorf("empty category: %+v", r)
	}
	// The same occasion is drawn once, whatever the seed or label; a seed
	// is rolled for one ceremony.
	r = pinggu(t, "", "draw", "interviewees", "--db", db, "--campaign", "C", "--unit", "M002", "--seed", "56565656565656565656",
		"--label", "C-symposium-M002c", "--occasion", "3 月 5 日座谈会", "--quota", "党员=5")
	if r.code == 0 || !strings.Contains(r.err, "“3 月 5 日座谈会”的座谈对象已抽取") {
		t.Errorf("second draw for one occasion: %+v", r)
	}
	r = pinggu(t, "", "draw", "interviewees", "--db", db, "--campaign", "C", "--unit", "M002", "--seed", "12121212123434343434",
		"--label", "C-symposium-M002d", "--occasion", "3 月 9 日座谈会", "--quota", "党员=5")
	if r.code == 0 || !strings.Contains(r.err, "该种子已用于") {
		t.Errorf("a seed used twice: %+v", r)
	}
}

func TestCodesIssue(t *testing.T) {
	dir, db, _ := drawnCity(t)
	out := filepath.Join(dir, "codes.csv")
	r := pinggu(t, "", "codes", "issue", "--db", db, "--campaign", "C", "--unit", "M001", "--n", "30", "--out", out)
	if r.code != 0 || !strings.Contains(r.out, "30 个测评码") {
		t.Fatalf("codes issue: %+v", r)
	}
	data, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 31 || !strings.Contains(lines[1], "/s/") {
		t.Fatalf("codes file: %d lines: %q", len(lines), lines[1])
	}
	code := strings.TrimPrefix(strings.Split(strings.Split(lines[1], ",")[1], "/s/")[1], "")
	raw, _ := sql.Open("sqlite", db)
	var n int
	raw.QueryRow("SELECT COUNT(*) FROM survey_codes WHERE hash LIKE '%" + strings.TrimSpace(code) + "%'").Scan(&n)
	var stored int
	raw.QueryRow("SELECT COUNT(*) FROM survey_codes").Scan(&stored)
	raw.Close()
	if n != 0 || stored != 30 {
		t.Errorf("codes stored in clear (%d) or not stored (%d)", n, stored)
	}
	if r := pinggu(t, "", "codes", "issue", "--db", db, "--campaign", "C", "--unit", "M001", "--n", "0", "--out", out); r.code == 0 {
		t.Error("zero codes accepted")
	}
	batch := strings.Split(lines[1], ",")[4]
	if r := pinggu(t, "", "codes", "void", "--db", db, "--campaign", "C", "--unit", "M001", "--batch", strings.TrimSpace(batch)); r.code != 0 || !strings.Contains(r.out, "30") {
		t.Errorf("void batch: %+v", r)
	}
}
