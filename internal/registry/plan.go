package registry

import (
	"sort"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/tabular"
)

// Change is one unit an import creates (Before nil) or updates.
type Change struct {
	Line   int
	Before *pinggu.Unit
	After  pinggu.Unit
}

// Plan is what an import will do, computed without writing anything.
type Plan struct {
	Encoding  string
	Rows      int
	Creates   []Change
	Updates   []Change
	Unchanged int
}

// row is a parsed data row before it is checked against the registry.
type row struct {
	line int
	unit pinggu.Unit
}

// key identifies a unit across files and the store: its code, or for an
// uncoded branch its parent's code and its name.
func key(u *pinggu.Unit) string {
	if u.Code != "" {
		return u.Code
	}
	return "\x00" + u.ParentCode + "\x00" + u.Name
}

// plan parses t and checks every row against existing (the stored
// registry). It returns every problem found; the plan is only usable when
// there are none.
func plan(t *tabular.Table, existing []pinggu.Unit) (*Plan, []pinggu.Problem) {
	headerLine := 1
	if len(t.Lines) > 0 && t.Lines[0] > 1 {
		headerLine = t.Lines[0] - 1
	}
	idx, ps := headerMap(t.Header, headerLine)
	if len(ps) > 0 {
		return nil, ps
	}
	colName := map[string]string{}
	for f, i := range idx {
		colName[f] = t.Header[i]
	}
	rows, ps := parseRows(t, idx, colName)

	stored := map[string]*pinggu.Unit{}
	graph := map[string]node{} // code → kind and parent, stored overlaid by file
	for i := range existing {
		u := &existing[i]
		stored[key(u)] = u
		if u.Code != "" {
			graph[u.Code] = node{kind: u.Kind, parent: u.ParentCode}
		}
	}
	seen := map[string]int{} // key → line of first occurrence
	for _, r := range rows {
		k := key(&r.unit)
		if first, dup := seen[k]; dup {
			ps = append(ps, dupProblem(r, first, rows, colName))
			continue
		}
		seen[k] = r.line
		if r.unit.Code != "" {
			graph[r.unit.Code] = node{kind: r.unit.Kind, parent: r.unit.ParentCode, line: r.line}
		}
	}
	p := &Plan{Encoding: t.Encoding, Rows: len(rows)}
	_, hasLiaison := idx[pinggu.FieldLiaisonName]
	_, hasPhone := idx[pinggu.FieldLiaisonPhone]
	for _, r := range rows {
		u := r.unit
		before := stored[key(&u)]
		if before != nil && before.Kind != u.Kind {
			ps = append(ps, pinggu.NewProblem(r.line, colName[pinggu.FieldKind], "import.code_other_kind",
				"Code", u.Code, "Kind", before.Kind.Chinese(), "NewKind", u.Kind.Chinese()))
			continue
		}
		if prob, ok := checkParent(r, graph, colName); !ok {
			ps = append(ps, prob)
			continue
		}
		if before == nil {
			p.Creates = append(p.Creates, Change{Line: r.line, After: u})
			continue
		}
		if !hasLiaison {
			u.LiaisonName = before.LiaisonName
		}
		if !hasPhone {
			u.LiaisonPhone = before.LiaisonPhone
		}
		u.ID = before.ID
		if same(before, &u) {
			p.Unchanged++
		} else {
			p.Updates = append(p.Updates, Change{Line: r.line, Before: before, After: u})
		}
	}
	if len(ps) > 0 {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Row < ps[j].Row })
		return nil, ps
	}
	// Parents first, so that Apply can resolve every parent code to an ID.
	sort.SliceStable(p.Creates, func(i, j int) bool {
		return depth(graph, p.Creates[i].After) < depth(graph, p.Creates[j].After)
	})
	return p, nil
}

type node struct {
	kind   pinggu.UnitKind
	parent string
	line   int // 0 for stored units the file does not mention
}

func checkParent(r row, graph map[string]node, colName map[string]string) (pinggu.Problem, bool) {
	u := r.unit
	col := colName[pinggu.FieldParentCode]
	if u.ParentCode == "" {
		if !pinggu.AllowedParent(u.Kind, "") {
			return pinggu.NewProblem(r.line, col, "import.parent_required", "Kind", u.Kind.Chinese()), false
		}
		return pinggu.Problem{}, true
	}
	if pinggu.AllowedParent(u.Kind, "") {
		return pinggu.NewProblem(r.line, col, "import.root_has_parent", "Kind", u.Kind.Chinese()), false
	}
	parent, ok := graph[u.ParentCode]
	if !ok {
		return pinggu.NewProblem(r.line, col, "import.parent_missing", "Code", u.ParentCode), false
	}
	if !pinggu.AllowedParent(u.Kind, parent.kind) {
		return pinggu.NewProblem(r.line, col, "import.parent_kind",
			"Kind", u.Kind.Chinese(), "ParentKind", parent.kind.Chinese(), "Code", u.ParentCode), false
	}
	if u.Code != "" {
		chain := []string{u.Code}
		for at, steps := u.ParentCode, 0; at != "" && steps <= len(graph); steps++ {
			chain = append(chain, at)
			if at == u.Code {
				return pinggu.NewProblem(r.line, col, "import.cycle", "Chain", strings.Join(chain, " → ")), false
			}
			at = graph[at].parent
		}
	}
	return pinggu.Problem{}, true
}

func depth(graph map[string]node, u pinggu.Unit) int {
	d := 0
	for at := u.ParentCode; at != "" && d <= len(graph); d++ {
		at = graph[at].parent
	}
	return d
}

func dupProblem(r row, first int, rows []row, colName map[string]string) pinggu.Problem {
	if r.unit.Code == "" {
		return pinggu.NewProblem(r.line, colName[pinggu.FieldName], "import.branch_duplicate", "Line", first, "Name", r.unit.Name)
	}
	for _, o := range rows {
		if o.line == first && o.unit.Kind != r.unit.Kind {
			return pinggu.NewProblem(r.line, colName[pinggu.FieldCode], "import.code_kind_clash",
				"Code", r.unit.Code, "Line", first, "Kind", o.unit.Kind.Chinese(), "NewKind", r.unit.Kind.Chinese())
		}
	}
	return pinggu.NewProblem(r.line, colName[pinggu.FieldCode], "import.code_duplicate", "Code", r.unit.Code, "Line", first)
}

func same(a, b *pinggu.Unit) bool {
	return a.Code == b.Code && a.Name == b.Name && a.Kind == b.Kind && a.ParentCode == b.ParentCode &&
		a.Headcount == b.Headcount && a.LiaisonName == b.LiaisonName && a.LiaisonPhone == b.LiaisonPhone
}

// parseRows turns each data row into a unit and reports field problems,
// located by the row's line and the column header as the user wrote it.
func parseRows(t *tabular.Table, idx map[string]int, colName map[string]string) ([]row, []pinggu.Problem) {
	var rows []row
	var ps []pinggu.Problem
	get := func(rec []string, field string) string {
		i, ok := idx[field]
		if !ok {
			return ""
		}
		return tabular.Cell(rec, i)
	}
	for n, rec := range t.Rows {
		line := t.Lines[n]
		u := pinggu.Unit{
			Code:         get(rec, pinggu.FieldCode),
			Name:         get(rec, pinggu.FieldName),
			ParentCode:   get(rec, pinggu.FieldParentCode),
			LiaisonName:  get(rec, pinggu.FieldLiaisonName),
			LiaisonPhone: get(rec, pinggu.FieldLiaisonPhone),
		}
		var rowPs []pinggu.Problem
		rawKind := get(rec, pinggu.FieldKind)
		kind, ok := pinggu.ParseUnitKind(rawKind)
		if !ok {
			rowPs = append(rowPs, pinggu.NewProblem(line, colName[pinggu.FieldKind], "unit.kind_unknown", "Value", rawKind))
			kind = pinggu.KindBranch // keeps the other checks quiet about the kind
		}
		u.Kind = kind
		if raw := get(rec, pinggu.FieldHeadcount); raw != "" {
			hc, err := strconv.Atoi(strings.TrimSuffix(raw, ".0"))
			if err != nil {
				rowPs = append(rowPs, pinggu.NewProblem(line, colName[pinggu.FieldHeadcount], "unit.headcount_format", "Value", raw))
			}
			u.Headcount = hc
		}
		for _, p := range u.Validate() {
			if p.Key == "unit.kind_unknown" {
				continue
			}
			p.Row, p.Column = line, colName[p.Column]
			rowPs = append(rowPs, p)
		}
		if u.ParentCode != "" && u.ParentCode == u.Code {
			rowPs = append(rowPs, pinggu.NewProblem(line, colName[pinggu.FieldParentCode], "import.cycle", "Chain", u.Code+" → "+u.Code))
		}
		if len(rowPs) > 0 {
			ps = append(ps, rowPs...)
			continue
		}
		rows = append(rows, row{line: line, unit: u})
	}
	return rows, ps
}
