package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"unicode/utf8"

	"pinggu"
)

// SetGrade stores an evaluator's checklist grade of a unit on an item,
// replacing an earlier one; the audit row keeps both.
func (tx *Tx) SetGrade(ctx context.Context, g *pinggu.Grade) error {
	before, err := tx.grade(ctx, g.CampaignID, g.UnitID, g.Item)
	if err != nil {
		return err
	}
	g.EnteredBy, g.EnteredAt = tx.Actor.Login, tx.Now
	if before != nil && before.Level == g.Level && before.Note == g.Note {
		*g = *before
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO checklist_grades (campaign_id, unit_id, item, level, note, entered_by, entered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (campaign_id, unit_id, item) DO UPDATE SET level = excluded.level, note = excluded.note,
			entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
		g.CampaignID, g.UnitID, g.Item, g.Level, g.Note, tx.Actor.ID, tx.Now); err != nil {
		return err
	}
	var old any
	if before != nil {
		old = map[string]any{"level": before.Level, "note": before.Note}
	}
	return tx.Audit(ctx, pinggu.ActionChecklistGrade, "unit", g.UnitID, old,
		map[string]any{"campaign": g.CampaignID, "item": g.Item, "level": g.Level, "note": g.Note})
}

func (tx *Tx) grade(ctx context.Context, campaign, unit int64, item string) (*pinggu.Grade, error) {
	gs, err := tx.queryGrades(ctx, "g.campaign_id = $1 AND g.unit_id = $2 AND g.item = $3", campaign, unit, item)
	if err != nil || len(gs) == 0 {
		return nil, err
	}
	return &gs[0], nil
}

// Grades returns the checklist grades of a campaign, or of one unit when
// unit is not 0, by unit and item.
func (tx *Tx) Grades(ctx context.Context, campaign, unit int64) ([]pinggu.Grade, error) {
	if unit != 0 {
		return tx.queryGrades(ctx, "g.campaign_id = $1 AND g.unit_id = $2", campaign, unit)
	}
	return tx.queryGrades(ctx, "g.campaign_id = $1", campaign)
}

func (tx *Tx) queryGrades(ctx context.Context, where string, args ...any) ([]pinggu.Grade, error) {
	rows, err := tx.query(ctx, `SELECT g.campaign_id, g.unit_id, g.item, g.level, g.note, COALESCE(u.login, ''), g.entered_at
		FROM checklist_grades g LEFT JOIN users u ON u.id = g.entered_by WHERE `+where+` ORDER BY g.unit_id, g.item`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pinggu.Grade
	for rows.Next() {
		var g pinggu.Grade
		if err := rows.Scan(&g.CampaignID, &g.UnitID, &g.Item, &g.Level, &g.Note, &g.EnteredBy, &g.EnteredAt); err != nil {
			return nil, pinggu.Internal(err)
		}
		g.EnteredAt = g.EnteredAt.UTC()
		out = append(out, g)
	}
	return out, rows.Err()
}

const reportColumns = "r.campaign_id, r.unit_id, r.state, r.version, r.sections, r.justification, r.return_reason, COALESCE(u.login, ''), r.updated_at, r.submitted_at"

func scanReport(s interface{ Scan(...any) error }) (*pinggu.Report, error) {
	var r pinggu.Report
	var sections string
	var submitted sql.NullTime
	if err := s.Scan(&r.CampaignID, &r.UnitID, &r.State, &r.Version, &sections, &r.Justification, &r.ReturnReason, &r.UpdatedBy, &r.UpdatedAt, &submitted); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sections), &r.Sections); err != nil {
		return nil, pinggu.Internal(err)
	}
	r.UpdatedAt = r.UpdatedAt.UTC()
	if submitted.Valid {
		r.SubmittedAt = submitted.Time.UTC()
	}
	return &r, nil
}

// Report returns a unit's report in a campaign.
func (tx *Tx) Report(ctx context.Context, campaign, unit int64) (*pinggu.Report, error) {
	r, err := scanReport(tx.queryRow(ctx, "SELECT "+reportColumns+` FROM reports r LEFT JOIN users u ON u.id = r.updated_by
		WHERE r.campaign_id = $1 AND r.unit_id = $2`, campaign, unit))
	if err := scanOne(err, "report.not_found"); err != nil {
		return nil, err
	}
	return r, nil
}

// Reports lists a campaign's reports by unit.
func (tx *Tx) Reports(ctx context.Context, campaign int64) ([]pinggu.Report, error) {
	rows, err := tx.query(ctx, "SELECT "+reportColumns+` FROM reports r LEFT JOIN users u ON u.id = r.updated_by
		WHERE r.campaign_id = $1 ORDER BY r.unit_id`, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pinggu.Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// CreateReport starts a unit's report as a draft with the given text (the
// draft bullets). It is an error if the report exists.
func (tx *Tx) CreateReport(ctx context.Context, r *pinggu.Report) error {
	if ps := r.ValidateText(); len(ps) > 0 {
		return pinggu.Invalid("report.invalid", ps)
	}
	r.State, r.Version, r.UpdatedBy, r.UpdatedAt = pinggu.ReportDraft, 0, tx.Actor.Login, tx.Now
	doc, _ := json.Marshal(r.Sections)
	if _, err := tx.exec(ctx, `INSERT INTO reports (campaign_id, unit_id, state, version, sections, justification, updated_by, updated_at)
		VALUES ($1, $2, $3, 0, $4, $5, $6, $7)`, r.CampaignID, r.UnitID, string(r.State), string(doc), r.Justification, tx.Actor.ID, tx.Now); err != nil {
		return tx.uniqueOr(err, "report.exists")
	}
	return tx.Audit(ctx, pinggu.ActionReportCreate, "unit", r.UnitID, nil, map[string]any{"campaign": r.CampaignID})
}

// SaveReport stores the group's text of a draft or returned report. A
// submitted or accepted report is locked.
func (tx *Tx) SaveReport(ctx context.Context, r *pinggu.Report) error {
	cur, err := tx.Report(ctx, r.CampaignID, r.UnitID)
	if err != nil {
		return err
	}
	if !cur.State.Editable() {
		return pinggu.Errorf(pinggu.EConflict, "report.locked")
	}
	if ps := r.ValidateText(); len(ps) > 0 {
		return pinggu.Invalid("report.invalid", ps)
	}
	doc, _ := json.Marshal(r.Sections)
	if _, err := tx.exec(ctx, `UPDATE reports SET sections = $1, justification = $2, updated_by = $3, updated_at = $4
		WHERE campaign_id = $5 AND unit_id = $6`, string(doc), r.Justification, tx.Actor.ID, tx.Now, r.CampaignID, r.UnitID); err != nil {
		return err
	}
	r.State, r.Version, r.ReturnReason, r.UpdatedBy, r.UpdatedAt, r.SubmittedAt = cur.State, cur.Version, cur.ReturnReason, tx.Actor.Login, tx.Now, cur.SubmittedAt
	return tx.Audit(ctx, pinggu.ActionReportSave, "unit", r.UnitID, nil, map[string]any{"campaign": r.CampaignID, "chars": textSize(r)})
}

func textSize(r *pinggu.Report) int {
	n := len(r.Justification)
	for _, s := range r.Sections {
		n += len(s)
	}
	return n
}

// SubmitReport locks a draft or returned report and keeps its text as the
// next version. minimumMet says whether the unit's respondents reached the
// campaign's minimum; if not, a justification must be recorded.
func (tx *Tx) SubmitReport(ctx context.Context, campaign, unit int64, minimumMet bool) (*pinggu.Report, error) {
	r, err := tx.Report(ctx, campaign, unit)
	if err != nil {
		return nil, err
	}
	if !r.State.Editable() {
		return nil, pinggu.Errorf(pinggu.EConflict, "report.already_submitted")
	}
	if !minimumMet && r.Justification == "" {
		return nil, pinggu.Invalid("report.invalid", []pinggu.Problem{pinggu.NewProblem(0, "justification", "report.justify_minimum")})
	}
	r.Version++
	doc, _ := json.Marshal(r.Sections)
	if _, err := tx.exec(ctx, `INSERT INTO report_versions (campaign_id, unit_id, version, sections, justification, submitted_by, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, campaign, unit, r.Version, string(doc), r.Justification, tx.Actor.ID, tx.Now); err != nil {
		return nil, err
	}
	if err := tx.setReportState(ctx, r, pinggu.ReportSubmitted, ""); err != nil {
		return nil, err
	}
	return r, tx.Audit(ctx, pinggu.ActionReportSubmit, "unit", unit, nil, map[string]any{"campaign": campaign, "version": r.Version})
}

// ReviewReport accepts a submitted report, or returns it with a reason.
func (tx *Tx) ReviewReport(ctx context.Context, campaign, unit int64, accept bool, reason string) (*pinggu.Report, error) {
	r, err := tx.Report(ctx, campaign, unit)
	if err != nil {
		return nil, err
	}
	if r.State != pinggu.ReportSubmitted {
		return nil, pinggu.Errorf(pinggu.EConflict, "report.not_submitted")
	}
	to := pinggu.ReportAccepted
	if !accept {
		to = pinggu.ReportReturned
		if p := checkReason(reason); p != "" {
			return nil, pinggu.Invalid("report.invalid", []pinggu.Problem{pinggu.NewProblem(0, "reason", p, "Max", 500)})
		}
	}
	if err := tx.setReportState(ctx, r, to, reason); err != nil {
		return nil, err
	}
	return r, tx.Audit(ctx, pinggu.ActionReportReview, "unit", unit, nil, map[string]any{"campaign": campaign, "version": r.Version, "state": to, "reason": reason})
}

// checkReason: a return needs a reason of at most 500 characters.
func checkReason(s string) string {
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "field.required"
	case n > 500:
		return "field.too_long"
	}
	return ""
}

func (tx *Tx) setReportState(ctx context.Context, r *pinggu.Report, to pinggu.ReportState, reason string) error {
	submitted := r.SubmittedAt
	if to == pinggu.ReportSubmitted {
		submitted = tx.Now
	}
	if _, err := tx.exec(ctx, `UPDATE reports SET state = $1, version = $2, return_reason = $3, submitted_at = $4, updated_by = $5, updated_at = $6
		WHERE campaign_id = $7 AND unit_id = $8`, string(to), r.Version, reason, nullTime(submitted), tx.Actor.ID, tx.Now, r.CampaignID, r.UnitID); err != nil {
		return err
	}
	r.State, r.ReturnReason, r.SubmittedAt, r.UpdatedBy, r.UpdatedAt = to, reason, submitted, tx.Actor.Login, tx.Now
	return nil
}

// ReportVersion is one submitted version of a report.
type ReportVersion struct {
	Version       int
	Sections      map[string]string
	Justification string
	SubmittedBy   string
	SubmittedAt   sql.NullTime
}

// ReportVersions lists a report's submitted versions, oldest first.
func (tx *Tx) ReportVersions(ctx context.Context, campaign, unit int64) ([]ReportVersion, error) {
	rows, err := tx.query(ctx, `SELECT v.version, v.sections, v.justification, COALESCE(u.login, ''), v.submitted_at
		FROM report_versions v LEFT JOIN users u ON u.id = v.submitted_by
		WHERE v.campaign_id = $1 AND v.unit_id = $2 ORDER BY v.version`, campaign, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReportVersion
	for rows.Next() {
		var v ReportVersion
		var doc string
		if err := rows.Scan(&v.Version, &doc, &v.Justification, &v.SubmittedBy, &v.SubmittedAt); err != nil {
			return nil, pinggu.Internal(err)
		}
		if err := json.Unmarshal([]byte(doc), &v.Sections); err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
