package store

import (
	"context"
	"database/sql"

	"pinggu"
)

func scanRoster(s interface{ Scan(...any) error }) (*pinggu.Roster, error) {
	var r pinggu.Roster
	var frozen sql.NullTime
	if err := s.Scan(&r.CampaignID, &r.UnitID, &r.State, &r.Size, &r.Members, &r.SHA256, &r.Reason, &r.UploadedAt, &frozen); err != nil {
		return nil, err
	}
	r.UploadedAt = r.UploadedAt.UTC()
	if frozen.Valid {
		r.FrozenAt = frozen.Time.UTC()
	}
	return &r, nil
}

const rosterColumns = "campaign_id, unit_id, state, size, members, sha256, reason, uploaded_at, frozen_at"

// Roster returns a unit's roster for a campaign, with its people when
// people is set. Callers that show people mask the phones.
func (tx *Tx) Roster(ctx context.Context, campaign, unit int64, people bool) (*pinggu.Roster, error) {
	r, err := scanRoster(tx.queryRow(ctx, "SELECT "+rosterColumns+" FROM rosters WHERE campaign_id = $1 AND unit_id = $2", campaign, unit))
	if err := scanOne(err, "roster.not_found"); err != nil {
		return nil, err
	}
	if !people {
		return r, nil
	}
	rows, err := tx.query(ctx, `SELECT row_no, person_id, name, phone, category, note FROM roster_people
		WHERE campaign_id = $1 AND unit_id = $2 ORDER BY row_no`, campaign, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p pinggu.Person
		if err := rows.Scan(&p.Row, &p.ID, &p.Name, &p.Phone, &p.Category, &p.Note); err != nil {
			return nil, pinggu.Internal(err)
		}
		r.People = append(r.People, p)
	}
	return r, rows.Err()
}

// Rosters lists a campaign's rosters without their people.
func (tx *Tx) Rosters(ctx context.Context, campaign int64) ([]pinggu.Roster, error) {
	rows, err := tx.query(ctx, "SELECT "+rosterColumns+" FROM rosters WHERE campaign_id = $1 ORDER BY unit_id", campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pinggu.Roster
	for rows.Next() {
		r, err := scanRoster(rows)
		if err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// SaveRoster stores an uploaded roster as a draft, replacing an earlier
// draft. A frozen roster cannot be replaced. The audit row records counts,
// never personal data.
func (tx *Tx) SaveRoster(ctx context.Context, campaign, unit int64, people []pinggu.Person) error {
	before, err := tx.Roster(ctx, campaign, unit, false)
	switch {
	case err == nil && before.State != pinggu.RosterDraft:
		return pinggu.Errorf(pinggu.EConflict, "roster.frozen")
	case err != nil && pinggu.ErrorCodeOf(err) != pinggu.ENotFound:
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM roster_people WHERE campaign_id = $1 AND unit_id = $2", campaign, unit); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM rosters WHERE campaign_id = $1 AND unit_id = $2", campaign, unit); err != nil {
		return err
	}
	members := 0
	for _, p := range people {
		if p.Category == pinggu.CategoryMember {
			members++
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO rosters (campaign_id, unit_id, state, size, members, uploaded_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, campaign, unit, pinggu.RosterDraft, len(people), members, tx.Now); err != nil {
		return err
	}
	for _, p := range people {
		if _, err := tx.exec(ctx, `INSERT INTO roster_people (campaign_id, unit_id, row_no, name, phone, category, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, campaign, unit, p.Row, p.Name, p.Phone, p.Category, p.Note); err != nil {
			return err
		}
	}
	return tx.Audit(ctx, pinggu.ActionRosterUpload, "unit", unit, nil, map[string]any{"campaign": campaign, "size": len(people), "members": members})
}

// FreezeRoster assigns the ids, stores the roster's frame and its hash and
// freezes it, with the reason given for an incomplete roster.
func (tx *Tx) FreezeRoster(ctx context.Context, r *pinggu.Roster, frame []byte, hash string) error {
	for _, p := range r.People {
		if _, err := tx.exec(ctx, `UPDATE roster_people SET person_id = $1 WHERE campaign_id = $2 AND unit_id = $3 AND row_no = $4`,
			p.ID, r.CampaignID, r.UnitID, p.Row); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `UPDATE rosters SET state = $1, sha256 = $2, frame = $3, reason = $4, frozen_at = $5
		WHERE campaign_id = $6 AND unit_id = $7`, pinggu.RosterFrozen, hash, string(frame), r.Reason, tx.Now, r.CampaignID, r.UnitID); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionRosterFreeze, "unit", r.UnitID, nil, map[string]any{"campaign": r.CampaignID, "size": r.Size,
		"members": r.Members, "sha256": hash, "reason": r.Reason})
}

// RosterFrame returns a frozen roster's frame (canonical CSV of ids and
// categories) and hash.
func (tx *Tx) RosterFrame(ctx context.Context, campaign, unit int64) ([]byte, string, error) {
	var frame, hash string
	err := tx.queryRow(ctx, "SELECT frame, sha256 FROM rosters WHERE campaign_id = $1 AND unit_id = $2 AND state <> 'draft'", campaign, unit).Scan(&frame, &hash)
	if err := scanOne(err, "roster.not_frozen"); err != nil {
		return nil, "", err
	}
	return []byte(frame), hash, nil
}

// PurgeRosters deletes the personal data of a campaign's rosters — names,
// phones, notes, and drafts entirely — and keeps ids, categories and hashes.
func (tx *Tx) PurgeRosters(ctx context.Context, campaign int64) (int, error) {
	res, err := tx.exec(ctx, `UPDATE roster_people SET name = '', phone = '', note = '' WHERE campaign_id = $1 AND name <> ''`, campaign)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if _, err := tx.exec(ctx, `DELETE FROM roster_people WHERE campaign_id = $1 AND unit_id IN
		(SELECT unit_id FROM rosters WHERE campaign_id = $1 AND state = 'draft')`, campaign); err != nil {
		return 0, err
	}
	if _, err := tx.exec(ctx, "DELETE FROM rosters WHERE campaign_id = $1 AND state = 'draft'", campaign); err != nil {
		return 0, err
	}
	if _, err := tx.exec(ctx, "UPDATE rosters SET state = $1 WHERE campaign_id = $2", pinggu.RosterPurged, campaign); err != nil {
		return 0, err
	}
	return int(n), tx.Audit(ctx, pinggu.ActionRosterPurge, "campaign", campaign, nil, map[string]any{"people": n})
}
