package store

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"pinggu"
)

// ProfileKey names one cell of the answer profiles: a unit's respondents
// to one dimension who gave its items the same count of each level.
// Profile lists the counts, best level first: "2,1,0,0".
type ProfileKey struct {
	Unit      int64
	Dimension string
	Profile   string
}

// ProfileRow is a profile with the number of respondents who gave it.
type ProfileRow struct {
	ProfileKey
	N int
}

// Counts parses the profile into its counts per level.
func (k ProfileKey) Counts() ([]int, error) {
	parts := strings.Split(k.Profile, ",")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, pinggu.Internal(err)
		}
		out[i] = n
	}
	return out, nil
}

// dimensionIndex maps the item codes of a unit's framework in a campaign
// to their dimensions, with the campaign's number of levels; it caches
// what the inbox move looks up.
type dimensionIndex struct {
	tx        *Tx
	campaigns map[int64]*pinggu.Campaign
	kinds     map[int64]pinggu.UnitKind
	maps      map[string]map[string]string // "campaign/kind" → item → dimension
}

func newDimensionIndex(tx *Tx) *dimensionIndex {
	return &dimensionIndex{tx: tx, campaigns: map[int64]*pinggu.Campaign{}, kinds: map[int64]pinggu.UnitKind{}, maps: map[string]map[string]string{}}
}

// of returns item → dimension for the unit's framework in the campaign,
// and the scale's number of levels.
func (d *dimensionIndex) of(ctx context.Context, campaign, unit int64) (map[string]string, int, error) {
	c := d.campaigns[campaign]
	if c == nil {
		var err error
		if c, err = d.tx.Campaign(ctx, campaign); err != nil {
			return nil, 0, err
		}
		d.campaigns[campaign] = c
	}
	kind, ok := d.kinds[unit]
	if !ok {
		u, err := d.tx.Unit(ctx, unit)
		if err != nil {
			return nil, 0, err
		}
		kind = u.Kind
		d.kinds[unit] = kind
	}
	levels := len(c.Settings.Scale.Levels)
	key := strconv.FormatInt(campaign, 10) + "/" + string(kind)
	if m, ok := d.maps[key]; ok {
		return m, levels, nil
	}
	m := map[string]string{}
	if id := c.Settings.Frameworks[kind]; id != 0 {
		f, err := d.tx.CampaignFramework(ctx, c, id)
		if err != nil {
			return nil, 0, err
		}
		for _, dim := range f.Dimensions {
			if dim.Retired {
				continue
			}
			for _, it := range dim.Items {
				if !it.Retired {
					m[it.Code] = dim.Code
				}
			}
		}
	}
	d.maps[key] = m
	return m, levels, nil
}

// countProfiles adds one response's profile per dimension to counts.
func (d *dimensionIndex) countProfiles(ctx context.Context, counts map[ProfileKey]int, r *responseRow) error {
	dims, levels, err := d.of(ctx, r.campaign, r.unit)
	if err != nil || len(dims) == 0 {
		return err
	}
	per := map[string][]int{}
	err = ScanAnswers(r.answers, func(q string, level int) {
		dim, ok := dims[q]
		if !ok || level < 0 || level >= levels {
			return
		}
		if per[dim] == nil {
			per[dim] = make([]int, levels)
		}
		per[dim][level]++
	})
	if err != nil {
		return pinggu.Internal(err)
	}
	for dim, c := range per {
		s := make([]string, len(c))
		for i, n := range c {
			s[i] = strconv.Itoa(n)
		}
		counts[ProfileKey{r.unit, dim, strings.Join(s, ",")}]++
	}
	return nil
}

func sortedProfiles(counts map[ProfileKey]int) []ProfileRow {
	out := make([]ProfileRow, 0, len(counts))
	for k, n := range counts {
		out = append(out, ProfileRow{k, n})
	}
	sortProfiles(out)
	return out
}

func sortProfiles(rows []ProfileRow) {
	slices.SortFunc(rows, func(a, b ProfileRow) int {
		return cmp.Or(cmp.Compare(a.Unit, b.Unit), strings.Compare(a.Dimension, b.Dimension), strings.Compare(a.Profile, b.Profile))
	})
}

func (tx *Tx) addProfiles(ctx context.Context, campaign int64, rows []ProfileRow) error {
	for _, row := range rows {
		if _, err := tx.exec(ctx, `INSERT INTO profiles (campaign_id, unit_id, dimension, profile, n)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (campaign_id, unit_id, dimension, profile) DO UPDATE SET n = profiles.n + excluded.n`,
			campaign, row.Unit, row.Dimension, row.Profile, row.N); err != nil {
			return err
		}
	}
	return nil
}

// Profiles returns a campaign's answer profiles, in key order.
func (tx *Tx) Profiles(ctx context.Context, campaign int64) ([]ProfileRow, error) {
	rows, err := tx.query(ctx, `SELECT unit_id, dimension, profile, n FROM profiles WHERE campaign_id = $1 AND n > 0`, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProfileRow
	for rows.Next() {
		var r ProfileRow
		if err := rows.Scan(&r.Unit, &r.Dimension, &r.Profile, &r.N); err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, pinggu.Internal(err)
	}
	sortProfiles(out)
	return out, nil
}

// RecomputeProfiles counts a campaign's profiles from the stored
// responses' raw answers. It must equal Profiles.
func (tx *Tx) RecomputeProfiles(ctx context.Context, campaign int64) ([]ProfileRow, error) {
	counts := map[ProfileKey]int{}
	d := newDimensionIndex(tx)
	// Every lookup is made before the scan: no query may run while its
	// result set is open.
	units, err := tx.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if _, _, err := d.of(ctx, campaign, u.ID); err != nil {
			return nil, err
		}
	}
	err = tx.eachRow(ctx, campaign, func(r *responseRow) error { return d.countProfiles(ctx, counts, r) })
	if err != nil {
		return nil, err
	}
	return sortedProfiles(counts), nil
}

// backfillProfiles fills the profiles of campaigns whose responses were
// stored before profiles existed, once, when the database opens.
func (tx *Tx) backfillProfiles(ctx context.Context) error {
	rows, err := tx.query(ctx, `SELECT DISTINCT t.campaign_id FROM tallies t
		WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.campaign_id = t.campaign_id)`)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return pinggu.Internal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return pinggu.Internal(err)
	}
	for _, id := range ids {
		rows, err := tx.RecomputeProfiles(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.addProfiles(ctx, id, rows); err != nil {
			return err
		}
	}
	return nil
}
