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
}

// LoadSet reads a campaign's results, reports, groups and draws.
func LoadSet(ctx context.Context, db *store.DB, c *pinggu.Campaign) (*Set, error) {
	s := &Set{Reports: map[int64]*pinggu.Report{}, Groups: map[int64]string{}}
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
		s.Draws, err = tx.Draws(ctx, c.ID)
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
