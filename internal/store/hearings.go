package store

import (
	"context"
	"encoding/json"

	"pinggu"
)

const hearingColumns = `h.id, h.campaign_id, h.unit_id, h.kind, h.held_on, h.place, h.evaluators, h.participants,
	COALESCE(h.draw_id, 0), h.attendance, h.inspected, h.summary, h.updated_by, h.updated_at`

func scanHearing(s interface{ Scan(...any) error }) (*pinggu.Hearing, error) {
	var h pinggu.Hearing
	var participants, attendance string
	err := s.Scan(&h.ID, &h.CampaignID, &h.UnitID, &h.Kind, &h.HeldOn, &h.Place, &h.Evaluators, &participants,
		&h.DrawID, &attendance, &h.Inspected, &h.Summary, &h.UpdatedBy, &h.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(participants), &h.Participants); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(attendance), &h.Attendance); err != nil {
		return nil, err
	}
	h.UpdatedAt = h.UpdatedAt.UTC()
	return &h, nil
}

// Hearings returns a campaign's hearing records of one area (every area
// for 0), newest first, each with its findings.
func (tx *Tx) Hearings(ctx context.Context, campaign, unit int64) ([]pinggu.Hearing, error) {
	where, args := "h.campaign_id = $1", []any{campaign}
	if unit != 0 {
		where, args = where+" AND h.unit_id = $2", append(args, unit)
	}
	rows, err := tx.query(ctx, "SELECT "+hearingColumns+" FROM hearings h WHERE "+where+" ORDER BY h.held_on DESC, h.id DESC", args...)
	if err != nil {
		return nil, err
	}
	var out []pinggu.Hearing
	for rows.Next() {
		h, err := scanHearing(rows)
		if err != nil {
			rows.Close()
			return nil, pinggu.Internal(err)
		}
		out = append(out, *h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, pinggu.Internal(err)
	}
	for i := range out {
		if out[i].Findings, err = tx.findings(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Hearing returns one hearing record with its findings and their evidence.
func (tx *Tx) Hearing(ctx context.Context, id int64) (*pinggu.Hearing, error) {
	h, err := scanHearing(tx.queryRow(ctx, "SELECT "+hearingColumns+" FROM hearings h WHERE h.id = $1", id))
	if err := scanOne(err, "hearing.not_found"); err != nil {
		return nil, err
	}
	if h.Findings, err = tx.findings(ctx, id); err != nil {
		return nil, err
	}
	return h, nil
}

// SaveHearing inserts a hearing record (ID 0) or replaces the fields of
// an existing one; its findings are saved apart (AddFinding). The audit
// row keeps the record before and after.
func (tx *Tx) SaveHearing(ctx context.Context, h *pinggu.Hearing) error {
	if ps := h.Validate(); len(ps) > 0 {
		return pinggu.Invalid("hearing.invalid", ps)
	}
	if h.Participants == nil {
		h.Participants = map[string]int{}
	}
	if h.Attendance == nil {
		h.Attendance = map[string]string{}
	}
	participants, _ := json.Marshal(h.Participants)
	attendance, _ := json.Marshal(h.Attendance)
	var drawID any
	if h.DrawID != 0 {
		drawID = h.DrawID
	}
	h.UpdatedBy, h.UpdatedAt = tx.Actor.Login, tx.Now
	var before *pinggu.Hearing
	if h.ID == 0 {
		err := tx.queryRow(ctx, `INSERT INTO hearings (campaign_id, unit_id, kind, held_on, place, evaluators, participants, draw_id,
			attendance, inspected, summary, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			h.CampaignID, h.UnitID, h.Kind, h.HeldOn, h.Place, h.Evaluators, string(participants), drawID, string(attendance),
			h.Inspected, h.Summary, h.UpdatedBy, h.UpdatedAt).Scan(&h.ID)
		if err != nil {
			return pinggu.Internal(err)
		}
	} else {
		var err error
		if before, err = tx.Hearing(ctx, h.ID); err != nil {
			return err
		}
		if before.CampaignID != h.CampaignID || before.UnitID != h.UnitID {
			return pinggu.Errorf(pinggu.ENotFound, "hearing.not_found")
		}
		before.Findings = nil
		if _, err := tx.exec(ctx, `UPDATE hearings SET kind = $1, held_on = $2, place = $3, evaluators = $4, participants = $5,
			draw_id = $6, attendance = $7, inspected = $8, summary = $9, updated_by = $10, updated_at = $11 WHERE id = $12`,
			h.Kind, h.HeldOn, h.Place, h.Evaluators, string(participants), drawID, string(attendance), h.Inspected, h.Summary,
			h.UpdatedBy, h.UpdatedAt, h.ID); err != nil {
			return err
		}
	}
	after := *h
	after.Findings = nil
	var old any
	if before != nil {
		old = before
	}
	return tx.Audit(ctx, pinggu.ActionHearingSave, "hearing", h.ID, old, after)
}

func (tx *Tx) findings(ctx context.Context, hearing int64) ([]pinggu.Finding, error) {
	rows, err := tx.query(ctx, "SELECT id, hearing_id, object_id, item, nature, text FROM findings WHERE hearing_id = $1 ORDER BY id", hearing)
	if err != nil {
		return nil, err
	}
	var out []pinggu.Finding
	for rows.Next() {
		var f pinggu.Finding
		if err := rows.Scan(&f.ID, &f.HearingID, &f.ObjectID, &f.Item, &f.Nature, &f.Text); err != nil {
			rows.Close()
			return nil, pinggu.Internal(err)
		}
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, pinggu.Internal(err)
	}
	for i := range out {
		frows, err := tx.query(ctx, "SELECT "+fileColumns+" FROM finding_files ff JOIN files f ON f.id = ff.file_id WHERE ff.finding_id = $1 ORDER BY f.created_at, f.id", out[i].ID)
		if err != nil {
			return nil, err
		}
		for frows.Next() {
			f, err := scanFile(frows)
			if err != nil {
				frows.Close()
				return nil, pinggu.Internal(err)
			}
			out[i].Evidence = append(out[i].Evidence, f.StoredFile)
		}
		frows.Close()
		if err := frows.Err(); err != nil {
			return nil, pinggu.Internal(err)
		}
	}
	return out, nil
}

// AddFinding adds a finding to its hearing with the evidence files (saved
// already, of the same campaign).
func (tx *Tx) AddFinding(ctx context.Context, f *pinggu.Finding, files []string) error {
	if ps := f.Validate(); len(ps) > 0 {
		return pinggu.Invalid("finding.invalid", ps)
	}
	if err := tx.queryRow(ctx, "INSERT INTO findings (hearing_id, object_id, item, nature, text) VALUES ($1, $2, $3, $4, $5) RETURNING id",
		f.HearingID, f.ObjectID, f.Item, f.Nature, f.Text).Scan(&f.ID); err != nil {
		return pinggu.Internal(err)
	}
	for _, id := range files {
		if _, err := tx.exec(ctx, "INSERT INTO finding_files (finding_id, file_id) VALUES ($1, $2)", f.ID, id); err != nil {
			return err
		}
	}
	return tx.Audit(ctx, pinggu.ActionFindingAdd, "hearing", f.HearingID, nil,
		map[string]any{"finding": f.ID, "object": f.ObjectID, "item": f.Item, "nature": f.Nature, "text": f.Text, "files": files})
}

// DeleteFinding removes a finding of hearing; its files stay stored (the
// audit row names them).
func (tx *Tx) DeleteFinding(ctx context.Context, hearing, id int64) error {
	var f pinggu.Finding
	err := tx.queryRow(ctx, "SELECT id, object_id, item, nature, text FROM findings WHERE id = $1 AND hearing_id = $2", id, hearing).
		Scan(&f.ID, &f.ObjectID, &f.Item, &f.Nature, &f.Text)
	if err := scanOne(err, "finding.not_found"); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM finding_files WHERE finding_id = $1", id); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM findings WHERE id = $1", id); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionFindingDelete, "hearing", hearing, f, nil)
}
