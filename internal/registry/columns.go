// Package registry imports and exports the unit registry (评估对象名录) as
// CSV or XLSX. An import is planned against the stored registry first, and
// applied only when every row is valid, inside one transaction.
package registry

import (
	"strings"

	"pinggu"
)

// column describes one field of the registry file.
type column struct {
	Field    string
	English  string
	Chinese  string
	Required bool
}

// columns in export order. The header may use either name, in any order.
var columns = []column{
	{pinggu.FieldCode, "code", "编码", true},
	{pinggu.FieldName, "name", "名称", true},
	{pinggu.FieldKind, "kind", "类型", true},
	{pinggu.FieldParentCode, "parent_code", "上级编码", true},
	{pinggu.FieldHeadcount, "headcount", "党员人数", true},
	{pinggu.FieldLiaisonName, "liaison_name", "联络员", false},
	{pinggu.FieldLiaisonPhone, "liaison_phone", "联络电话", false},
}

// Header returns the column names for export, Chinese or English.
func Header(chinese bool) []string {
	h := make([]string, len(columns))
	for i, c := range columns {
		if chinese {
			h[i] = c.Chinese
		} else {
			h[i] = c.English
		}
	}
	return h
}

// headerMap maps fields to column indexes in a file's header; problems
// report missing, duplicated and unknown columns (row 1).
func headerMap(header []string, line int) (map[string]int, []pinggu.Problem) {
	idx := map[string]int{}
	var ps []pinggu.Problem
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		found := false
		for _, c := range columns {
			if key == c.English || key == c.Chinese {
				if _, dup := idx[c.Field]; dup {
					ps = append(ps, pinggu.NewProblem(line, h, "import.column_duplicate"))
				}
				idx[c.Field] = i
				found = true
			}
		}
		if !found && key != "" {
			ps = append(ps, pinggu.NewProblem(line, h, "import.column_unknown", "Expected", expectedColumns()))
		}
	}
	for _, c := range columns {
		if _, ok := idx[c.Field]; !ok && c.Required {
			ps = append(ps, pinggu.NewProblem(line, c.Chinese, "import.column_missing",
				"Chinese", c.Chinese, "English", c.English))
		}
	}
	return idx, ps
}

func expectedColumns() string {
	var parts []string
	for _, c := range columns {
		parts = append(parts, c.Chinese+"/"+c.English)
	}
	return strings.Join(parts, "、")
}
