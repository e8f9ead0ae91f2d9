package results

import (
	"context"
	"io"
	"slices"

	"pinggu"
	"pinggu/internal/analysis"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

// ExportStats says what an export wrote and left out.
type ExportStats struct {
	Rows        int // responses written
	HiddenUnits int // units whose results S5 hides, left out
	RowsLeftOut int // their responses
}

// ExportResponses streams a campaign's moved responses, anonymous, one row
// each, in the random order of their ids: the unit, the respondent
// category, the channel, each item's level label and the overall rating.
// Left out: the id, the day and the comment (each could single someone
// out), every response of a unit with fewer than 5, and the category
// where fewer than 5 of a unit's responses carry it, with the categories
// that would give it away (S5).
func ExportResponses(ctx context.Context, db *store.DB, c *pinggu.Campaign, w io.Writer, format string) (ExportStats, error) {
	return ExportResponsesTo(ctx, db, c, func(header []string) (tabular.RowWriter, error) {
		if format == "xlsx" {
			return tabular.NewXLSXWriter(w, "测评数据", header)
		}
		return tabular.NewCSVWriter(w, header)
	})
}

// ExportResponsesTo is ExportResponses into the row writer that open
// starts with the header.
func ExportResponsesTo(ctx context.Context, db *store.DB, c *pinggu.Campaign, open func(header []string) (tabular.RowWriter, error)) (ExportStats, error) {
	var st ExportStats
	err := db.View(ctx, func(tx *store.Tx) error {
		items, err := exportItems(ctx, tx, c)
		if err != nil {
			return err
		}
		cells, hiddenUnits, err := exportUnits(ctx, tx, c)
		if err != nil {
			return err
		}
		st.HiddenUnits = hiddenUnits
		header := []string{"单位编码", "单位名称", "单位类型", "受访者类别", "渠道"}
		for _, it := range items {
			header = append(header, it.Code+" "+it.ShortName())
		}
		header = append(header, "总体评价")
		rw, err := open(header)
		if err != nil {
			return pinggu.Internal(err)
		}
		scale := c.Settings.Scale
		labels := make([]any, len(scale.Levels)+1) // index level+1: 不了解 first
		labels[0] = scale.UnknownText()
		for i, l := range scale.Levels {
			labels[i+1] = l.Label
		}
		label := func(level int) any {
			if level+1 >= 0 && level+1 < len(labels) {
				return labels[level+1]
			}
			return nil
		}
		column := map[string]int{}
		for i, it := range items {
			column[it.Code] = i
		}
		channels := map[string]string{"online": "网上", "paper": "纸质"}
		// The database is read here, in the transaction, and the rows are
		// formatted and written by another goroutine, in batches: on two
		// cores the export takes about as long as reading alone.
		batches := make(chan []store.RawResponse, 4)
		free := make(chan []store.RawResponse, 6)
		written := make(chan error, 1)
		go func() {
			answers := make([]any, len(items))
			row := make([]any, 0, len(header))
			var werr error
			for batch := range batches {
				for i := range batch {
					if werr != nil {
						break
					}
					r := &batch[i]
					uc := cells[r.UnitID]
					if uc == nil || !uc.ok {
						continue
					}
					category := r.Category
					if !uc.categoryShown[category] {
						category = ""
					}
					clear(answers)
					if err := store.ScanAnswers(r.Answers, func(code string, level int) {
						if i, ok := column[code]; ok {
							answers[i] = label(level)
						}
					}); err != nil {
						werr = pinggu.Internal(err)
						break
					}
					row = append(row[:0], uc.code, uc.name, uc.kind, category, channels[r.Channel])
					row = append(row, answers...)
					row = append(row, label(r.Overall))
					werr = rw.Write(row)
				}
				select {
				case free <- batch[:0]:
				default:
				}
			}
			written <- werr
		}()
		const batchSize = 512
		batch := make([]store.RawResponse, 0, batchSize)
		err = tx.EachRawResponse(ctx, c.ID, func(r *store.RawResponse) error {
			if uc := cells[r.UnitID]; uc != nil && uc.ok {
				st.Rows++
			} else {
				st.RowsLeftOut++
			}
			batch = append(batch, *r)
			if len(batch) == batchSize {
				batches <- batch
				select {
				case batch = <-free:
				default:
					batch = make([]store.RawResponse, 0, batchSize)
				}
			}
			return nil
		})
		if len(batch) > 0 {
			batches <- batch
		}
		close(batches)
		werr := <-written
		if err != nil {
			return err
		}
		if werr != nil {
			return werr
		}
		if err := rw.Close(); err != nil {
			return pinggu.Internal(err)
		}
		return nil
	})
	return st, err
}

// exportItems are the export's item columns: each framework's active
// items, in order.
func exportItems(ctx context.Context, tx *store.Tx, c *pinggu.Campaign) ([]pinggu.Item, error) {
	var items []pinggu.Item
	seen := map[string]bool{}
	for _, k := range pinggu.EvaluatedKinds {
		id := c.Settings.Frameworks[k]
		if id == 0 {
			continue
		}
		f, err := tx.CampaignFramework(ctx, c, id)
		if err != nil {
			return nil, err
		}
		for _, it := range f.ActiveItems() {
			if !seen[it.Code] {
				seen[it.Code] = true
				items = append(items, it)
			}
		}
	}
	return items, nil
}

// unitCells is what the export writes of a unit, decided before the
// writer starts, which then only reads it.
type unitCells struct {
	ok               bool // its rows are exported
	code, name, kind string
	categoryShown    map[string]bool
}

// exportUnits decides for every unit whether its rows are exported and
// which of its categories are shown, and counts the units left out. The
// units whose results S5 hides — small ones, and the siblings that would
// give them away beside the figures published with them — are left out of
// the export too: their rows would undo it.
func exportUnits(ctx context.Context, tx *store.Tx, c *pinggu.Campaign) (map[int64]*unitCells, int, error) {
	units, err := tx.Units(ctx)
	if err != nil {
		return nil, 0, err
	}
	tallies, err := tx.Tallies(ctx, c.ID)
	if err != nil {
		return nil, 0, err
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
	in, err := Load(ctx, tx, c)
	if err != nil {
		return nil, 0, err
	}
	hidden := map[int64]bool{}
	for _, a := range Compute(in).Areas {
		for _, o := range a.Objects {
			hidden[o.Unit.ID] = o.Overall.Hidden
		}
	}
	left := 0
	for id, n := range perUnit {
		if n < analysis.MinRespondents || hidden[id] {
			hidden[id] = true
			left++
		}
	}
	cells := map[int64]*unitCells{}
	for _, u := range units {
		uc := &unitCells{ok: perUnit[u.ID] > 0 && !hidden[u.ID], code: u.ElementID(), name: u.Name, kind: u.Kind.Chinese(), categoryShown: map[string]bool{}}
		// S5 over the unit's categories: a small one is blanked, and so
		// are siblings that would give it away, taken in a fixed order
		// (the roster's categories, then any other by name) so that two
		// exports blank the same ones.
		var cats []string
		var ns []int
		for _, cat := range categoryOrder(perCat[u.ID]) {
			cats, ns = append(cats, cat), append(ns, perCat[u.ID][cat])
		}
		for i, hide := range analysis.Suppress(ns) {
			uc.categoryShown[cats[i]] = !hide
		}
		cells[u.ID] = uc
	}
	return cells, left, nil
}

// categoryOrder lists the categories of counts in pinggu.RosterCategories
// order, then any others sorted.
func categoryOrder(counts map[string]int) []string {
	var out, rest []string
	for _, c := range pinggu.RosterCategories {
		if _, ok := counts[c]; ok {
			out = append(out, c)
		}
	}
	for c := range counts {
		if !slices.Contains(pinggu.RosterCategories, c) {
			rest = append(rest, c)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}
