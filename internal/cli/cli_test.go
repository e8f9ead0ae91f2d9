package cli_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"pinggu/internal/cli"
)

type result struct {
	out, err string
	code     int
}

// pinggu runs the command line in-process, as main does.
func pinggu(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return pingguEnv(t, nil, stdin, args...)
}

// pingguEnv is pinggu with environment variables.
func pingguEnv(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "USER" {
			return "tester"
		}
		return env[k]
	}
	err := cli.Run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	code := 0
	var exit cli.ExitError
	if errors.As(err, &exit) {
		code = exit.Code
	} else if err != nil {
		code = 1
		errb.WriteString(err.Error())
	}
	return result{out.String(), errb.String(), code}
}

const registryCSV = `编码,名称,类型,上级编码,党员人数
3210,扬州市,市,,0
321002,广陵区,县市区,3210,1200
321002001,东关街道,乡镇街道,321002,300
,机关党支部,党支部,321002001,25
`

func TestImportExportAuditAndUsers(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	file := filepath.Join(dir, "units.csv")
	os.WriteFile(file, []byte(registryCSV), 0o644)

	r := pinggu(t, "", "import", "units", "--db", db, "--dry-run", file)
	if r.code != 0 || !strings.Contains(r.out, "检查通过") || !strings.Contains(r.out, "将新增 4") {
		t.Fatalf("dry run: %+v", r)
	}
	r = pinggu(t, "", "export", "units", "--db", db, "--format", "csv")
	if strings.Count(r.out, "\n") != 1 {
		t.Fatalf("dry run wrote units: %q", r.out)
	}
	r = pinggu(t, "", "import", "units", "--db", db, file)
	if r.code != 0 || !strings.Contains(r.out, "新增 4") {
		t.Fatalf("import: %+v", r)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(registryCSV+"321002002,汶河街道,街道,321002,-1\n"), 0o644)
	r = pinggu(t, "", "import", "units", "--db", db, bad)
	if r.code != 1 || !strings.Contains(r.err, "第 6 行“类型”列") || !strings.Contains(r.err, "第 6 行“党员人数”列") {
		t.Fatalf("bad import: %+v", r)
	}
	out := filepath.Join(dir, "out.xlsx")
	if r = pinggu(t, "", "export", "units", "--db", db, "--format", "xlsx", "--out", out); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	if r = pinggu(t, "", "import", "units", "--db", db, out); r.code != 0 || !strings.Contains(r.out, "不变 4") {
		t.Fatalf("re-import of the export: %+v", r)
	}

	// Accounts: a weak password is refused with the reason; a generated one is printed once.
	r = pinggu(t, "password\n", "user", "add", "--db", db, "--login", "office", "--name", "办公室", "--role", "admin", "--password-stdin")
	if r.code != 1 || !strings.Contains(r.err, "密码至少 10 位") {
		t.Fatalf("weak password: %+v", r)
	}
	r = pinggu(t, "", "user", "add", "--db", db, "--login", "office", "--name", "办公室", "--role", "admin")
	if r.code != 0 || !strings.Contains(r.out, "初始密码") {
		t.Fatalf("user add: %+v", r)
	}
	r = pinggu(t, "", "user", "add", "--db", db, "--login", "pg1", "--name", "评估组", "--role", "evaluator", "--scope", "321002")
	if r.code != 1 || !strings.Contains(r.err, "所在评估组的分工") {
		t.Fatalf("evaluator with a scope: %+v", r)
	}
	if r = pinggu(t, "", "user", "add", "--db", db, "--login", "pg1", "--name", "评估组", "--role", "evaluator"); r.code != 0 {
		t.Fatalf("evaluator: %+v", r)
	}
	if r = pinggu(t, "", "user", "disable", "--db", db, "--login", "pg1"); r.code != 0 {
		t.Fatalf("disable: %+v", r)
	}
	r = pinggu(t, "", "user", "list", "--db", db)
	if !strings.Contains(r.out, "pg1") || !strings.Contains(r.out, "disabled") {
		t.Errorf("list: %+v", r)
	}
	r = pinggu(t, "", "user", "token", "--db", db, "--login", "office", "--name", "对接")
	if r.code != 0 || !strings.Contains(r.out, "pgt_") {
		t.Errorf("token: %+v", r)
	}

	// The audit chain holds, then a direct edit is found with exit status 3.
	r = pinggu(t, "", "audit", "verify", "--db", db)
	if r.code != 0 || !strings.Contains(r.out, "审计链完整") {
		t.Fatalf("verify: %+v", r)
	}
	r = pinggu(t, "", "audit", "list", "--db", db, "--n", "3")
	if strings.Count(r.out, "\n") != 3 || !strings.Contains(r.out, "cli:tester") {
		t.Errorf("audit list: %q", r.out)
	}
	raw, _ := sql.Open("sqlite", db)
	raw.Exec("UPDATE audit_log SET actor = 'nobody' WHERE seq = 2")
	raw.Close()
	r = pinggu(t, "", "audit", "verify", "--db", db)
	if r.code != 3 || !strings.Contains(r.out, "第 2 条记录被修改过") {
		t.Errorf("tampered verify: %+v", r)
	}
}

func TestHelpAndUsage(t *testing.T) {
	for _, cmd := range []string{"serve", "demo", "import", "export", "user", "audit"} {
		r := pinggu(t, "", cmd, "-h")
		if r.code != 0 || !strings.Contains(r.err, "Usage") {
			t.Errorf("%s -h: %+v", cmd, r)
		}
	}
	if r := pinggu(t, ""); r.code != 2 || !strings.Contains(r.err, "Commands:") {
		t.Errorf("no args: %+v", r)
	}
	if r := pinggu(t, "", "frobnicate"); r.code != 2 {
		t.Errorf("unknown command: %+v", r)
	}
}

// TestDemoLeavesRealDatabasesAlone: pinggu demo once honoured PINGGU_DB and
// imported 扬州's registry and the demo accounts into a real database. It
// now ignores the variable and refuses, untouched, any database named with
// --db that is neither empty nor a demo.
func TestDemoLeavesRealDatabasesAlone(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.db")
	if r := pinggu(t, "", "user", "add", "--db", real, "--login", "office", "--name", "办公室", "--role", "admin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	sum := func(p string) string {
		b, _ := os.ReadFile(p)
		return fmt.Sprintf("%x", sha256.Sum256(b))
	}
	before := sum(real)

	r := pinggu(t, "", "demo", "--db", real, "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.err, "数据库 "+real+" 不是演示数据库") || !strings.Contains(r.err, "未作任何改动") {
		t.Fatalf("demo --db on a real database: %+v", r)
	}

	// PINGGU_DB names the real database; the demo looks at its own file,
	// here another database that is not a demo, and names that one.
	work := t.TempDir()
	t.Chdir(work)
	if r := pinggu(t, "", "user", "add", "--db", "pinggu-demo.db", "--login", "someone", "--name", "某人", "--role", "admin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	r = pingguEnv(t, map[string]string{"PINGGU_DB": real}, "", "demo", "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.err, "数据库 pinggu-demo.db 不是演示数据库") || strings.Contains(r.err, real) {
		t.Fatalf("demo with PINGGU_DB set: %+v", r)
	}
	if after := sum(real); after != before {
		t.Errorf("the real database changed: %s → %s", before, after)
	}
}

// TestUnitsCSVWithFormulaNames: registry names a spreadsheet would run as
// formulas are exported neutralised (no cell starts with =, +, -, @) and
// re-import unchanged.
func TestUnitsCSVWithFormulaNames(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll([][]string{{"编码", "名称", "类型", "上级编码", "党员人数"},
		{"3210", "扬州市", "市", "", "0"},
		{"321002", `=HYPERLINK("http://x.example","点击")`, "县市区", "3210", "10"},
		{"321002001", `+cmd|' /C calc'!A0`, "乡镇街道", "321002", "10"},
		{"", `@SUM(1+1)`, "党支部", "321002001", "6"},
		{"", `-2+3+cmd|' /C calc'!A0`, "党支部", "321002001", "4"}})
	file := filepath.Join(dir, "units.csv")
	os.WriteFile(file, buf.Bytes(), 0o644)
	if r := pinggu(t, "", "import", "units", "--db", db, file); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	out := filepath.Join(dir, "out.csv")
	if r := pinggu(t, "", "export", "units", "--db", db, "--format", "csv", "--out", out); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	data, _ := os.ReadFile(out)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	hostile := 0
	for _, r := range recs {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("exported cell %q would run as a formula", cell)
			}
			if strings.HasPrefix(cell, "'") {
				hostile++
			}
		}
	}
	if hostile != 4 {
		t.Errorf("%d neutralised cells, want the 4 hostile names", hostile)
	}
	if r := pinggu(t, "", "import", "units", "--db", db, out); r.code != 0 || !strings.Contains(r.out, "不变 5") {
		t.Errorf("re-import of the export: %+v", r)
	}
}

// TestAuditAnchor: deleting the last rows and rewriting the recorded head
// passes a plain verify — the chain's only anchor was inside the database
// it protects — but not a verify against a head signed beforehand with
// the key outside the database; a forged anchor does not verify either.
func TestAuditAnchor(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	for _, login := range []string{"office1", "office2", "office3", "office4"} {
		if r := pinggu(t, "", "user", "add", "--db", db, "--login", login, "--name", "办公室", "--role", "admin"); r.code != 0 {
			t.Fatalf("user add: %+v", r)
		}
	}
	anchorFile := filepath.Join(dir, "anchor.json")
	if r := pinggu(t, "", "audit", "anchor", "--db", db, "--out", anchorFile); r.code != 0 {
		t.Fatalf("anchor: %+v", r)
	}
	if st, err := os.Stat(db + ".anchor-key"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the key beside the database: %v %v", st, err)
	}
	if r := pinggu(t, "", "audit", "verify", "--db", db, "--anchor", anchorFile); r.code != 0 || !strings.Contains(r.out, "仍在审计链中") {
		t.Fatalf("verify with the anchor: %+v", r)
	}
	// Truncate the chain and rewrite the head, as someone with the
	// database would.
	seq := truncateAudit(t, db, 2)
	if r := pinggu(t, "", "audit", "verify", "--db", db); r.code != 0 {
		t.Fatalf("without the anchor the truncation passes (the finding): %+v", r)
	}
	if r := pinggu(t, "", "audit", "verify", "--db", db, "--anchor", anchorFile); r.code != 3 {
		t.Errorf("verify against the anchor after a truncation: %+v", r)
	}
	// A forged anchor (seq moved back to fit the truncated chain).
	data, _ := os.ReadFile(anchorFile)
	forged := filepath.Join(dir, "forged.json")
	os.WriteFile(forged, []byte(strings.Replace(string(data), fmt.Sprintf(`"seq": %d`, seq+2), fmt.Sprintf(`"seq": %d`, seq), 1)), 0o644)
	if r := pinggu(t, "", "audit", "verify", "--db", db, "--anchor", forged); r.code != 3 || !strings.Contains(r.out, "验证未通过") {
		t.Errorf("a forged anchor: %+v", r)
	}
}

// TestExportsAreAnchored: an export signs the audit head it leaves at (the
// export's own audit row included) beside the anchor key, so deleting that
// row afterwards is caught by the anchor the export left.
func TestExportsAreAnchored(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	if r := pinggu(t, "", "user", "add", "--db", db, "--login", "office1", "--name", "办公室", "--role", "admin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	r := pinggu(t, "", "export", "units", "--db", db, "--format", "csv", "--out", filepath.Join(dir, "units.csv"))
	if r.code != 0 || !strings.Contains(r.err, "审计链头 #") {
		t.Fatalf("export: %+v", r)
	}
	files, _ := filepath.Glob(db + ".anchor-key.anchors/anchor-*.json")
	if len(files) != 1 {
		t.Fatalf("anchors after an export: %v", files)
	}
	if r := pinggu(t, "", "audit", "verify", "--db", db, "--anchor", files[0]); r.code != 0 {
		t.Fatalf("verify against the export's anchor: %+v", r)
	}
	truncateAudit(t, db, 1) // the export's own row
	if r := pinggu(t, "", "audit", "verify", "--db", db, "--anchor", files[0]); r.code != 3 {
		t.Errorf("the export's row deleted, verify against its anchor: %+v", r)
	}
}

// truncateAudit deletes the last n rows of the audit chain in the SQLite
// file and rewrites the recorded head to fit, as someone holding the
// database could; it returns the new head's sequence number.
func truncateAudit(t *testing.T, db string, n int64) int64 {
	t.Helper()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var seq int64
	var hash string
	raw.QueryRow("SELECT MAX(seq) FROM audit_log").Scan(&seq)
	raw.Exec("DELETE FROM audit_log WHERE seq > ?", seq-n)
	raw.QueryRow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
	raw.Exec("UPDATE settings SET value = ? WHERE key = 'audit.head'", fmt.Sprintf("%d:%s", seq, hash))
	return seq
}
