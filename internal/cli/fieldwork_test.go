package cli_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinggu/internal/demo"
	"pinggu/internal/store"
)

// TestSelfCheckExportAndHearingList runs both commands on the demo city:
// every area in the index, a file for each one that submitted, the Word
// files as uploaded (python-docx reads them where it is installed), and
// the hearings as a table and as JSON.
func TestSelfCheckExportAndHearingList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := t.TempDir()
	r := pinggu(t, "", "selfcheck", "export", "--db", path, "--campaign", "2026", "--out", out)
	if r.code != 0 || !strings.Contains(r.out, "已导出 11 份自查报告（共 41 个县市区和市直单位）") {
		t.Fatalf("export: %+v", r)
	}
	f, err := os.Open(filepath.Join(out, "自查报告清单.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 42 {
		t.Fatalf("index: %d rows, %v", len(rows), err)
	}
	states := map[string]int{}
	for _, row := range rows[1:] {
		states[strings.TrimPrefix(row[2], "\ufeff")]++
	}
	if states["已通过"] != 4 || states["退回重写"] != 2 || states["逾期未交"] != 30 || states["已提交待审核"] != 5 {
		t.Errorf("states %v", states)
	}
	docx, _ := filepath.Glob(filepath.Join(out, "*.docx"))
	txt, _ := filepath.Glob(filepath.Join(out, "*.txt"))
	if len(docx) != 4 || len(txt) != 7 {
		t.Errorf("%d docx and %d txt files", len(docx), len(txt))
	}
	// python-docx as Debian packages it (python3-docx), under /usr/bin.
	if _, err := os.Stat("/usr/bin/python3"); err == nil || os.Getenv("CI") == "true" {
		for _, d := range docx {
			cmd := exec.Command("/usr/bin/python3", "-c", "import docx,sys; d=docx.Document(sys.argv[1]); print(d.core_properties.author or '-'); print('\\n'.join(p.text for p in d.paragraphs))", d)
			b, err := cmd.CombinedOutput()
			if err != nil && (os.Getenv("CI") == "true" || !strings.Contains(string(b), "No module named")) {
				t.Errorf("python-docx on %s: %v %s", filepath.Base(d), err, b)
			} else if err == nil && !strings.Contains(string(b), "四、整改落实情况") {
				t.Errorf("%s reads %s", filepath.Base(d), b)
			}
		}
	}

	r = pinggu(t, "", "hearing", "list", "--db", path, "--campaign", "2026", "--unit", "321002")
	if r.code != 0 || strings.Count(r.out, "广陵区") != 4 || !strings.Contains(r.out, "座谈会") || !strings.Contains(r.out, "电话调查") {
		t.Errorf("list: %+v", r)
	}
	r = pinggu(t, "", "hearing", "list", "--db", path, "--campaign", "2026", "--json")
	var hs []struct {
		Unit     string `json:"unit"`
		Kind     string `json:"kind"`
		Findings []struct {
			Object   string `json:"object"`
			Item     string `json:"item"`
			Evidence []struct {
				SHA256 string `json:"sha256"`
			} `json:"evidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.out), &hs); err != nil || len(hs) != 28 {
		t.Fatalf("json: %d hearings, %v", len(hs), err)
	}
	photos := 0
	for _, h := range hs {
		for _, f := range h.Findings {
			if f.Object == "" || f.Item == "" {
				t.Errorf("finding without object or item in %s", h.Unit)
			}
			photos += len(f.Evidence)
		}
	}
	if photos != 7 {
		t.Errorf("%d photos", photos)
	}
}
