package draw

import (
	"context"
	"slices"
	"strings"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

// KindRespondents is the kind of a respondent draw.
const KindRespondents = pinggu.DrawRespondents

// Respondents is the second ceremony: with a fresh seed it draws the
// respondents of every drawn unit whose roster is frozen. Each unit is its
// own stratum (its id), the elements its roster ids. A municipal unit gets
// min(MinMunicipal, N); a county's MinCounty is allocated over its drawn
// units by the largest-remainder rule, and the allocation is in the record.
// Units without a frozen roster are left out and returned, for a later
// draw under another label.
func Respondents(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign, seed, label string) (*sampling.Record, []pinggu.Unit, error) {
	var parties []sampling.Party
	if seed == "" {
		var err error
		if seed, parties, err = RevealedSeed(ctx, db, c, label); err != nil {
			return nil, nil, err
		}
	}
	if err := sampling.CheckSeed(seed); err != nil {
		return nil, nil, err
	}
	if err := sampling.CheckField("draw", label); err != nil {
		return nil, nil, err
	}
	var rec *sampling.Record
	var missing []pinggu.Unit
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		if err := drawable(c); err != nil {
			return err
		}
		draws, err := standing(ctx, tx, c.ID, seed)
		if err != nil {
			return err
		}
		sampled, err := tx.SampledUnits(ctx, c.ID)
		if err != nil {
			return err
		}
		// Each unit's respondents are drawn once: a later ceremony draws
		// only the units no standing draw has drawn (a late roster, say).
		drawn, err := tx.DrawnStrata(ctx, c.ID, KindRespondents)
		if err != nil {
			return err
		}
		allocated, err := allocatedTargets(ctx, tx, draws)
		if err != nil {
			return err
		}
		units, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		byID := map[int64]pinggu.Unit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		county := func(u pinggu.Unit) string {
			for p, n := u.ParentID, 0; p != 0 && n < 64; p, n = byID[p].ParentID, n+1 {
				if byID[p].Kind == pinggu.KindCounty {
					return byID[p].Code
				}
			}
			return ""
		}
		type unitFrame struct {
			unit  pinggu.Unit
			frame []byte
			n     int
		}
		groups := map[string][]unitFrame{}
		var municipal []unitFrame
		already := 0
		for _, u := range units {
			if !sampled[u.ElementID()] {
				continue
			}
			if drawn[u.ElementID()] {
				already++
				continue
			}
			frame, hash, err := tx.RosterFrame(ctx, c.ID, u.ID)
			if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
				missing = append(missing, u)
				continue
			}
			if err != nil {
				return err
			}
			if sampling.Hash(frame) != hash {
				return pinggu.Errorf(pinggu.EConflict, "draw.frame_changed", "Stratum", u.ElementID())
			}
			rows, _ := sampling.ParseFrame(frame)
			uf := unitFrame{u, frame, len(rows)}
			if u.Kind == pinggu.KindMunicipalUnit {
				municipal = append(municipal, uf)
			} else if g := county(u); g != "" {
				groups[g] = append(groups[g], uf)
			}
		}
		if len(municipal) == 0 && len(groups) == 0 {
			if already > 0 {
				return pinggu.Errorf(pinggu.EConflict, "draw.respondents_done", "N", already, "Waiting", len(missing))
			}
			return pinggu.Errorf(pinggu.EConflict, "draw.no_rosters")
		}
		var strata []sampling.Stratum
		var allocations []sampling.Allocation
		for _, uf := range municipal {
			// min(MinMunicipal, N) completes, drawn at the expected response rate.
			k := c.Settings.Inflate(min(c.Settings.MinMunicipal, uf.n), uf.n)
			strata = append(strata, sampling.Stratum{Label: uf.unit.ElementID(), Frame: uf.frame, Rule: "quota", K: k})
		}
		for g, ufs := range groups {
			shares := make([]sampling.Share, len(ufs))
			frames := map[string][]byte{}
			for i, uf := range ufs {
				shares[i] = sampling.Share{Stratum: uf.unit.ElementID(), N: uf.n}
				frames[shares[i].Stratum] = uf.frame
			}
			// A later ceremony gives the county what the earlier ones left
			// of its target; alloc-v2 gives every new unit two at least.
			a := sampling.Allocate(seed, label, g, max(0, c.Settings.MinCounty-allocated[g]), c.Settings.ExpectedResponse(), shares)
			allocations = append(allocations, a)
			for _, sh := range a.Shares {
				strata = append(strata, sampling.Stratum{Label: sh.Stratum, Frame: frames[sh.Stratum], Rule: "quota", K: sh.Quota})
			}
		}
		if rec, err = sampling.Draw(seed, label, c.Settings.Kmin, strata); err != nil {
			return err
		}
		rec.Campaign, rec.Allocations, rec.CommitReveal = c.Code, sortAllocations(allocations), parties
		_, err = tx.SaveDraw(ctx, c.ID, KindRespondents, rec)
		return err
	})
	return rec, missing, err
}

// allocatedTargets sums, per county, the completes that the standing
// respondent draws already allocated.
func allocatedTargets(ctx context.Context, tx *store.Tx, draws []store.DrawInfo) (map[string]int, error) {
	out := map[string]int{}
	for _, d := range draws {
		if d.Kind != KindRespondents {
			continue
		}
		_, rec, err := tx.DrawPlan(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range rec.Allocations {
			for _, n := range a.Completes() {
				out[a.Group] += n
			}
		}
	}
	return out, nil
}

func sortAllocations(a []sampling.Allocation) []sampling.Allocation {
	slices.SortFunc(a, func(x, y sampling.Allocation) int { return strings.Compare(x.Group, y.Group) })
	return a
}

// RosterFrames returns the frozen roster frames of a campaign by stratum
// (the unit's id), for the frames zip of a respondent draw.
func RosterFrames(ctx context.Context, tx *store.Tx, c *pinggu.Campaign) ([]store.Frame, error) {
	rosters, err := tx.Rosters(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []store.Frame
	for _, r := range rosters {
		if r.State == pinggu.RosterDraft {
			continue
		}
		u, err := tx.Unit(ctx, r.UnitID)
		if err != nil {
			return nil, err
		}
		frame, hash, err := tx.RosterFrame(ctx, c.ID, r.UnitID)
		if err != nil {
			return nil, err
		}
		out = append(out, store.Frame{Stratum: u.ElementID(), CSV: frame, SHA256: hash, N: r.Size})
		for stratum, f := range CategoryFrames(u.ElementID(), frame) {
			out = append(out, store.Frame{Stratum: stratum, CSV: f, SHA256: sampling.Hash(f)})
		}
	}
	slices.SortFunc(out, func(a, b store.Frame) int { return strings.Compare(a.Stratum, b.Stratum) })
	return out, nil
}
