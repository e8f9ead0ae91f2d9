package store

import (
	"context"
	"database/sql"

	"pinggu"
)

// Groups returns the evaluation groups of a campaign, by name.
func (tx *Tx) Groups(ctx context.Context, campaign int64) ([]pinggu.Group, error) {
	rows, err := tx.query(ctx, `SELECT id FROM eval_groups WHERE campaign_id = $1 ORDER BY id`, campaign)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, pinggu.Internal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]pinggu.Group, 0, len(ids))
	for _, id := range ids {
		g, err := tx.Group(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, nil
}

// Group returns one group with its members and units.
func (tx *Tx) Group(ctx context.Context, id int64) (*pinggu.Group, error) {
	var g pinggu.Group
	var leader sql.NullInt64
	err := tx.queryRow(ctx, `SELECT id, campaign_id, name, leader_id, created_at FROM eval_groups WHERE id = $1`, id).
		Scan(&g.ID, &g.CampaignID, &g.Name, &leader, &g.CreatedAt)
	if err := scanOne(err, "group.not_found"); err != nil {
		return nil, err
	}
	g.LeaderID, g.CreatedAt = leader.Int64, g.CreatedAt.UTC()
	if g.Members, err = tx.ids(ctx, "SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id", id); err != nil {
		return nil, err
	}
	if g.Units, err = tx.ids(ctx, "SELECT unit_id FROM group_units WHERE group_id = $1 ORDER BY unit_id", id); err != nil {
		return nil, err
	}
	return &g, nil
}

func (tx *Tx) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// checkGroup validates g against the stored accounts, units and campaign.
func (tx *Tx) checkGroup(ctx context.Context, g *pinggu.Group) error {
	c, err := tx.Campaign(ctx, g.CampaignID)
	if err != nil {
		return err
	}
	if c.State.Closed() {
		return pinggu.Errorf(pinggu.EConflict, "campaign.closed", "State", string(c.State))
	}
	roles := map[int64]pinggu.Role{}
	for _, id := range g.People() {
		u, err := tx.User(ctx, id)
		if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
			continue
		}
		if err != nil {
			return err
		}
		roles[id] = u.Role
	}
	kinds, err := tx.scopeKinds(ctx, g.Units)
	if err != nil {
		return err
	}
	if ps := g.Validate(roles, kinds); len(ps) > 0 {
		return pinggu.Invalid("group.invalid", ps)
	}
	// One group per county or municipal unit in a campaign.
	for _, uid := range g.Units {
		var other int64
		var name string
		err := tx.queryRow(ctx, `SELECT g.id, g.name FROM group_units gu JOIN eval_groups g ON g.id = gu.group_id
			WHERE gu.campaign_id = $1 AND gu.unit_id = $2`, g.CampaignID, uid).Scan(&other, &name)
		if err == nil && other != g.ID {
			u, _ := tx.Unit(ctx, uid)
			return pinggu.Invalid("group.invalid", []pinggu.Problem{pinggu.NewProblem(0, "units", "group.unit_taken", "Unit", u.Name, "Group", name)})
		}
	}
	return nil
}

// CreateGroup stores a new group of its campaign.
func (tx *Tx) CreateGroup(ctx context.Context, g *pinggu.Group) error {
	if err := tx.checkGroup(ctx, g); err != nil {
		return err
	}
	g.CreatedAt = tx.Now
	err := tx.queryRow(ctx, `INSERT INTO eval_groups (campaign_id, name, leader_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		g.CampaignID, g.Name, nullID(g.LeaderID), tx.Now).Scan(&g.ID)
	if err != nil {
		return tx.uniqueOr(err, "group.name_taken", "Name", g.Name)
	}
	if err := tx.setGroupLinks(ctx, g); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionGroupCreate, "group", g.ID, nil, auditGroup(g))
}

// UpdateGroup stores g's name, leader, members and units.
func (tx *Tx) UpdateGroup(ctx context.Context, g *pinggu.Group) error {
	before, err := tx.Group(ctx, g.ID)
	if err != nil {
		return err
	}
	if before.CampaignID != g.CampaignID {
		return pinggu.Errorf(pinggu.EInvalid, "group.other_campaign")
	}
	if err := tx.checkGroup(ctx, g); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "UPDATE eval_groups SET name = $1, leader_id = $2 WHERE id = $3", g.Name, nullID(g.LeaderID), g.ID); err != nil {
		return tx.uniqueOr(err, "group.name_taken", "Name", g.Name)
	}
	if err := tx.setGroupLinks(ctx, g); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionGroupUpdate, "group", g.ID, auditGroup(before), auditGroup(g))
}

// GroupOf returns group id, refusing a group of another campaign: a
// request names both, and they must agree.
func (tx *Tx) GroupOf(ctx context.Context, campaign, id int64) (*pinggu.Group, error) {
	g, err := tx.Group(ctx, id)
	if err != nil {
		return nil, err
	}
	if g.CampaignID != campaign {
		return nil, pinggu.Errorf(pinggu.EInvalid, "group.other_campaign")
	}
	return g, nil
}

func (tx *Tx) setGroupLinks(ctx context.Context, g *pinggu.Group) error {
	if _, err := tx.exec(ctx, "DELETE FROM group_members WHERE group_id = $1", g.ID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM group_units WHERE group_id = $1", g.ID); err != nil {
		return err
	}
	for _, m := range g.Members {
		if _, err := tx.exec(ctx, "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", g.ID, m); err != nil {
			return err
		}
	}
	for _, u := range g.Units {
		if _, err := tx.exec(ctx, "INSERT INTO group_units (group_id, campaign_id, unit_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", g.ID, g.CampaignID, u); err != nil {
			return err
		}
	}
	return nil
}

// Unassigned returns the counties and municipal units that no group of the
// campaign evaluates.
func (tx *Tx) Unassigned(ctx context.Context, campaign int64) ([]pinggu.Unit, error) {
	return tx.queryUnits(ctx, `WHERE u.kind IN ('county', 'municipal_unit') AND NOT EXISTS
		(SELECT 1 FROM group_units gu WHERE gu.campaign_id = $1 AND gu.unit_id = u.id) ORDER BY u.kind, u.code`, campaign)
}

// campaignScope returns an evaluator's assignments per campaign, over the
// campaigns not yet archived.
func (tx *Tx) campaignScope(ctx context.Context, user int64) (map[int64][]int64, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT gu.campaign_id, gu.unit_id FROM group_units gu
		JOIN eval_groups g ON g.id = gu.group_id JOIN campaigns c ON c.id = gu.campaign_id
		WHERE c.state <> 'archived' AND (g.leader_id = $1 OR EXISTS
			(SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = $1))
		ORDER BY gu.campaign_id, gu.unit_id`, user)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var c, u int64
		if err := rows.Scan(&c, &u); err != nil {
			return nil, pinggu.Internal(err)
		}
		out[c] = append(out[c], u)
	}
	return out, rows.Err()
}

func auditGroup(g *pinggu.Group) any {
	return struct {
		Name    string  `json:"name"`
		Leader  int64   `json:"leader_id,omitempty"`
		Members []int64 `json:"members"`
		Units   []int64 `json:"units"`
	}{g.Name, g.LeaderID, g.Members, g.Units}
}
