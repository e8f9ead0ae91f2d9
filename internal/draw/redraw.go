package draw

import (
	"context"

	"pinggu"
	"pinggu/internal/store"
)

// The rules that keep a draw from being redone (SAMPLING.md S3a): one
// unit draw per campaign; each unit's respondents drawn once, from a seed
// no earlier draw of the campaign used; one interviewee draw per unit and
// occasion. A mistaken draw is voided (store.VoidDraw), never redrawn over.

// standing returns the campaign's draws that were not voided, and refuses
// a seed that any draw of the campaign, voided or not, already used: a
// seed is rolled for one ceremony.
func standing(ctx context.Context, tx *store.Tx, campaign int64, seed string) ([]store.DrawInfo, error) {
	draws, err := tx.Draws(ctx, campaign)
	if err != nil {
		return nil, err
	}
	var out []store.DrawInfo
	for _, d := range draws {
		if d.Seed == seed {
			return nil, pinggu.Errorf(pinggu.EConflict, "draw.seed_reused", "Label", d.Label)
		}
		if !d.Voided() {
			out = append(out, d)
		}
	}
	return out, nil
}

// noUnitDraw refuses a second unit draw.
func noUnitDraw(draws []store.DrawInfo) error {
	for _, d := range draws {
		if d.Kind == pinggu.DrawUnits {
			return pinggu.Errorf(pinggu.EConflict, "draw.units_done", "Label", d.Label)
		}
	}
	return nil
}

// Void voids draw id of campaign c for reason, as the admin.
func Void(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign, id int64, reason string) error {
	return db.Update(ctx, actor, func(tx *store.Tx) error {
		info, _, err := tx.DrawPlan(ctx, id)
		if err != nil {
			return err
		}
		if info.Campaign != c.ID {
			return pinggu.Errorf(pinggu.EInvalid, "draw.other_campaign")
		}
		return tx.VoidDraw(ctx, id, reason)
	})
}
