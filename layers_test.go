package pinggu_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// floors puts every package of pinggu on a floor of STYLE.md's shape;
// a package imports only packages on lower floors.
var floors = map[string]int{
	"pinggu":                   0, // the vocabulary: standard library only
	"internal/analysis":        1, // pure statistics
	"internal/sampling":        1, // pure sampling
	"internal/tabular":         1,
	"internal/docx":            1,
	"internal/anchor":          1,
	"internal/evidence":        1, // files kept as evidence: type by content, metadata removed, text
	"internal/similar":         1, // 千人一面: shared passages between documents
	"internal/i18n":            1,
	"internal/store":           2, // the database
	"internal/auth":            3,
	"internal/survey":          3,
	"internal/registry":        3,
	"internal/framework":       3,
	"internal/draw":            3,
	"internal/results":         3,
	"internal/store/storetest": 3,
	"internal/roster":          4,
	"internal/report":          4,
	"internal/demo":            5,
	"internal/web":             6,
	"internal/bench":           7, // measurements against same-run baselines (needs web)
	"internal/cli":             8,
	"internal/e2e":             9,
	"cmd/pinggu":               9,
}

// apart lists imports that the floors allow but the design does not: the
// report package renders what results loaded and never reads the
// database itself.
var apart = map[string][]string{
	"internal/report": {"internal/store"},
}

// TestImportsPointDown reads every Go file's imports (tests of a package
// may reach higher: they drive it as its users do) and fails on an import
// of a package on the same floor or above, and on a package without a
// floor.
func TestImportsPointDown(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			pkg = "pinggu"
		}
		floor, ok := floors[pkg]
		if !ok {
			t.Errorf("%s: package %s has no floor in layers_test.go", path, pkg)
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p != "pinggu" && !strings.HasPrefix(p, "pinggu/") {
				continue
			}
			dep := strings.TrimPrefix(p, "pinggu/")
			if at, ok := floors[dep]; !ok || at >= floor {
				t.Errorf("%s (floor %d) imports %s (floor %d): imports point down only", path, floor, p, at)
			}
			if slices.Contains(apart[pkg], dep) {
				t.Errorf("%s imports %s: %s stays apart from it", path, p, pkg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
