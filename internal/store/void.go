package store

import (
	"context"
	"strings"
	"unicode/utf8"

	"pinggu"
)

// MaxVoidReason bounds the reason a draw is voided for.
const MaxVoidReason = 500

// VoidDraw voids draw id for reason (S3a: no re-draw). A unit draw can be
// voided only while no later draw stands on it and no code has been issued
// in the campaign; a respondent or interviewee draw only while nobody has
// been contacted from it (its call list never opened, nobody replaced)
// and no code has been issued to its units. The draw is never deleted: the
// void, its time, its author and its reason stay on the public record.
func (tx *Tx) VoidDraw(ctx context.Context, id int64, reason string) error {
	var d DrawInfo
	if err := scanOne(scanDraw(tx.queryRow(ctx, "SELECT "+drawColumns+" FROM draws WHERE id = $1", id), &d), "draw.not_found"); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return pinggu.Invalid("draw.void_invalid", []pinggu.Problem{pinggu.NewProblem(0, "reason", "field.required")})
	case utf8.RuneCountInString(reason) > MaxVoidReason:
		return pinggu.Invalid("draw.void_invalid", []pinggu.Problem{pinggu.NewProblem(0, "reason", "field.too_long", "Max", MaxVoidReason)})
	case d.Voided():
		return pinggu.Errorf(pinggu.EConflict, "draw.already_voided", "Label", d.Label)
	}
	var n int
	if d.Kind == "units" {
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM draws WHERE campaign_id = $1 AND kind <> 'units' AND voided_at IS NULL`, d.Campaign).Scan(&n); err != nil {
			return pinggu.Internal(err)
		}
		if n > 0 {
			return pinggu.Errorf(pinggu.EConflict, "draw.void_later_draws", "Label", d.Label)
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM survey_codes WHERE campaign_id = $1`, d.Campaign).Scan(&n); err != nil {
			return pinggu.Internal(err)
		}
		if n > 0 {
			return pinggu.Errorf(pinggu.EConflict, "draw.void_codes_issued", "Label", d.Label, "N", n)
		}
	} else {
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM draw_entries WHERE draw_id = $1 AND status NOT IN ('selected', 'queued')`, id).Scan(&n); err != nil {
			return pinggu.Internal(err)
		}
		if d.Contacted || n > 0 {
			return pinggu.Errorf(pinggu.EConflict, "draw.void_contacted", "Label", d.Label)
		}
		if n, err := tx.drawCodes(ctx, &d); err != nil || n > 0 {
			if err == nil {
				err = pinggu.Errorf(pinggu.EConflict, "draw.void_codes_issued", "Label", d.Label, "N", n)
			}
			return err
		}
	}
	if _, err := tx.exec(ctx, `UPDATE draws SET voided_at = $1, voided_by = $2, void_reason = $3 WHERE id = $4`, tx.Now, tx.Actor.Login, reason, id); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionDrawVoid, "draw", id, nil, map[string]any{"campaign": d.Campaign, "label": d.Label, "kind": d.Kind, "reason": reason})
}

// drawCodes counts the codes issued (in any state) to the units a
// respondent draw drew from.
func (tx *Tx) drawCodes(ctx context.Context, d *DrawInfo) (int, error) {
	if d.Kind != "respondents" {
		return 0, nil
	}
	strata := map[string]bool{}
	rows, err := tx.query(ctx, `SELECT stratum FROM draw_strata WHERE draw_id = $1`, d.ID)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, pinggu.Internal(err)
		}
		strata[s] = true
	}
	rows.Close()
	units, err := tx.Units(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, u := range units {
		if !strata[u.ElementID()] {
			continue
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM survey_codes WHERE campaign_id = $1 AND unit_id = $2`, d.Campaign, u.ID).Scan(&n); err != nil {
			return 0, pinggu.Internal(err)
		}
		total += n
	}
	return total, nil
}

// MarkContacted records that draw id's call list was opened: from then on
// people may have been contacted, and the draw can no longer be voided.
func (tx *Tx) MarkContacted(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, `UPDATE draws SET contacted_at = $1 WHERE id = $2 AND contacted_at IS NULL`, tx.Now, id)
	return err
}

// DrawnStrata returns the strata of a campaign's standing draws of kind
// (for respondent draws: the units whose respondents were drawn).
func (tx *Tx) DrawnStrata(ctx context.Context, campaign int64, kind string) (map[string]bool, error) {
	rows, err := tx.query(ctx, `SELECT s.stratum FROM draw_strata s JOIN draws d ON d.id = s.draw_id
		WHERE d.campaign_id = $1 AND d.kind = $2 AND d.voided_at IS NULL`, campaign, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, pinggu.Internal(err)
		}
		out[s] = true
	}
	return out, rows.Err()
}
