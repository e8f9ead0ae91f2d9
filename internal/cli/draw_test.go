package cli_test

import (
	"archive/zip"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinggu/internal/demo"
	"pinggu/internal/sampling"
)

// TestCeremony runs the public draw of the demo city from the terminal:
// freeze, export, draw, verify; and each bad input of the issue.
func TestCeremony(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	reg, err := demo.Registry()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "units.csv")
	os.WriteFile(file, reg, 0o644)
	ok := func(r result) result {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("exit %d: %s%s", r.code, r.out, r.err)
		}
		return r
	}
	refused := func(r result, want string) {
		t.Helper()
		if r.code == 0 || !strings.Contains(r.out+r.err, want) {
			t.Errorf("want refusal with %q, got exit %d: %s%s", want, r.code, r.out, r.err)
		}
	}
	ok(pinggu(t, "", "import", "units", "--db", db, file))
	ok(pinggu(t, "", "campaign", "create", "--db", db, "--code", "2026", "--name", "2026年评估",
		"--deadline", "self_report=2026-12-05", "--deadline", "unit_draw=2026-12-08", "--deadline", "rosters=2026-12-12",
		"--deadline", "fieldwork=2026-12-25", "--deadline", "reports=2026-12-31"))
	refused(pinggu(t, "", "frames", "freeze", "--db", db, "--campaign", "2026"), "只有已发布或实地评估中的评估工作才能抽样")
	ok(pinggu(t, "", "campaign", "publish", "--db", db, "--campaign", "2026"))

	// A unit name with "|" is found at freeze, named, and nothing is frozen.
	bar := filepath.Join(dir, "bar.csv")
	os.WriteFile(bar, []byte("编码,名称,类型,上级编码,党员人数\n,第一|二党支部,党支部,321002001,10\n"), 0o644)
	ok(pinggu(t, "", "import", "units", "--db", db, bar))
	refused(pinggu(t, "", "frames", "freeze", "--db", db, "--campaign", "2026"), "“第一|二党支部”名称或编码含有竖线")
	raw, _ := sql.Open("sqlite", db)
	raw.Exec("UPDATE units SET name = '第一二党支部' WHERE name = '第一|二党支部'")
	raw.Close()

	frozen := ok(pinggu(t, "", "frames", "freeze", "--db", db, "--campaign", "2026"))
	if !strings.Contains(frozen.out, "321002/township") || !strings.Contains(frozen.out, "3210/municipal_unit") {
		t.Fatalf("freeze output: %s", frozen.out)
	}
	zipPath := filepath.Join(dir, "frames.zip")
	ok(pinggu(t, "", "frames", "export", "--db", db, "--campaign", "2026", "--out", zipPath))

	refused(pinggu(t, "", "draw", "units", "--db", db, "--campaign", "2026", "--seed", "6345466039010316946", "--label", "2026-units"), "至少 20 位数字")
	recPath := filepath.Join(dir, "record.json")
	ok(pinggu(t, "", "draw", "units", "--db", db, "--campaign", "2026", "--seed", "63454660390103169462", "--label", "2026-units", "--out", recPath))
	refused(pinggu(t, "", "draw", "units", "--db", db, "--campaign", "2026", "--seed", "11111111112222222222", "--label", "2026-units"), "不能重新抽取")
	refused(pinggu(t, "", "draw", "units", "--db", db, "--campaign", "2026", "--seed", "11111111112222222222", "--label", "2026-units-again"), "不能重新抽取")
	refused(pinggu(t, "", "frames", "freeze", "--db", db, "--campaign", "2026"), "抽样框已定稿")

	data, _ := os.ReadFile(recPath)
	var rec sampling.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	var township *sampling.StratumRecord
	for i := range rec.Strata {
		if rec.Strata[i].Stratum == "321002/township" {
			township = &rec.Strata[i]
		}
		if rec.Strata[i].Stratum == "3210/municipal_unit" && rec.Strata[i].K != 34 {
			t.Errorf("municipal units: k = %d, want all 34", rec.Strata[i].K)
		}
	}
	// 广陵区 has 12 townships; at least 30% of 12 is 3.6 → 4.
	if township == nil || township.N != 12 || township.K != 4 || township.Rule != "at_least" || township.Pct != 30 {
		t.Fatalf("广陵区 townships = %+v", township)
	}
	if r := ok(pinggu(t, "", "verify", recPath, zipPath)); !strings.Contains(r.out, "一致") {
		t.Errorf("verify: %s", r.out)
	}
	// The same frames unpacked in a folder verify too.
	unzip(t, zipPath, filepath.Join(dir, "frames"))
	ok(pinggu(t, "", "verify", recPath, filepath.Join(dir, "frames")))
	// One id changed in one frame file: a mismatch, exit 1.
	f := filepath.Join(dir, "frames", "321002", "township.csv")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, []byte(strings.Replace(string(b), "321002001", "321002009", 1)), 0o644)
	refused(pinggu(t, "", "verify", recPath, filepath.Join(dir, "frames")), "321002/township")

	// A mistaken draw is voided with a reason, never drawn over; the void
	// is on the record, and the voided seed cannot be rolled again.
	refused(pinggu(t, "", "draw", "void", "--db", db, "--campaign", "2026", "--label", "2026-units"), "不能为空")
	ok(pinggu(t, "", "draw", "void", "--db", db, "--campaign", "2026", "--label", "2026-units", "--reason", "抽样比例设置错误"))
	if r := ok(pinggu(t, "", "draw", "record", "--db", db, "--campaign", "2026", "--label", "2026-units")); !strings.Contains(r.out, `"reason": "抽样比例设置错误"`) {
		t.Errorf("record after the void: %.300s", r.out)
	}
	refused(pinggu(t, "", "draw", "void", "--db", db, "--campaign", "2026", "--label", "2026-units", "--reason", "again"), "已经作废")
	refused(pinggu(t, "", "draw", "units", "--db", db, "--campaign", "2026", "--seed", "63454660390103169462", "--label", "2026-units-b"), "该种子已用于")

	// A frozen frame edited in the database stops any later draw.
	raw, _ = sql.Open("sqlite", db)
	raw.Exec("UPDATE frames SET csv = replace(csv, '321003001', '321003099') WHERE stratum = '321003/township'")
	raw.Close()
	refused(pinggu(t, "", "draw", "units", "--db", db, "--campaign", "2026", "--seed", "11111111112222222222", "--label", "2026-units-b"), "在冻结后被改动")
}

func unzip(t *testing.T, path, dir string) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		p := filepath.Join(dir, f.Name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		rc, _ := f.Open()
		b := make([]byte, f.UncompressedSize64)
		n, _ := io.ReadFull(rc, b)
		rc.Close()
		os.WriteFile(p, b[:n], 0o644)
	}
}

// TestPythonVerifier runs docs/verify.py, the auditor's verifier, on a
// real record and its frames, and on a tampered frame.
func TestPythonVerifier(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	dir, db, _ := drawnCity(t)
	run(t, [][]string{{"frames", "export", "--db", db, "--campaign", "C", "--out", filepath.Join(dir, "f.zip")}})
	out, err := exec.Command(python, "../../docs/verify.py", filepath.Join(dir, "r.json"), filepath.Join(dir, "f.zip")).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "match" {
		t.Fatalf("python verifier: %v %s", err, out)
	}
	unzip(t, filepath.Join(dir, "f.zip"), filepath.Join(dir, "f"))
	f := filepath.Join(dir, "f", "321003", "county_dept.csv")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, []byte(strings.Replace(string(b), "321003D01", "321003D99", 1)), 0o644)
	out, err = exec.Command(python, "../../docs/verify.py", filepath.Join(dir, "r.json"), filepath.Join(dir, "f")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "MISMATCH: 321003/county_dept") {
		t.Errorf("python verifier on a changed frame: %v %s", err, out)
	}
}

func TestCommitReveal(t *testing.T) {
	dir, db := publishedCity(t)
	run(t, [][]string{{"frames", "freeze", "--db", db, "--campaign", "C"}})
	parties := [][3]string{{"市纪委", "7741", "salt-a"}, {"评估组", "20261126", "salt-b"}, {"党员代表", "9", "salt-c"}}
	for _, p := range parties {
		c := pinggu(t, "", "seed", "commitment", "--share", p[1], "--salt", p[2])
		if r := pinggu(t, "", "seed", "commit", "--db", db, "--campaign", "C", "--label", "C-units", "--party", p[0], "--commitment", strings.TrimSpace(c.out)); r.code != 0 {
			t.Fatalf("commit %s: %s", p[0], r.err)
		}
	}
	if r := pinggu(t, "", "draw", "units", "--db", db, "--campaign", "C", "--label", "C-units"); r.code == 0 || !strings.Contains(r.err, "等待“市纪委”") {
		t.Errorf("draw before the reveals: %+v", r)
	}
	if r := pinggu(t, "", "seed", "reveal", "--db", db, "--campaign", "C", "--label", "C-units", "--party", "市纪委", "--share", "7742", "--salt", "salt-a"); r.code == 0 {
		t.Error("a share that does not match its commitment was accepted")
	}
	for _, p := range parties {
		if r := pinggu(t, "", "seed", "reveal", "--db", db, "--campaign", "C", "--label", "C-units", "--party", p[0], "--share", p[1], "--salt", p[2]); r.code != 0 {
			t.Fatalf("reveal %s: %s", p[0], r.err)
		}
	}
	late := pinggu(t, "", "seed", "commitment", "--share", "1", "--salt", "x")
	if r := pinggu(t, "", "seed", "commit", "--db", db, "--campaign", "C", "--label", "C-units", "--party", "迟到者", "--commitment", strings.TrimSpace(late.out)); r.code == 0 {
		t.Error("a party joined after the reveals began")
	}
	rec := filepath.Join(dir, "r.json")
	if r := pinggu(t, "", "draw", "units", "--db", db, "--campaign", "C", "--label", "C-units", "--out", rec); r.code != 0 {
		t.Fatalf("draw with the revealed seed: %s", r.err)
	}
	if data, _ := os.ReadFile(rec); !strings.Contains(string(data), `"commit_reveal"`) {
		t.Error("the record printed at the draw does not list the parties")
	}
	zipPath := filepath.Join(dir, "f.zip")
	pinggu(t, "", "frames", "export", "--db", db, "--campaign", "C", "--out", zipPath)
	stored := filepath.Join(dir, "stored.json")
	pinggu(t, "", "draw", "record", "--db", db, "--campaign", "C", "--label", "C-units", "--out", stored)
	data, _ := os.ReadFile(stored)
	if !strings.Contains(string(data), `"commit_reveal"`) || !strings.Contains(string(data), "党员代表") {
		t.Fatal("the record does not list the parties")
	}
	if r := pinggu(t, "", "verify", stored, zipPath); r.code != 0 {
		t.Errorf("verify: %s", r.out)
	}
	if python, err := exec.LookPath("python3"); err == nil {
		if out, err := exec.Command(python, "../../docs/verify.py", stored, zipPath).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "match" {
			t.Errorf("python: %v %s", err, out)
		}
		tampered := strings.Replace(string(data), `"share": "9"`, `"share": "8"`, 1)
		os.WriteFile(stored, []byte(tampered), 0o644)
		if out, _ := exec.Command(python, "../../docs/verify.py", stored, zipPath).CombinedOutput(); !strings.Contains(string(out), "commit_reveal") {
			t.Errorf("python on a tampered share: %s", out)
		}
	}
}
