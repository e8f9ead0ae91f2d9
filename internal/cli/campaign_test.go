package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCampaignStory sets up an evaluation from the command line, with each
// bad input of the issue refused with a clear message and nothing changed.
func TestCampaignStory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	file := filepath.Join(dir, "units.csv")
	os.WriteFile(file, []byte(registryCSV+"321003,邗江区,县市区,3210,900\nM001,市委办公室,市直单位,3210,60\n"), 0o644)
	ok := func(r result) result {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("exit %d: %s%s", r.code, r.out, r.err)
		}
		return r
	}
	refused := func(r result, want string) {
		t.Helper()
		if r.code == 0 || !strings.Contains(r.err, want) {
			t.Errorf("want refusal with %q, got exit %d: %s%s", want, r.code, r.out, r.err)
		}
	}
	ok(pinggu(t, "", "import", "units", "--db", db, file))
	ok(pinggu(t, "", "user", "add", "--db", db, "--login", "pg1", "--name", "组长", "--role", "evaluator"))
	ok(pinggu(t, "", "campaign", "create", "--db", db, "--code", "2026", "--name", "2026年评估"))
	ok(pinggu(t, "", "campaign", "create", "--db", db, "--code", "2027", "--name", "2027年评估"))

	refused(pinggu(t, "", "campaign", "set", "--db", db, "--campaign", "2026", "--rate", "township=at_least:0"), "抽样比例应在 1–100 之间（0）")
	refused(pinggu(t, "", "campaign", "set", "--db", db, "--campaign", "2026", "--rate", "branch=about:120"), "抽样比例应在 1–100 之间（120）")
	refused(pinggu(t, "", "campaign", "set", "--db", db, "--campaign", "2026", "--deadline", "unit_draw=2026-12-10", "--deadline", "rosters=2026-12-01"),
		"不能早于上一阶段（2026-12-10）的截止日期")
	refused(pinggu(t, "", "campaign", "publish", "--db", db, "--campaign", "2026"), "发布前必须设定截止日期")
	ok(pinggu(t, "", "campaign", "set", "--db", db, "--campaign", "2026", "--rate", "township=at_least:30",
		"--deadline", "self_report=2026-12-05", "--deadline", "unit_draw=2026-12-08", "--deadline", "rosters=2026-12-12",
		"--deadline", "fieldwork=2026-12-25", "--deadline", "reports=2026-12-31"))

	ok(pinggu(t, "", "group", "create", "--db", db, "--campaign", "2026", "--name", "第一评估组", "--leader", "pg1"))
	ok(pinggu(t, "", "group", "assign", "--db", db, "--campaign", "2026", "--group", "第一评估组", "--units", "321002,M001"))
	ok(pinggu(t, "", "group", "create", "--db", db, "--campaign", "2027", "--name", "第一评估组"))
	list := ok(pinggu(t, "", "group", "list", "--db", db, "--campaign", "2027"))
	id := strings.Fields(strings.Split(list.out, "\n")[1])[0]
	refused(pinggu(t, "", "group", "assign", "--db", db, "--campaign", "2026", "--group", id, "--units", "321003"), "属于另一项评估工作")
	ok(pinggu(t, "", "group", "create", "--db", db, "--campaign", "2026", "--name", "第二评估组"))
	r := pinggu(t, "", "group", "assign", "--db", db, "--campaign", "2026", "--group", "第二评估组", "--units", "321002")
	refused(r, "广陵区已分配给“第一评估组”")

	// Frameworks: bad files change nothing; a good one is a new version.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"code":"branch","name":"x","audience":"branch","dimensions":[{"code":"B1","name":"学习教育","items":[]}]}`), 0o644)
	refused(pinggu(t, "", "framework", "import", "--db", db, bad), "维度“学习教育”没有启用的条目")
	ok(pinggu(t, "", "framework", "export", "--db", db, "--code", "branch", "--out", filepath.Join(dir, "b.json")))
	data, _ := os.ReadFile(filepath.Join(dir, "b.json"))
	os.WriteFile(bad, []byte(strings.Replace(string(data), `"B1.2"`, `"B1.1"`, 1)), 0o644)
	refused(pinggu(t, "", "framework", "import", "--db", db, bad), "条目编码 B1.1 重复")
	if out := ok(pinggu(t, "", "framework", "list", "--db", db)).out; !strings.Contains(strings.Join(strings.Fields(out), " "), "branch v1") {
		t.Errorf("a refused import changed the framework: %s", out)
	}

	ok(pinggu(t, "", "campaign", "publish", "--db", db, "--campaign", "2026"))
	// The template moves on; the published campaign keeps version 1.
	os.WriteFile(bad, []byte(strings.Replace(string(data), "支部组织党员学习党章", "支部组织全体党员学习党章", 1)), 0o644)
	if out := ok(pinggu(t, "", "framework", "import", "--db", db, bad)).out; !strings.Contains(out, "第 2 版") {
		t.Errorf("import: %s", out)
	}
	settings := filepath.Join(dir, "s.json")
	show := ok(pinggu(t, "", "campaign", "show", "--db", db, "--campaign", "2026", "--json")).out
	s := show[strings.Index(show, `"settings": `)+len(`"settings": `):]
	s = s[:strings.Index(s, "\n  },")+4]
	os.WriteFile(settings, []byte(strings.Replace(s, `"branch": 2`, `"branch": 1`, 1)), 0o644)
	refused(pinggu(t, "", "campaign", "set", "--db", db, "--campaign", "2026", "--settings", settings), "已发布的评估工作不能修改此项")
	refused(pinggu(t, "", "campaign", "set", "--db", db, "--campaign", "2026", "--rate", "township=at_least:40"), "已发布的评估工作不能修改此项")
	ok(pinggu(t, "", "campaign", "set", "--db", db, "--campaign", "2026", "--deadline", "reports=2027-01-05"))
	refused(pinggu(t, "", "campaign", "advance", "--db", db, "--campaign", "2026", "--to", "closed"), "只能按")
	ok(pinggu(t, "", "campaign", "advance", "--db", db, "--campaign", "2026"))
	if out := ok(pinggu(t, "", "campaign", "list", "--db", db)).out; !strings.Contains(out, "实地评估") {
		t.Errorf("list: %s", out)
	}
	if r := ok(pinggu(t, "", "audit", "verify", "--db", db)); !strings.Contains(r.out, "审计链完整") {
		t.Errorf("audit: %s", r.out)
	}
}
