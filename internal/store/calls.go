package store

import (
	"context"

	"pinggu"
)

// AddCallAttempt records one attempt to reach a drawn person; the day is
// the attempt's day in Beijing.
func (tx *Tx) AddCallAttempt(ctx context.Context, a *pinggu.CallAttempt) error {
	if !a.Outcome.Valid() {
		return pinggu.Invalid("call.invalid", []pinggu.Problem{pinggu.NewProblem(0, "outcome", "call.outcome_unknown", "Value", string(a.Outcome))})
	}
	if k := pinggu.CheckNote(a.Note); k != "" {
		return pinggu.Invalid("call.invalid", []pinggu.Problem{pinggu.NewProblem(0, "note", k, "Max", pinggu.MaxFindingText)})
	}
	a.By, a.At, a.Day = tx.Actor.Login, tx.Now, pinggu.Date(tx.Now.In(pinggu.Beijing()).Format("2006-01-02"))
	if _, err := tx.exec(ctx, `INSERT INTO call_attempts (draw_id, person_id, outcome, day, note, called_by, called_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.DrawID, a.PersonID, string(a.Outcome), string(a.Day), a.Note, a.By, a.At); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionCallAttempt, "draw", a.DrawID, nil, map[string]any{"person": a.PersonID, "outcome": a.Outcome, "note": a.Note})
}

// CallAttempts returns a draw's call attempts by person, oldest first.
func (tx *Tx) CallAttempts(ctx context.Context, draw int64) (map[string][]pinggu.CallAttempt, error) {
	rows, err := tx.query(ctx, `SELECT person_id, outcome, day, note, called_by, called_at FROM call_attempts
		WHERE draw_id = $1 ORDER BY called_at, id`, draw)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]pinggu.CallAttempt{}
	for rows.Next() {
		a := pinggu.CallAttempt{DrawID: draw}
		if err := rows.Scan(&a.PersonID, &a.Outcome, &a.Day, &a.Note, &a.By, &a.At); err != nil {
			return nil, pinggu.Internal(err)
		}
		a.At = a.At.UTC()
		out[a.PersonID] = append(out[a.PersonID], a)
	}
	return out, rows.Err()
}
