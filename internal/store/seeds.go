package store

import (
	"context"
	"database/sql"
	"regexp"
	"strings"

	"pinggu"
	"pinggu/internal/sampling"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// SeedParties returns the commit–reveal parties of a draw label in
// registration order.
func (tx *Tx) SeedParties(ctx context.Context, campaign int64, label string) ([]sampling.Party, error) {
	rows, err := tx.query(ctx, `SELECT party, commitment, share, salt FROM seed_parties WHERE campaign_id = $1 AND label = $2 ORDER BY position`, campaign, label)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sampling.Party
	for rows.Next() {
		var p sampling.Party
		if err := rows.Scan(&p.Party, &p.Commitment, &p.Share, &p.Salt); err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (tx *Tx) labelDrawn(ctx context.Context, campaign int64, label string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM draws WHERE campaign_id = $1 AND label = $2", campaign, label).Scan(&n)
	return n > 0, err
}

// CommitSeed registers a party's commitment for a draw label. Once any
// party has revealed, or the label has been drawn, no one can join.
func (tx *Tx) CommitSeed(ctx context.Context, campaign int64, label, party, commitment string) error {
	party, commitment = strings.TrimSpace(party), strings.ToLower(strings.TrimSpace(commitment))
	var ps []pinggu.Problem
	if party == "" {
		ps = append(ps, pinggu.NewProblem(0, "party", "field.required"))
	}
	if !hex64.MatchString(commitment) {
		ps = append(ps, pinggu.NewProblem(0, "commitment", "seed.commitment_format"))
	}
	if len(ps) > 0 {
		return pinggu.Invalid("seed.invalid", ps)
	}
	if drawn, err := tx.labelDrawn(ctx, campaign, label); err != nil || drawn {
		if err != nil {
			return pinggu.Internal(err)
		}
		return pinggu.Errorf(pinggu.EConflict, "draw.label_used", "Label", label)
	}
	parties, err := tx.SeedParties(ctx, campaign, label)
	if err != nil {
		return err
	}
	for _, p := range parties {
		if p.Share != "" {
			return pinggu.Errorf(pinggu.EConflict, "seed.reveal_started")
		}
	}
	_, err = tx.exec(ctx, `INSERT INTO seed_parties (campaign_id, label, position, party, commitment, committed_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, campaign, label, len(parties)+1, party, commitment, tx.Now)
	if err != nil {
		return tx.uniqueOr(err, "seed.party_taken", "Party", party)
	}
	return tx.Audit(ctx, pinggu.ActionSeedCommit, "campaign", campaign, nil, map[string]any{"label": label, "party": party, "commitment": commitment})
}

// RevealSeed records a party's share and salt, which must match its
// commitment.
func (tx *Tx) RevealSeed(ctx context.Context, campaign int64, label, party, share, salt string) error {
	for _, f := range []struct{ name, v string }{{"share", share}, {"salt", salt}} {
		if err := sampling.CheckField(f.name, f.v); err != nil {
			return err
		}
	}
	var commitment, done string
	err := tx.queryRow(ctx, "SELECT commitment, share FROM seed_parties WHERE campaign_id = $1 AND label = $2 AND party = $3",
		campaign, label, party).Scan(&commitment, &done)
	if err == sql.ErrNoRows {
		return pinggu.Errorf(pinggu.ENotFound, "seed.party_unknown", "Party", party)
	} else if err != nil {
		return pinggu.Internal(err)
	}
	if done != "" {
		return pinggu.Errorf(pinggu.EConflict, "seed.revealed_twice", "Party", party)
	}
	if sampling.Commitment(share, salt) != commitment {
		return pinggu.Invalid("seed.invalid", []pinggu.Problem{pinggu.NewProblem(0, "share", "seed.reveal_mismatch", "Party", party)})
	}
	if _, err := tx.exec(ctx, `UPDATE seed_parties SET share = $1, salt = $2, revealed_at = $3 WHERE campaign_id = $4 AND label = $5 AND party = $6`,
		share, salt, tx.Now, campaign, label, party); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionSeedReveal, "campaign", campaign, nil, map[string]any{"label": label, "party": party, "share": share, "salt": salt})
}
