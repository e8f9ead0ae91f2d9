// Package roster takes the lists of people that sampled units supply
// (名单): it parses and checks an upload, stores it all or nothing, freezes
// it with pinggu-assigned ids and a published hash, and purges the
// personal data after the campaign.
package roster

import (
	"context"
	"fmt"
	"strings"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

var columns = []struct{ field, zh, en string }{
	{"name", "姓名", "name"}, {"phone", "手机号", "phone"}, {"category", "类别", "category"}, {"note", "备注", "note"},
}

// Parse reads a roster file. Every bad row is reported with its row and
// column; a file with any problem yields no people.
func Parse(filename string, data []byte) ([]pinggu.Person, error) {
	t, err := tabular.Read(filename, data)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	colName := map[string]string{}
	for i, h := range t.Header {
		h = strings.ToLower(strings.TrimSpace(h))
		for _, c := range columns {
			if h == c.zh || h == c.en {
				idx[c.field], colName[c.field] = i, t.Header[i]
			}
		}
	}
	var ps []pinggu.Problem
	for _, c := range columns[:3] {
		if _, ok := idx[c.field]; !ok {
			ps = append(ps, pinggu.NewProblem(1, c.zh, "import.column_missing", "Chinese", c.zh, "English", c.en))
		}
	}
	if len(ps) > 0 {
		return nil, pinggu.Invalid("roster.rejected", ps)
	}
	get := func(rec []string, f string) string {
		i, ok := idx[f]
		if !ok {
			return ""
		}
		return tabular.Cell(rec, i)
	}
	seen := map[string]int{}
	var people []pinggu.Person
	for n, rec := range t.Rows {
		p := pinggu.Person{Row: t.Lines[n], Name: get(rec, "name"), Phone: strings.ReplaceAll(get(rec, "phone"), " ", ""),
			Category: get(rec, "category"), Note: get(rec, "note")}
		for _, pr := range p.Validate() {
			pr.Column = colName[pr.Column]
			ps = append(ps, pr)
		}
		key := p.Name + "\x00" + p.Phone
		if first, dup := seen[key]; dup && p.Name != "" {
			ps = append(ps, pinggu.NewProblem(p.Row, colName["name"], "roster.duplicate", "Line", first, "Name", p.Name))
		}
		seen[key] = p.Row
		people = append(people, p)
	}
	if len(people) == 0 && len(ps) == 0 {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.empty")
	}
	if len(ps) > 0 {
		return nil, pinggu.Invalid("roster.rejected", ps)
	}
	return people, nil
}

// rostered checks that the campaign takes rosters and that the unit was
// drawn: only sampled units supply lists.
func rostered(ctx context.Context, tx *store.Tx, c *pinggu.Campaign, u *pinggu.Unit) error {
	if !c.State.Collecting() {
		return pinggu.Errorf(pinggu.EConflict, "draw.campaign_state", "State", string(c.State))
	}
	sampled, err := tx.SampledUnits(ctx, c.ID)
	if err != nil {
		return err
	}
	if !sampled[u.ElementID()] {
		return pinggu.Errorf(pinggu.EConflict, "roster.not_sampled", "Unit", u.Name)
	}
	return nil
}

// Upload parses and stores a unit's roster as a draft, all or nothing.
// With dryRun it only checks and counts.
func Upload(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign, u *pinggu.Unit, filename string, data []byte, dryRun bool) ([]pinggu.Person, error) {
	people, err := Parse(filename, data)
	if err != nil {
		return nil, err
	}
	run := db.Update
	if dryRun {
		run = func(ctx context.Context, _ store.Actor, fn func(*store.Tx) error) error { return db.View(ctx, fn) }
	}
	err = run(ctx, actor, func(tx *store.Tx) error {
		if err := rostered(ctx, tx, c, u); err != nil {
			return err
		}
		r, err := tx.Roster(ctx, c.ID, u.ID, false)
		if err == nil && r.State != pinggu.RosterDraft {
			return pinggu.Errorf(pinggu.EConflict, "roster.frozen")
		}
		if dryRun {
			return nil
		}
		return tx.SaveRoster(ctx, c.ID, u.ID, people)
	})
	return people, err
}

// Freeze assigns every person the id "<unit id>-<4-digit position>",
// stores the frame (ids and categories, no personal data) and its hash, and
// freezes the roster. A roster whose Party members fall below minShare
// percent of the unit's headcount is frozen only with a reason.
func Freeze(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign, u *pinggu.Unit, reason string, minShare int) (*pinggu.Roster, error) {
	var r *pinggu.Roster
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		if err := rostered(ctx, tx, c, u); err != nil {
			return err
		}
		var err error
		r, err = tx.Roster(ctx, c.ID, u.ID, true)
		if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
			return pinggu.Errorf(pinggu.EConflict, "roster.not_found") // nothing to freeze yet
		} else if err != nil {
			return err
		}
		if r.State != pinggu.RosterDraft {
			return pinggu.Errorf(pinggu.EConflict, "roster.frozen")
		}
		r.Reason = strings.TrimSpace(reason)
		if !pinggu.Complete(r.Members, u.Headcount, minShare) && r.Reason == "" {
			return pinggu.Invalid("roster.incomplete", []pinggu.Problem{pinggu.NewProblem(0, "reason", "roster.incomplete_detail",
				"Members", r.Members, "Headcount", u.Headcount, "Share", minShare)})
		}
		rows := make([]sampling.FrameRow, len(r.People))
		for i := range r.People {
			r.People[i].ID = fmt.Sprintf("%s-%04d", u.ElementID(), i+1)
			rows[i] = sampling.FrameRow{ID: r.People[i].ID, Name: r.People[i].Category}
		}
		frame := sampling.CanonicalCSV(rows)
		r.SHA256 = sampling.Hash(frame)
		return tx.FreezeRoster(ctx, r, frame, r.SHA256)
	})
	return r, err
}
