package report

import (
	"context"
	"io"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

// ExportStats says what an export wrote and left out.
type ExportStats struct {
	Rows        int // responses written
	HiddenUnits int // units with fewer than MinRespondents responses, left out
}

// ExportResponses streams a campaign's moved responses, anonymous, one row
// each, in the random order of their ids: the unit, the respondent
// category, the channel, each item's level label and the overall rating.
// Left out: the id, the day and the comment (each could single someone
// out), every response of a unit with fewer than 5, and the category
// where fewer than 5 of a unit's responses carry it (S5).
func ExportResponses(ctx context.Context, db *store.DB, c *pinggu.Campaign, w io.Writer, format string) (ExportStats, error) {
	var st ExportStats
	err := db.View(ctx, func(tx *store.Tx) error {
		units, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		byID := map[int64]pinggu.Unit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		// The item columns: each framework's active items, in order.
		var items []pinggu.Item
		seen := map[string]bool{}
		for _, k := range pinggu.EvaluatedKinds {
			id := c.Settings.Frameworks[k]
			if id == 0 {
				continue
			}
			f, err := tx.CampaignFramework(ctx, c, id)
			if err != nil {
				return err
			}
			for _, it := range f.ActiveItems() {
				if !seen[it.Code] {
					seen[it.Code] = true
					items = append(items, it)
				}
			}
		}
		tallies, err := tx.Tallies(ctx, c.ID)
		if err != nil {
			return err
		}
		perUnit := map[int64]int{}
		perCat := map[int64]map[string]int{}
		for _, t := range tallies {
			if t.Question != pinggu.OverallCode {
				continue
			}
			perUnit[t.Unit] += t.N
			if perCat[t.Unit] == nil {
				perCat[t.Unit] = map[string]int{}
			}
			perCat[t.Unit][t.Category] += t.N
		}
		for _, n := range perUnit {
			if n < 5 {
				st.HiddenUnits++
			}
		}
		header := []string{"单位编码", "单位名称", "单位类型", "受访者类别", "渠道"}
		for _, it := range items {
			header = append(header, it.Code+" "+ItemLabel(it))
		}
		header = append(header, "总体评价")
		var rw tabular.RowWriter
		if format == "xlsx" {
			rw, err = tabular.NewXLSXWriter(w, "测评数据", header)
		} else {
			rw, err = tabular.NewCSVWriter(w, header)
		}
		if err != nil {
			return pinggu.Internal(err)
		}
		scale := c.Settings.Scale
		label := func(level int) any {
			if level == pinggu.Unknown {
				return unknownLabel(scale)
			}
			if level >= 0 && level < len(scale.Levels) {
				return scale.Levels[level].Label
			}
			return nil
		}
		channels := map[string]string{"online": "网上", "paper": "纸质"}
		row := make([]any, len(header))
		err = tx.EachResponse(ctx, c.ID, func(r *pinggu.Response) error {
			if perUnit[r.UnitID] < 5 {
				return nil
			}
			u := byID[r.UnitID]
			category := r.Category
			if perCat[r.UnitID][category] < 5 {
				category = ""
			}
			row = append(row[:0], draw.ElementID(u), u.Name, u.Kind.Chinese(), category, channels[r.Channel])
			for _, it := range items {
				if v, ok := r.Answers[it.Code]; ok {
					row = append(row, label(v))
				} else {
					row = append(row, nil)
				}
			}
			row = append(row, label(r.Overall))
			st.Rows++
			return rw.Write(row)
		})
		if err != nil {
			return err
		}
		if err := rw.Close(); err != nil {
			return pinggu.Internal(err)
		}
		return nil
	})
	return st, err
}
