package results

import (
	"context"

	"pinggu"
	"pinggu/internal/store"
)

// Set is everything a campaign's documents are made from, read in one
// transaction so that every document of a build tells the same story.
type Set struct {
	City    *City
	Reports map[int64]*pinggu.Report // the groups' texts, by unit
	Groups  map[int64]string         // the name of each area's group, by unit
	Draws   []store.DrawInfo         // the campaign's draws, in order
	// Fieldwork, by area: the hearing records (newest first) and the
	// self-assessment's versions (oldest first).
	Hearings   map[int64][]pinggu.Hearing
	SelfChecks map[int64][]pinggu.SelfCheck
}

// LoadSet reads a campaign's results, reports, groups and draws.
func LoadSet(ctx context.Context, db *store.DB, c *pinggu.Campaign) (*Set, error) {
	s := &Set{Reports: map[int64]*pinggu.Report{}, Groups: map[int64]string{},
		Hearings: map[int64][]pinggu.Hearing{}, SelfChecks: map[int64][]pinggu.SelfCheck{}}
	err := db.View(ctx, func(tx *store.Tx) error {
		in, err := Load(ctx, tx, c)
		if err != nil {
			return err
		}
		s.City = Compute(in)
		reports, err := tx.Reports(ctx, c.ID)
		if err != nil {
			return err
		}
		for i := range reports {
			s.Reports[reports[i].UnitID] = &reports[i]
		}
		groups, err := tx.Groups(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, g := range groups {
			for _, u := range g.Units {
				s.Groups[u] = g.Name
			}
		}
		if s.Draws, err = tx.Draws(ctx, c.ID); err != nil {
			return err
		}
		hearings, err := tx.Hearings(ctx, c.ID, 0)
		if err != nil {
			return err
		}
		for _, h := range hearings {
			s.Hearings[h.UnitID] = append(s.Hearings[h.UnitID], h)
		}
		checks, err := tx.SelfChecks(ctx, c.ID, 0)
		for _, sc := range checks {
			s.SelfChecks[sc.UnitID] = append(s.SelfChecks[sc.UnitID], sc)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// CityName is the name of the registry's city unit ("" if it has none).
func (s *Set) CityName() string {
	for _, u := range s.City.Input.Units {
		if u.Kind == pinggu.KindCity {
			return u.Name
		}
	}
	return ""
}
