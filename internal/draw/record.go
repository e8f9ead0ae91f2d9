package draw

import (
	"io"
	"strconv"

	"pinggu/internal/sampling"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

// Names maps each stratum's element ids to names, from the frozen frames.
func Names(frames []store.Frame) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, f := range frames {
		rows, _ := sampling.ParseFrame(f.CSV)
		m := map[string]string{}
		for _, r := range rows {
			m[r.ID] = r.Name
		}
		out[f.Stratum] = m
	}
	return out
}

// WriteRecordXLSX writes the record as a workbook: a summary sheet with
// each stratum's hash, n, rule and k, and the full order with tickets.
func WriteRecordXLSX(w io.Writer, rec *sampling.Record, names map[string]map[string]string) error {
	summary := [][]string{}
	var order [][]string
	for _, s := range rec.Strata {
		summary = append(summary, []string{s.Stratum, strconv.Itoa(s.N), s.Rule, strconv.Itoa(s.Pct), strconv.Itoa(s.K), s.FrameSHA256})
		for _, e := range s.Order {
			order = append(order, []string{s.Stratum, strconv.Itoa(e.Rank), e.ID, names[s.Stratum][e.ID], e.Status, e.Ticket})
		}
	}
	head := [][]string{{"算法", rec.Algorithm}, {"种子", rec.Seed}, {"抽样标签", rec.Draw}, {"评估工作", rec.Campaign},
		{"抽样时间（UTC）", rec.CreatedAt.Format("2006-01-02 15:04:05")}, {"每层最少", strconv.Itoa(rec.Kmin)}}
	return tabular.WriteWorkbook(w, []tabular.Sheet{
		{Name: "抽样层", Header: []string{"层", "总数n", "规则", "比例%（配额）", "抽取k", "抽样框SHA-256"}, Rows: summary},
		{Name: "抽样顺序", Header: []string{"层", "顺序", "编号", "名称", "状态", "签号（ticket）"}, Rows: order},
		{Name: "说明", Header: []string{"项目", "内容"}, Rows: head},
	})
}
