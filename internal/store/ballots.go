package store

import (
	"context"
	"encoding/json"
	"maps"

	"pinggu"
)

// Ballot is one clerk's keying of a paper ballot.
type Ballot struct {
	CodeHash string
	ClerkID  int64
	Campaign int64
	Unit     int64
	Answers  map[string]int
	Overall  int
	Comment  string
}

func sameBallot(a, b *Ballot) bool {
	return maps.Equal(a.Answers, b.Answers) && a.Overall == b.Overall && a.Comment == b.Comment
}

// KeyBallot records a clerk's keying of the paper ballot with code hash.
// The second keying by another clerk either matches — the code is spent
// and the response stored, in this transaction, and the entries deleted —
// or goes to reconciliation. The same clerk keying twice is refused.
func (tx *Tx) KeyBallot(ctx context.Context, b *Ballot, day string) (string, error) {
	code, err := tx.Code(ctx, b.CodeHash)
	if err != nil {
		return "", err
	}
	switch code.State {
	case pinggu.CodeSpent:
		return pinggu.BallotSpent, nil
	case pinggu.CodeVoided:
		return "", pinggu.Errorf(pinggu.EConflict, "survey.code_voided")
	}
	entries, err := tx.ballotEntries(ctx, "WHERE code_hash = $1", b.CodeHash)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.ClerkID == b.ClerkID {
			return "", pinggu.Errorf(pinggu.EConflict, "ballot.twice")
		}
	}
	if len(entries) >= 2 {
		return "", pinggu.Errorf(pinggu.EConflict, "ballot.in_reconciliation")
	}
	b.Campaign, b.Unit = code.Campaign, code.Unit
	if len(entries) == 1 && sameBallot(&entries[0], b) {
		return tx.countBallot(ctx, b, code, day)
	}
	answers, _ := json.Marshal(b.Answers)
	if _, err := tx.exec(ctx, `INSERT INTO ballot_entries (code_hash, clerk_id, campaign_id, unit_id, answers, overall, comment)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, b.CodeHash, b.ClerkID, b.Campaign, b.Unit, string(answers), b.Overall, b.Comment); err != nil {
		return "", err
	}
	if len(entries) == 1 {
		return pinggu.BallotMismatch, nil
	}
	return pinggu.BallotFirst, nil
}

// countBallot spends the code, stores the response and deletes the
// entries. A code spent or voided meanwhile (online, under PostgreSQL's
// read committed) stores nothing.
func (tx *Tx) countBallot(ctx context.Context, b *Ballot, code *CodeInfo, day string) (string, error) {
	r := &pinggu.Response{CampaignID: code.Campaign, UnitID: code.Unit, Category: code.Category, Channel: pinggu.ChannelPaper,
		Day: day, Answers: b.Answers, Overall: b.Overall, Comment: b.Comment}
	state, err := tx.Submit(ctx, b.CodeHash, r)
	switch {
	case err != nil:
		return "", err
	case state == pinggu.CodeSpent:
		return pinggu.BallotSpent, nil
	case state != pinggu.CodeIssued:
		return "", pinggu.Errorf(pinggu.EConflict, "survey.code_voided")
	}
	_, err = tx.exec(ctx, "DELETE FROM ballot_entries WHERE code_hash = $1", b.CodeHash)
	return pinggu.BallotMatched, err
}

// stillOpen keeps the keyings of ballots whose code is still unspent: one
// answered online (or voided) while its paper keyings disagreed has nothing
// left to settle.
const stillOpen = "code_hash IN (SELECT hash FROM survey_codes WHERE state = '" + pinggu.CodeIssued + "')"

// Mismatches returns the ballots whose two keyings disagree, by code
// hash, for a campaign.
func (tx *Tx) Mismatches(ctx context.Context, campaign int64) (map[string][]Ballot, error) {
	entries, err := tx.ballotEntries(ctx, "WHERE campaign_id = $1 AND "+stillOpen+" ORDER BY code_hash, clerk_id", campaign)
	if err != nil {
		return nil, err
	}
	by := map[string][]Ballot{}
	for _, e := range entries {
		by[e.CodeHash] = append(by[e.CodeHash], e)
	}
	for h, es := range by {
		if len(es) < 2 {
			delete(by, h)
		}
	}
	return by, nil
}

// Mismatch returns the two disagreeing keyings of the ballot with code
// hash in a campaign, or a conflict if it is not waiting for reconciliation.
func (tx *Tx) Mismatch(ctx context.Context, campaign int64, hash string) ([]Ballot, error) {
	entries, err := tx.ballotEntries(ctx, "WHERE code_hash = $1 AND campaign_id = $2 AND "+stillOpen+" ORDER BY clerk_id", hash, campaign)
	if err != nil {
		return nil, err
	}
	if len(entries) < 2 {
		return nil, pinggu.Errorf(pinggu.EConflict, "ballot.not_mismatched")
	}
	return entries, nil
}

// Reconcile settles a mismatch with the values a third person read on the
// paper: they cannot be one of the two clerks.
func (tx *Tx) Reconcile(ctx context.Context, b *Ballot, day string) error {
	code, err := tx.Code(ctx, b.CodeHash)
	if err != nil {
		return err
	}
	entries, err := tx.Mismatch(ctx, code.Campaign, b.CodeHash)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.ClerkID == b.ClerkID {
			return pinggu.Errorf(pinggu.EConflict, "ballot.third_person")
		}
	}
	outcome, err := tx.countBallot(ctx, b, code, day)
	if err != nil {
		return err
	}
	if outcome == pinggu.BallotSpent {
		return pinggu.Errorf(pinggu.EConflict, "ballot.spent")
	}
	return tx.Audit(ctx, pinggu.ActionBallotReconcile, "unit", code.Unit, nil, map[string]any{"campaign": code.Campaign})
}

func (tx *Tx) ballotEntries(ctx context.Context, where string, args ...any) ([]Ballot, error) {
	rows, err := tx.query(ctx, "SELECT code_hash, clerk_id, campaign_id, unit_id, answers, overall, comment FROM ballot_entries "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Ballot
	for rows.Next() {
		var b Ballot
		var answers string
		if err := rows.Scan(&b.CodeHash, &b.ClerkID, &b.Campaign, &b.Unit, &answers, &b.Overall, &b.Comment); err != nil {
			return nil, pinggu.Internal(err)
		}
		json.Unmarshal([]byte(answers), &b.Answers)
		out = append(out, b)
	}
	return out, rows.Err()
}
