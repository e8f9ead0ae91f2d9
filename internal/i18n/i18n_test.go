package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/i18n"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	zh, err := i18n.Keys("zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	en, err := i18n.Keys("en")
	if err != nil {
		t.Fatal(err)
	}
	in := func(keys []string) map[string]bool {
		m := map[string]bool{}
		for _, k := range keys {
			m[k] = true
		}
		return m
	}
	zhSet, enSet := in(zh), in(en)
	for _, k := range zh {
		if !enSet[k] {
			t.Errorf("en lacks %s", k)
		}
	}
	for _, k := range en {
		if !zhSet[k] {
			t.Errorf("zh-CN lacks %s", k)
		}
	}
}

// keyUse finds message keys in Go calls and templates: Errorf(code, "k"),
// NewProblem(row, col, "k"), .T "k", l.T("k"), and the like.
var keyUse = regexp.MustCompile(`(?:Errorf\([^,]+, |NewProblem\([^,]+, [^,]+, |Invalid\(|T\(|\.T |add\([^,]+, |bad\()"([a-z_]+\.[a-z_.]*[a-z_])"`)

// TestEveryUsedKeyExists scans the source for message keys and checks that
// the catalog has each, so that no page shows a raw key.
func TestEveryUsedKeyExists(t *testing.T) {
	zh, _ := i18n.Keys("zh-CN")
	have := map[string]bool{}
	for _, k := range zh {
		have[k] = true
	}
	for _, k := range pinggu.UnitKinds {
		if !have["kind."+string(k)] {
			t.Errorf("missing kind.%s", k)
		}
	}
	for _, r := range pinggu.Roles {
		if !have["role."+string(r)] {
			t.Errorf("missing role.%s", r)
		}
	}
	root := filepath.Join("..", "..")
	found := 0
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		if !strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".html") {
			return nil
		}
		data, _ := os.ReadFile(p)
		for _, m := range keyUse.FindAllStringSubmatch(string(data), -1) {
			found++
			if !have[m[1]] {
				t.Errorf("%s uses %q, which the catalog lacks", p, m[1])
			}
		}
		return nil
	})
	if found < 100 {
		t.Errorf("found only %d key uses; the scan is broken", found)
	}
}

func TestProblemIsLocated(t *testing.T) {
	c := i18n.MustLoad()
	p := pinggu.NewProblem(7, "名称", "field.required")
	if got, want := c.For("zh-CN").Problem(p), "第 7 行“名称”列：不能为空"; got != want {
		t.Errorf("zh: %q, want %q", got, want)
	}
	if got, want := c.For("en").Problem(p), `Row 7, column "名称": is required`; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got := c.For("zh-CN").Error(pinggu.Internal(os.ErrNotExist)); strings.Contains(got, "not exist") {
		t.Errorf("internal error detail leaked: %q", got)
	}
}

// TestEveryAuditActionIsNamed: the audit page shows each action in the
// user's language, and every audit row names one of pinggu.AuditActions —
// never a string written at the call, which the list would miss.
func TestEveryAuditActionIsNamed(t *testing.T) {
	zh, _ := i18n.Keys("zh-CN")
	has := map[string]bool{}
	for _, k := range zh {
		has[k] = true
	}
	for _, a := range pinggu.AuditActions {
		if !has["action."+a] {
			t.Errorf("the catalogs do not name audit action %s", a)
		}
	}
	literal := regexp.MustCompile(`\.Audit\([^,]+, "`)
	filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, _ := os.ReadFile(path)
		if loc := literal.FindIndex(b); loc != nil {
			t.Errorf("%s: an audit action written as a string, not a pinggu.Action constant", path)
		}
		return nil
	})
}

// TestCatalogsHaveNoDuplicateKeys: a key written twice in a catalog keeps
// its last text only, silently; every key is written once.
func TestCatalogsHaveNoDuplicateKeys(t *testing.T) {
	for _, lang := range []string{"zh-CN", "en"} {
		b, err := os.ReadFile(filepath.Join("catalogs", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^\s*"([^"]+)"\s*:`).FindAllStringSubmatch(string(b), -1) {
			if seen[m[1]] {
				t.Errorf("%s: key %s written twice", lang, m[1])
			}
			seen[m[1]] = true
		}
	}
}
