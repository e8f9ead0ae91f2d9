package draw

import (
	"context"
	"strings"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

// CallResult is what recording a call attempt led to.
type CallResult struct {
	Reason string // the non-response reason it made, or ""
	Next   string // the person released in their place, or ""
}

// RecordCall records an attempt to reach person id of stratum in a
// respondent or interviewee draw and applies the replacement protocol
// (pinggu.NonResponseAfter): when the attempts so far make the person a
// non-response, they are marked so with the reason and the next person
// in ticket order is released, in the same transaction.
func RecordCall(ctx context.Context, db *store.DB, actor store.Actor, drawID int64, stratum, id string, outcome pinggu.CallOutcome, note string) (CallResult, error) {
	var res CallResult
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		info, rec, err := tx.DrawRecord(ctx, drawID)
		if err != nil {
			return err
		}
		if info.Kind == pinggu.DrawUnits {
			return pinggu.Errorf(pinggu.EInvalid, "draw.not_people")
		}
		if info.Voided() {
			return pinggu.Errorf(pinggu.EConflict, "draw.voided", "Label", info.Label)
		}
		status := ""
		for _, st := range rec.Strata {
			if st.Stratum != stratum {
				continue
			}
			for _, e := range st.Order {
				if e.ID == id {
					status = e.Status
				}
			}
		}
		switch {
		case status == "":
			return pinggu.Errorf(pinggu.ENotFound, "call.not_drawn", "ID", id)
		case status != sampling.StatusSelected && status != sampling.StatusReleased:
			return pinggu.Errorf(pinggu.EConflict, "call.not_open", "ID", id)
		}
		if err := tx.AddCallAttempt(ctx, &pinggu.CallAttempt{DrawID: drawID, PersonID: id, Outcome: outcome, Note: strings.TrimSpace(note)}); err != nil {
			return err
		}
		attempts, err := tx.CallAttempts(ctx, drawID)
		if err != nil {
			return err
		}
		reason, text := pinggu.NonResponseAfter(attempts[id])
		if reason == "" {
			return nil
		}
		res.Reason = reason
		res.Next, err = tx.Replace(ctx, drawID, stratum, id, reason, text)
		return err
	})
	return res, err
}
