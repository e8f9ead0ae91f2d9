// Package framework reads and writes indicator frameworks as files: JSON
// (the stored document itself) and XLSX (one row per item, for the office
// to edit in Excel). Reading checks everything and reports each problem
// with its row and column; nothing is stored here.
package framework

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"pinggu"
	"pinggu/internal/tabular"
)

// Sheet and column names of the XLSX form.
const (
	itemSheet = "指标"
	metaSheet = "说明"
)

var itemColumns = []string{"维度编码", "维度名称", "成效维度", "维度停用", "条目编码", "评估要点", "测评问题", "条目停用"}

var audienceNames = map[string]pinggu.Audience{
	"leadership": pinggu.AudienceLeadership, "领导班子": pinggu.AudienceLeadership, "领导班子和领导干部": pinggu.AudienceLeadership,
	"branch": pinggu.AudienceBranch, "党支部": pinggu.AudienceBranch, "基层党支部": pinggu.AudienceBranch,
}

// Read parses a framework file by its content: JSON or XLSX. The result is
// validated; problems are located by row and column (XLSX) or field (JSON).
func Read(filename string, data []byte) (*pinggu.Framework, error) {
	if len(data) > tabular.MaxFileBytes {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", tabular.MaxFileBytes>>20)
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	if bytes.HasPrefix(trimmed, []byte("{")) {
		var f pinggu.Framework
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, pinggu.Errorf(pinggu.EInvalid, "framework.json_syntax", "Detail", err.Error())
		}
		f.ID, f.Version = 0, 0
		if ps := f.Validate(); len(ps) > 0 {
			return nil, pinggu.Invalid("framework.invalid", ps)
		}
		return &f, nil
	}
	if ext := strings.ToLower(filepath.Ext(filename)); ext == ".json" {
		return nil, pinggu.Errorf(pinggu.EInvalid, "framework.json_syntax", "Detail", "not a JSON object")
	}
	x, err := tabular.OpenXLSX(data)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	return readXLSX(x)
}

func readXLSX(x *excelize.File) (*pinggu.Framework, error) {
	f := &pinggu.Framework{}
	var ps []pinggu.Problem
	if idx, _ := x.GetSheetIndex(metaSheet); idx < 0 {
		return nil, pinggu.Errorf(pinggu.EInvalid, "framework.sheet_missing", "Sheet", metaSheet)
	}
	meta, err := x.GetRows(metaSheet)
	if err != nil {
		return nil, pinggu.Errorf(pinggu.EInvalid, "framework.sheet_missing", "Sheet", metaSheet)
	}
	for i, r := range meta {
		if len(r) < 2 {
			continue
		}
		key, val := strings.TrimSpace(r[0]), strings.TrimSpace(r[1])
		switch key {
		case "编码", "code":
			f.Code = val
		case "名称", "name":
			f.Name = val
		case "对象", "audience":
			a, ok := audienceNames[val]
			if !ok {
				ps = append(ps, pinggu.NewProblem(i+1, metaSheet+"!B", "framework.audience_unknown", "Value", val))
			}
			f.Audience = a
		}
	}
	if idx, _ := x.GetSheetIndex(itemSheet); idx < 0 {
		return nil, pinggu.Errorf(pinggu.EInvalid, "framework.sheet_missing", "Sheet", itemSheet)
	}
	t, err := tabular.ReadSheet(x, itemSheet)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range t.Header {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range itemColumns {
		if _, ok := col[c]; !ok {
			ps = append(ps, pinggu.NewProblem(1, c, "import.column_missing", "Chinese", c, "English", c))
		}
	}
	if len(ps) > 0 {
		return nil, pinggu.Invalid("framework.invalid", ps)
	}
	get := func(r []string, c string) string { return tabular.Cell(r, col[c]) }
	dims := map[string]int{}
	rowOf := map[string]int{} // field path → row, to locate validation problems
	for n, r := range t.Rows {
		line := t.Lines[n]
		dcode := get(r, "维度编码")
		di, ok := dims[dcode]
		if !ok {
			di = len(f.Dimensions)
			dims[dcode] = di
			effect, p1 := yes(get(r, "成效维度"), line, "成效维度")
			retired, p2 := yes(get(r, "维度停用"), line, "维度停用")
			ps = append(ps, p1...)
			ps = append(ps, p2...)
			f.Dimensions = append(f.Dimensions, pinggu.Dimension{Code: dcode, Name: get(r, "维度名称"), Effect: effect, Retired: retired, Items: []pinggu.Item{}})
			rowOf["dimensions["+strconv.Itoa(di)+"]"] = line
		}
		if get(r, "条目编码") == "" && get(r, "评估要点") == "" && get(r, "测评问题") == "" {
			continue // a dimension row without items
		}
		retired, p := yes(get(r, "条目停用"), line, "条目停用")
		ps = append(ps, p...)
		d := &f.Dimensions[di]
		rowOf["dimensions["+strconv.Itoa(di)+"].items["+strconv.Itoa(len(d.Items))+"]"] = line
		d.Items = append(d.Items, pinggu.Item{Code: get(r, "条目编码"), Text: get(r, "评估要点"), Question: get(r, "测评问题"), Retired: retired})
	}
	if len(ps) > 0 {
		return nil, pinggu.Invalid("framework.invalid", ps)
	}
	if vs := f.Validate(); len(vs) > 0 {
		for i := range vs {
			vs[i].Row, vs[i].Column = locate(vs[i].Column, rowOf)
		}
		return nil, pinggu.Invalid("framework.invalid", vs)
	}
	return f, nil
}

// locate turns a field path into a row and a column header of the sheet.
func locate(path string, rowOf map[string]int) (int, string) {
	columns := map[string]string{
		"code": "条目编码", "text": "评估要点", "question": "测评问题", "items": "条目编码",
	}
	if i := strings.LastIndex(path, "]."); i >= 0 {
		prefix, field := path[:i+1], path[i+2:]
		if row, ok := rowOf[prefix]; ok {
			if !strings.Contains(prefix, "items[") {
				columns = map[string]string{"code": "维度编码", "name": "维度名称", "items": "条目编码"}
			}
			if c, ok := columns[field]; ok {
				return row, c
			}
			return row, field
		}
	}
	return 0, path
}

func yes(v string, line int, column string) (bool, []pinggu.Problem) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "否", "false", "0", "no":
		return false, nil
	case "是", "true", "1", "yes":
		return true, nil
	}
	return false, []pinggu.Problem{pinggu.NewProblem(line, column, "framework.yes_no", "Value", v)}
}

// WriteJSON writes the framework document, indented.
func WriteJSON(w io.Writer, f *pinggu.Framework) error {
	out := *f
	out.ID = 0
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// WriteXLSX writes the framework as a workbook that Read takes back.
func WriteXLSX(w io.Writer, f *pinggu.Framework) error {
	var rows [][]string
	yn := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	for _, d := range f.Dimensions {
		if len(d.Items) == 0 {
			rows = append(rows, []string{d.Code, d.Name, yn(d.Effect), yn(d.Retired), "", "", "", ""})
		}
		for _, it := range d.Items {
			rows = append(rows, []string{d.Code, d.Name, yn(d.Effect), yn(d.Retired), it.Code, it.Text, it.Question, yn(it.Retired)})
		}
	}
	audience := map[pinggu.Audience]string{pinggu.AudienceLeadership: "领导班子", pinggu.AudienceBranch: "党支部"}[f.Audience]
	meta := [][]string{{"名称", f.Name}, {"对象", audience}, {"版本", strconv.Itoa(f.Version)},
		{"说明", "“指标”表每行一个条目；成效维度、停用填“是”或“否”。修改后可在“指标体系”页面导入，作为新版本保存。"}}
	return tabular.WriteWorkbook(w, []tabular.Sheet{
		{Name: itemSheet, Header: itemColumns, Rows: rows, Wrap: []int{5, 6}},
		{Name: metaSheet, Header: []string{"编码", f.Code}, Rows: meta},
	})
}
