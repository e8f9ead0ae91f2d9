package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/sampling"
)

// Frame is a frozen sampling frame of a campaign.
type Frame struct {
	Stratum  string
	Kind     pinggu.UnitKind
	CSV      []byte
	SHA256   string
	N        int
	FrozenAt time.Time
}

// Frames returns a campaign's frozen frames, by stratum.
func (tx *Tx) Frames(ctx context.Context, campaign int64) ([]Frame, error) {
	rows, err := tx.query(ctx, `SELECT stratum, kind, csv, sha256, n, frozen_at FROM frames WHERE campaign_id = $1 ORDER BY stratum`, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Frame
	for rows.Next() {
		var f Frame
		var kind, csv string
		if err := rows.Scan(&f.Stratum, &kind, &csv, &f.SHA256, &f.N, &f.FrozenAt); err != nil {
			return nil, pinggu.Internal(err)
		}
		f.Kind, f.CSV, f.FrozenAt = pinggu.UnitKind(kind), []byte(csv), f.FrozenAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// ReplaceFrames freezes frames for a campaign, replacing earlier ones. Once
// a unit draw exists the frames are final.
func (tx *Tx) ReplaceFrames(ctx context.Context, campaign int64, frames []Frame) error {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM draws WHERE campaign_id = $1 AND kind = 'units'", campaign).Scan(&n); err != nil {
		return pinggu.Internal(err)
	}
	if n > 0 {
		return pinggu.Errorf(pinggu.EConflict, "draw.frames_final")
	}
	if _, err := tx.exec(ctx, "DELETE FROM frames WHERE campaign_id = $1", campaign); err != nil {
		return err
	}
	hashes := map[string]string{}
	for _, f := range frames {
		if _, err := tx.exec(ctx, `INSERT INTO frames (campaign_id, stratum, kind, csv, sha256, n, frozen_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, campaign, f.Stratum, string(f.Kind), string(f.CSV), f.SHA256, f.N, tx.Now); err != nil {
			return err
		}
		hashes[f.Stratum] = f.SHA256
	}
	return tx.Audit(ctx, pinggu.ActionFramesFreeze, "campaign", campaign, nil, hashes)
}

// DrawInfo describes a stored draw.
type DrawInfo struct {
	ID        int64
	Campaign  int64
	Label     string
	Kind      string
	Seed      string
	Kmin      int
	Actor     string
	CreatedAt time.Time
	Occasion  string
	// Contacted: the call list was opened (a draw is then final).
	Contacted  bool
	VoidedAt   time.Time // zero while the draw stands
	VoidedBy   string
	VoidReason string
}

// Voided reports whether the draw was voided.
func (d DrawInfo) Voided() bool { return !d.VoidedAt.IsZero() }

const drawColumns = "id, campaign_id, label, kind, seed, kmin, actor, created_at, occasion, contacted_at IS NOT NULL, voided_at, voided_by, void_reason"

func scanDraw(sc interface{ Scan(...any) error }, d *DrawInfo) error {
	var voided sql.NullTime
	if err := sc.Scan(&d.ID, &d.Campaign, &d.Label, &d.Kind, &d.Seed, &d.Kmin, &d.Actor, &d.CreatedAt, &d.Occasion, &d.Contacted, &voided, &d.VoidedBy, &d.VoidReason); err != nil {
		return err
	}
	d.CreatedAt = d.CreatedAt.UTC()
	if voided.Valid {
		d.VoidedAt = voided.Time.UTC()
	}
	return nil
}

// SaveDraw stores a draw and its full order. A label is used once per
// campaign: a second draw with it is refused, so nobody can re-roll.
func (tx *Tx) SaveDraw(ctx context.Context, campaign int64, kind string, rec *sampling.Record) (int64, error) {
	var id int64
	allocations := ""
	if len(rec.Allocations) > 0 {
		b, _ := json.Marshal(rec.Allocations)
		allocations = string(b)
	}
	err := tx.queryRow(ctx, `INSERT INTO draws (campaign_id, label, kind, seed, kmin, allocations, actor, created_at, occasion)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, campaign, rec.Draw, kind, rec.Seed, rec.Kmin, allocations, tx.Actor.Login, tx.Now, rec.Occasion).Scan(&id)
	if err != nil {
		return 0, tx.uniqueOr(err, "draw.label_used", "Label", rec.Draw)
	}
	rec.CreatedAt = tx.Now
	for _, s := range rec.Strata {
		if _, err := tx.exec(ctx, `INSERT INTO draw_strata (draw_id, stratum, frame_sha256, n, rule, pct, k)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, s.Stratum, s.FrameSHA256, s.N, s.Rule, s.Pct, s.K); err != nil {
			return 0, err
		}
		for _, e := range s.Order {
			if _, err := tx.exec(ctx, `INSERT INTO draw_entries (draw_id, stratum, rank, element_id, ticket, status)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, s.Stratum, e.Rank, e.ID, e.Ticket, e.Status); err != nil {
				return 0, err
			}
		}
	}
	return id, tx.Audit(ctx, pinggu.ActionDrawCreate, "draw", id, nil, map[string]any{
		"campaign": campaign, "label": rec.Draw, "kind": kind, "seed": rec.Seed, "strata": len(rec.Strata)})
}

// Draws lists a campaign's draws, oldest first.
func (tx *Tx) Draws(ctx context.Context, campaign int64) ([]DrawInfo, error) {
	rows, err := tx.query(ctx, "SELECT "+drawColumns+" FROM draws WHERE campaign_id = $1 ORDER BY id", campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DrawInfo
	for rows.Next() {
		var d DrawInfo
		if err := scanDraw(rows, &d); err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DrawRecord returns draw id as a record, with each element's current
// status (non-responses as "non_response:<reason>").
func (tx *Tx) DrawRecord(ctx context.Context, id int64) (*DrawInfo, *sampling.Record, error) {
	d, rec, err := tx.DrawPlan(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	index := map[string]int{}
	for i, s := range rec.Strata {
		index[s.Stratum] = i
	}
	rows, err := tx.query(ctx, `SELECT stratum, rank, element_id, ticket, status, reason FROM draw_entries WHERE draw_id = $1 ORDER BY stratum, rank`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var stratum, reason string
		var e sampling.OrderEntry
		if err := rows.Scan(&stratum, &e.Rank, &e.ID, &e.Ticket, &e.Status, &reason); err != nil {
			return nil, nil, pinggu.Internal(err)
		}
		if e.Status == sampling.StatusNonResponse {
			e.Status += ":" + reason
		}
		s := &rec.Strata[index[stratum]]
		s.Order = append(s.Order, e)
	}
	return d, rec, rows.Err()
}

// DrawPlan is draw id's record without the order of its elements: the
// strata with their sizes and k, the allocations, the void — all a page
// needs that shows no element (a respondent draw's order runs to
// thousands of rows).
func (tx *Tx) DrawPlan(ctx context.Context, id int64) (*DrawInfo, *sampling.Record, error) {
	var d DrawInfo
	var allocations string
	err := scanDraw(tx.queryRow(ctx, "SELECT "+drawColumns+" FROM draws WHERE id = $1", id), &d)
	if err := scanOne(err, "draw.not_found"); err != nil {
		return nil, nil, err
	}
	if err := tx.queryRow(ctx, "SELECT allocations FROM draws WHERE id = $1", id).Scan(&allocations); err != nil {
		return nil, nil, pinggu.Internal(err)
	}
	rec := &sampling.Record{Algorithm: sampling.Algorithm, Seed: d.Seed, Draw: d.Label, CreatedAt: d.CreatedAt, Kmin: d.Kmin, Occasion: d.Occasion}
	if d.Voided() {
		rec.Voided = &sampling.Void{At: d.VoidedAt, By: d.VoidedBy, Reason: d.VoidReason}
	}
	if allocations != "" {
		if err := json.Unmarshal([]byte(allocations), &rec.Allocations); err != nil {
			return nil, nil, pinggu.Internal(err)
		}
	}
	parties, err := tx.SeedParties(ctx, d.Campaign, d.Label)
	if err != nil {
		return nil, nil, err
	}
	if len(parties) > 0 && sampling.RevealedSeed(parties) == d.Seed {
		rec.CommitReveal = parties
	}
	var code string
	tx.queryRow(ctx, "SELECT code FROM campaigns WHERE id = $1", d.Campaign).Scan(&code)
	rec.Campaign = code
	rows, err := tx.query(ctx, `SELECT stratum, frame_sha256, n, rule, pct, k FROM draw_strata WHERE draw_id = $1 ORDER BY stratum`, id)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var s sampling.StratumRecord
		if err := rows.Scan(&s.Stratum, &s.FrameSHA256, &s.N, &s.Rule, &s.Pct, &s.K); err != nil {
			rows.Close()
			return nil, nil, pinggu.Internal(err)
		}
		rec.Strata = append(rec.Strata, s)
	}
	rows.Close()
	return &d, rec, rows.Err()
}

// SampledUnits returns the codes selected by a campaign's unit draws.
func (tx *Tx) SampledUnits(ctx context.Context, campaign int64) (map[string]bool, error) {
	rows, err := tx.query(ctx, `SELECT e.element_id FROM draw_entries e JOIN draws d ON d.id = e.draw_id
		WHERE d.campaign_id = $1 AND d.kind = 'units' AND d.voided_at IS NULL AND e.status <> 'queued'`, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, pinggu.Internal(err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// UnitStratum is a stage-1 stratum of a campaign's unit draw: its frame
// size M_h and whether it took every unit (a certainty stratum).
type UnitStratum struct {
	Pop       int
	Certainty bool
}

// UnitStrata returns, for a campaign's unit draw, the stratum of every
// drawn unit (by element id: selected, released or replaced) and each
// stratum's frame size and rule: the stage-1 design of S4.
func (tx *Tx) UnitStrata(ctx context.Context, campaign int64) (map[string]string, map[string]UnitStratum, error) {
	rows, err := tx.query(ctx, `SELECT s.stratum, s.n, s.rule FROM draw_strata s JOIN draws d ON d.id = s.draw_id
		WHERE d.campaign_id = $1 AND d.kind = 'units' AND d.voided_at IS NULL`, campaign)
	if err != nil {
		return nil, nil, err
	}
	strata := map[string]UnitStratum{}
	for rows.Next() {
		var label, rule string
		var n int
		if err := rows.Scan(&label, &n, &rule); err != nil {
			rows.Close()
			return nil, nil, pinggu.Internal(err)
		}
		strata[label] = UnitStratum{Pop: n, Certainty: rule == "all"}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, pinggu.Internal(err)
	}
	rows, err = tx.query(ctx, `SELECT e.element_id, e.stratum FROM draw_entries e JOIN draws d ON d.id = e.draw_id
		WHERE d.campaign_id = $1 AND d.kind = 'units' AND d.voided_at IS NULL AND e.status <> 'queued'`, campaign)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	of := map[string]string{}
	for rows.Next() {
		var id, label string
		if err := rows.Scan(&id, &label); err != nil {
			return nil, nil, pinggu.Internal(err)
		}
		of[id] = label
	}
	return of, strata, rows.Err()
}

// Replace marks the drawn element id of a stratum as a non-response with
// reason (for "other", a text is required and kept) and releases the next
// queued element in ticket order, which it returns ("" when the queue is
// empty). Only a selected or released element can be replaced; nothing is
// ever skipped or deleted.
func (tx *Tx) Replace(ctx context.Context, drawID int64, stratum, id, reason, text string) (string, error) {
	known := false
	for _, r := range pinggu.NonResponseReasons {
		known = known || r == reason
	}
	if !known {
		return "", pinggu.Invalid("draw.invalid", []pinggu.Problem{pinggu.NewProblem(0, "reason", "draw.reason_unknown", "Value", reason)})
	}
	var voided sql.NullTime
	var label string
	if err := scanOne(tx.queryRow(ctx, "SELECT label, voided_at FROM draws WHERE id = $1", drawID).Scan(&label, &voided), "draw.not_found"); err != nil {
		return "", err
	}
	if voided.Valid {
		return "", pinggu.Errorf(pinggu.EConflict, "draw.voided", "Label", label)
	}
	if reason == "other" {
		if text = strings.TrimSpace(text); text == "" {
			return "", pinggu.Invalid("draw.invalid", []pinggu.Problem{pinggu.NewProblem(0, "text", "field.required")})
		}
		reason += ":" + strings.ReplaceAll(text, "\n", " ")
	}
	var rank int
	var status string
	err := tx.queryRow(ctx, `SELECT rank, status FROM draw_entries WHERE draw_id = $1 AND stratum = $2 AND element_id = $3`,
		drawID, stratum, id).Scan(&rank, &status)
	if err := scanOne(err, "draw.element_not_found", "ID", id); err != nil {
		return "", err
	}
	if status != sampling.StatusSelected && status != sampling.StatusReleased {
		return "", pinggu.Errorf(pinggu.EConflict, "draw.not_drawn", "ID", id, "Status", status)
	}
	if _, err := tx.exec(ctx, `UPDATE draw_entries SET status = $1, reason = $2 WHERE draw_id = $3 AND stratum = $4 AND rank = $5`,
		sampling.StatusNonResponse, reason, drawID, stratum, rank); err != nil {
		return "", err
	}
	var next string
	var nextRank int
	err = tx.queryRow(ctx, `SELECT element_id, rank FROM draw_entries WHERE draw_id = $1 AND stratum = $2 AND status = 'queued'
		ORDER BY rank LIMIT 1`, drawID, stratum).Scan(&next, &nextRank)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", pinggu.Internal(err)
	}
	if next != "" {
		if _, err := tx.exec(ctx, `UPDATE draw_entries SET status = $1 WHERE draw_id = $2 AND stratum = $3 AND rank = $4`,
			sampling.StatusReleased, drawID, stratum, nextRank); err != nil {
			return "", err
		}
	}
	return next, tx.Audit(ctx, pinggu.ActionDrawReplace, "draw", drawID, map[string]any{"stratum": stratum, "id": id, "rank": rank},
		map[string]any{"reason": reason, "released": next, "released_rank": nextRank})
}
