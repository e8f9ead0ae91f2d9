package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"pinggu"
)

// fileColumnsOuter are fileColumns through a left join: a version written
// in the browser has no file, and every column reads as empty.
var fileColumnsOuter = strings.NewReplacer("f.id", "COALESCE(f.id, '')", "f.campaign_id", "COALESCE(f.campaign_id, 0)",
	"f.unit_id", "COALESCE(f.unit_id, 0)", "f.name", "COALESCE(f.name, '')", "f.type", "COALESCE(f.type, '')",
	"f.size", "COALESCE(f.size, 0)", "f.sha256", "COALESCE(f.sha256, '')", "f.received", "COALESCE(f.received, '')",
	"f.stripped", "COALESCE(f.stripped, '')", "f.text <> ''", "COALESCE(f.text, '') <> ''",
	"f.created_by", "COALESCE(f.created_by, '')").Replace(fileColumns)

// SelfChecks returns the self-assessment versions of a campaign's unit
// (every unit for 0), by unit and version, with their files' metadata.
func (tx *Tx) SelfChecks(ctx context.Context, campaign, unit int64) ([]pinggu.SelfCheck, error) {
	where, args := "s.campaign_id = $1", []any{campaign}
	if unit != 0 {
		where, args = where+" AND s.unit_id = $2", append(args, unit)
	}
	rows, err := tx.query(ctx, "SELECT "+fileColumnsOuter+`, s.campaign_id, s.unit_id, s.version, s.sections, s.submitted_by,
		s.submitted_at, s.decision, s.reason, s.quality, s.decided_by, s.decided_at
		FROM self_checks s LEFT JOIN files f ON f.id = s.file_id WHERE `+where+" ORDER BY s.unit_id, s.version", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pinggu.SelfCheck
	for rows.Next() {
		var sc pinggu.SelfCheck
		var sections string
		var decided sql.NullTime
		f, err := scanFile(rows, &sc.CampaignID, &sc.UnitID, &sc.Version, &sections, &sc.SubmittedBy, &sc.SubmittedAt,
			&sc.Decision, &sc.Reason, &sc.Quality, &sc.DecidedBy, &decided)
		if err != nil {
			return nil, pinggu.Internal(err)
		}
		if f.ID != "" {
			sc.File = &f.StoredFile
		}
		if err := json.Unmarshal([]byte(sections), &sc.Sections); err != nil {
			return nil, pinggu.Internal(err)
		}
		if len(sc.Sections) == 0 {
			sc.Sections = nil
		}
		sc.SubmittedAt = sc.SubmittedAt.UTC()
		if decided.Valid {
			sc.DecidedAt = decided.Time.UTC()
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// latestSelfCheck is the unit's latest version, or nil.
func (tx *Tx) latestSelfCheck(ctx context.Context, campaign, unit int64) (*pinggu.SelfCheck, error) {
	all, err := tx.SelfChecks(ctx, campaign, unit)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	return &all[len(all)-1], nil
}

// SubmitSelfCheck stores sc as the unit's next version: its file (already
// saved) or its text, or both. A unit submits again while its latest
// version waits for review, or after it was returned; never after it was
// accepted.
func (tx *Tx) SubmitSelfCheck(ctx context.Context, sc *pinggu.SelfCheck) error {
	latest, err := tx.latestSelfCheck(ctx, sc.CampaignID, sc.UnitID)
	if err != nil {
		return err
	}
	if latest != nil && latest.Decision == pinggu.SelfCheckAccept {
		return pinggu.Errorf(pinggu.EConflict, "selfcheck.already_accepted")
	}
	hasText := false
	for _, t := range sc.Sections {
		hasText = hasText || strings.TrimSpace(t) != ""
	}
	if sc.File == nil && !hasText {
		return pinggu.Invalid("selfcheck.invalid", []pinggu.Problem{pinggu.NewProblem(0, "file", "selfcheck.empty")})
	}
	sc.Version, sc.SubmittedBy, sc.SubmittedAt = 1, tx.Actor.Login, tx.Now
	if latest != nil {
		sc.Version = latest.Version + 1
	}
	sc.Decision, sc.Reason, sc.Quality, sc.DecidedBy, sc.DecidedAt = "", "", "", "", time.Time{}
	sections, err := json.Marshal(sc.Sections)
	if err != nil {
		return pinggu.Internal(err)
	}
	var fileID any
	if sc.File != nil {
		fileID = sc.File.ID
	}
	if _, err := tx.exec(ctx, `INSERT INTO self_checks (campaign_id, unit_id, version, file_id, sections, submitted_by, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, sc.CampaignID, sc.UnitID, sc.Version, fileID, string(sections), sc.SubmittedBy, sc.SubmittedAt); err != nil {
		return err
	}
	after := map[string]any{"campaign": sc.CampaignID, "version": sc.Version}
	if sc.File != nil {
		after["file"], after["sha256"] = sc.File.ID, sc.File.SHA256
	}
	if hasText {
		after["written"] = len(sc.Sections)
	}
	return tx.Audit(ctx, pinggu.ActionSelfCheckSubmit, "unit", sc.UnitID, nil, after)
}

// ReviewSelfCheck decides on the unit's latest version, which must be the
// one the reviewer saw (version) and still wait: returned with a reason,
// or accepted; with a note on its quality either way.
func (tx *Tx) ReviewSelfCheck(ctx context.Context, campaign, unit int64, version int, decision, reason, quality string) error {
	if ps := pinggu.ValidateReview(decision, reason, quality); len(ps) > 0 {
		return pinggu.Invalid("selfcheck.invalid", ps)
	}
	latest, err := tx.latestSelfCheck(ctx, campaign, unit)
	if err != nil {
		return err
	}
	switch {
	case latest == nil:
		return pinggu.Errorf(pinggu.ENotFound, "selfcheck.not_found")
	case latest.Version != version:
		return pinggu.Errorf(pinggu.EConflict, "selfcheck.newer_version", "Version", latest.Version)
	case latest.Decision != "":
		return pinggu.Errorf(pinggu.EConflict, "selfcheck.already_decided")
	}
	if decision == pinggu.SelfCheckAccept {
		reason = ""
	}
	if _, err := tx.exec(ctx, `UPDATE self_checks SET decision = $1, reason = $2, quality = $3, decided_by = $4, decided_at = $5
		WHERE campaign_id = $6 AND unit_id = $7 AND version = $8`, decision, reason, quality, tx.Actor.Login, tx.Now, campaign, unit, version); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionSelfCheckReview, "unit", unit, nil,
		map[string]any{"campaign": campaign, "version": version, "decision": decision, "reason": reason, "quality": quality})
}
