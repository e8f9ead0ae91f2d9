// Package draw runs the public sampling ceremony of a campaign on top of
// the pure pinggu-v1 in internal/sampling: it builds each county's frames
// from the registry, freezes them with their hashes, draws the whole city's
// units in one action, and exports the frames and the record (抽样记录).
package draw

import (
	"archive/zip"
	"context"
	"io"
	"sort"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

// BuildFrames makes the frames of a campaign from the registry: per county,
// the strata "<county>/county_dept", "<county>/township" and
// "<county>/branch" (every branch whose nearest county is that county); and
// the certainty stratum "<city>/municipal_unit". Strata without elements
// are left out.
func BuildFrames(units []pinggu.Unit) []store.Frame {
	byID := map[int64]pinggu.Unit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	countyOf := func(u pinggu.Unit) (pinggu.Unit, bool) {
		for p, n := u.ParentID, 0; p != 0 && n < 64; p, n = byID[p].ParentID, n+1 {
			if byID[p].Kind == pinggu.KindCounty {
				return byID[p], true
			}
		}
		return pinggu.Unit{}, false
	}
	rows := map[string][]sampling.FrameRow{}
	kinds := map[string]pinggu.UnitKind{}
	add := func(stratum string, kind pinggu.UnitKind, u pinggu.Unit) {
		rows[stratum] = append(rows[stratum], sampling.FrameRow{ID: u.ElementID(), Name: u.Name})
		kinds[stratum] = kind
	}
	for _, u := range units {
		switch u.Kind {
		case pinggu.KindCountyDept, pinggu.KindTownship, pinggu.KindBranch:
			if c, ok := countyOf(u); ok {
				add(c.Code+"/"+string(u.Kind), u.Kind, u)
			}
		case pinggu.KindMunicipalUnit:
			city := byID[u.ParentID]
			add(city.Code+"/"+string(pinggu.KindMunicipalUnit), pinggu.KindMunicipalUnit, u)
		}
	}
	var out []store.Frame
	for stratum, rs := range rows {
		csv := sampling.CanonicalCSV(rs)
		out = append(out, store.Frame{Stratum: stratum, Kind: kinds[stratum], CSV: csv, SHA256: sampling.Hash(csv), N: len(rs)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Stratum < out[j].Stratum })
	return out
}

// Freeze builds and stores the campaign's frames. It may be repeated while
// no unit draw exists (the registry may still be corrected); after the
// draw the frames are final.
func Freeze(ctx context.Context, db *store.DB, actor store.Actor, campaign *pinggu.Campaign) ([]store.Frame, error) {
	var frames []store.Frame
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		if err := drawable(campaign); err != nil {
			return err
		}
		units, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		frames = BuildFrames(units)
		// Ids must be drawable now, not at the ceremony: a name with "|" is
		// found while it can still be fixed.
		for _, f := range frames {
			rows, _ := sampling.ParseFrame(f.CSV)
			for _, r := range rows {
				if err := sampling.CheckField("element_id", r.ID); err != nil {
					return unitProblem(err, f.Stratum, r)
				}
			}
		}
		return tx.ReplaceFrames(ctx, campaign.ID, frames)
	})
	return frames, err
}

func unitProblem(err error, stratum string, r sampling.FrameRow) error {
	e := pinggu.AsError(err)
	for i := range e.Problems {
		e.Problems[i].Args["Unit"] = r.Name
		e.Problems[i].Args["Stratum"] = stratum
		e.Problems[i].Key += "_unit"
	}
	return e
}

// drawable refuses campaigns not published or already closed.
func drawable(c *pinggu.Campaign) error {
	if !c.State.Collecting() {
		return pinggu.Errorf(pinggu.EConflict, "draw.campaign_state", "State", string(c.State))
	}
	return nil
}

// Units draws the campaign's units from its frozen frames with seed (dice
// digits) under label: k by the campaign's rate for each stratum, every
// municipal unit. Each frozen frame is checked against its hash first, so
// a frame changed after freezing stops the draw.
func Units(ctx context.Context, db *store.DB, actor store.Actor, campaign *pinggu.Campaign, seed, label string) (*sampling.Record, error) {
	var parties []sampling.Party
	if seed == "" {
		// No dice: the seed of a completed commit–reveal for this label.
		var err error
		if seed, parties, err = RevealedSeed(ctx, db, campaign, label); err != nil {
			return nil, err
		}
	}
	if err := sampling.CheckSeed(seed); err != nil {
		return nil, err
	}
	if err := sampling.CheckField("draw", label); err != nil {
		return nil, err
	}
	var rec *sampling.Record
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		if err := drawable(campaign); err != nil {
			return err
		}
		draws, err := standing(ctx, tx, campaign.ID, seed)
		if err != nil {
			return err
		}
		if err := noUnitDraw(draws); err != nil {
			return err
		}
		frames, err := tx.Frames(ctx, campaign.ID)
		if err != nil {
			return err
		}
		if len(frames) == 0 {
			return pinggu.Errorf(pinggu.EConflict, "draw.not_frozen")
		}
		var strata []sampling.Stratum
		for _, f := range frames {
			if sampling.Hash(f.CSV) != f.SHA256 {
				return pinggu.Errorf(pinggu.EConflict, "draw.frame_changed", "Stratum", f.Stratum)
			}
			s := sampling.Stratum{Label: f.Stratum, Frame: f.CSV, Rule: "all"}
			if f.Kind != pinggu.KindMunicipalUnit {
				r := campaign.Settings.Rates[f.Kind]
				s.Rule, s.Pct = string(r.Rule), r.Pct
			}
			strata = append(strata, s)
		}
		if rec, err = sampling.Draw(seed, label, campaign.Settings.Kmin, strata); err != nil {
			return err
		}
		rec.Campaign, rec.CommitReveal = campaign.Code, parties
		_, err = tx.SaveDraw(ctx, campaign.ID, pinggu.DrawUnits, rec)
		return err
	})
	return rec, err
}

// WriteFramesZip writes the frames as a zip of "<stratum>.csv" files, the
// form 'pinggu verify' and the Python verifier read.
func WriteFramesZip(w io.Writer, frames []store.Frame) error {
	zw := zip.NewWriter(w)
	for _, f := range frames {
		fw, err := zw.Create(f.Stratum + ".csv")
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.CSV); err != nil {
			return err
		}
	}
	return zw.Close()
}

// RevealedSeed returns the seed of the commit–reveal registered for label,
// refusing while no party registered or any has yet to reveal.
func RevealedSeed(ctx context.Context, db *store.DB, c *pinggu.Campaign, label string) (string, []sampling.Party, error) {
	var parties []sampling.Party
	if err := db.View(ctx, func(tx *store.Tx) (err error) { parties, err = tx.SeedParties(ctx, c.ID, label); return }); err != nil {
		return "", nil, err
	}
	if len(parties) == 0 {
		return "", nil, pinggu.Invalid("sampling.invalid", []pinggu.Problem{pinggu.NewProblem(0, "seed", "seed.none")})
	}
	for _, p := range parties {
		if p.Share == "" {
			return "", nil, pinggu.Errorf(pinggu.EConflict, "seed.waiting", "Party", p.Party)
		}
	}
	return sampling.RevealedSeed(parties), parties, nil
}
