package draw

import (
	"context"
	"slices"
	"strings"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

// KindInterviewees is the kind of a symposium's interviewee draw.
const KindInterviewees = pinggu.DrawInterviewees

// MaxOccasion bounds the name of the occasion an interviewee draw is for.
const MaxOccasion = 100

// CategoryFrames splits a frozen roster frame (ids and categories) into one
// frame per category, "<unit id>/<category>".
func CategoryFrames(unitID string, frame []byte) map[string][]byte {
	rows, _ := sampling.ParseFrame(frame)
	by := map[string][]sampling.FrameRow{}
	for _, r := range rows {
		by[r.Name] = append(by[r.Name], r)
	}
	out := map[string][]byte{}
	for cat, rs := range by {
		out[unitID+"/"+cat] = sampling.CanonicalCSV(rs)
	}
	return out
}

// Interviewees draws the people invited to a symposium (座谈会) of one
// unit from its frozen roster: quotas by category (for example 3
// 两代表一委员, 5 党员, 5 群众), each category its own stratum
// "<unit id>/<category>", so that the list the unit supplied cannot choose
// who speaks.
//
// The draw is for one occasion (a named symposium, "3 月 5 日座谈会"): one
// draw per unit and occasion, never drawn again for it.
func Interviewees(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign, u *pinggu.Unit, seed, label, occasion string, quotas map[string]int) (*sampling.Record, error) {
	if err := sampling.CheckSeed(seed); err != nil {
		return nil, err
	}
	if err := sampling.CheckField("draw", label); err != nil {
		return nil, err
	}
	var ps []pinggu.Problem
	for cat, q := range quotas {
		if !slices.Contains(pinggu.RosterCategories, cat) {
			ps = append(ps, pinggu.NewProblem(0, "quota", "roster.category_unknown", "Value", cat, "Known", strings.Join(pinggu.RosterCategories, "、")))
		} else if q < 1 {
			ps = append(ps, pinggu.NewProblem(0, "quota", "draw.quota_range", "Category", cat, "Value", q))
		}
	}
	if len(quotas) == 0 {
		ps = append(ps, pinggu.NewProblem(0, "quota", "field.required"))
	}
	occasion = strings.TrimSpace(occasion)
	switch {
	case occasion == "":
		ps = append(ps, pinggu.NewProblem(0, "occasion", "field.required"))
	case len([]rune(occasion)) > MaxOccasion:
		ps = append(ps, pinggu.NewProblem(0, "occasion", "field.too_long", "Max", MaxOccasion))
	}
	if len(ps) > 0 {
		return nil, pinggu.Invalid("draw.invalid", ps)
	}
	var rec *sampling.Record
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		if err := drawable(c); err != nil {
			return err
		}
		draws, err := standing(ctx, tx, c.ID, seed)
		if err != nil {
			return err
		}
		for _, d := range draws {
			if d.Kind != KindInterviewees || d.Occasion != occasion {
				continue
			}
			_, old, err := tx.DrawPlan(ctx, d.ID)
			if err != nil {
				return err
			}
			for _, st := range old.Strata {
				if strings.HasPrefix(st.Stratum, u.ElementID()+"/") {
					return pinggu.Errorf(pinggu.EConflict, "draw.occasion_drawn", "Occasion", occasion, "Label", d.Label)
				}
			}
		}
		frame, hash, err := tx.RosterFrame(ctx, c.ID, u.ID)
		if err != nil {
			return err
		}
		if sampling.Hash(frame) != hash {
			return pinggu.Errorf(pinggu.EConflict, "draw.frame_changed", "Stratum", u.ElementID())
		}
		frames := CategoryFrames(u.ElementID(), frame)
		cats := make([]string, 0, len(quotas))
		for cat := range quotas {
			cats = append(cats, cat)
		}
		slices.Sort(cats)
		var strata []sampling.Stratum
		for _, cat := range cats {
			label := u.ElementID() + "/" + cat
			f, ok := frames[label]
			if !ok {
				return pinggu.Invalid("draw.invalid", []pinggu.Problem{pinggu.NewProblem(0, "quota", "draw.category_empty", "Category", cat)})
			}
			strata = append(strata, sampling.Stratum{Label: label, Frame: f, Rule: "quota", K: quotas[cat]})
		}
		if rec, err = sampling.Draw(seed, label, c.Settings.Kmin, strata); err != nil {
			return err
		}
		rec.Campaign, rec.Occasion = c.Code, occasion
		_, err = tx.SaveDraw(ctx, c.ID, KindInterviewees, rec)
		return err
	})
	return rec, err
}
