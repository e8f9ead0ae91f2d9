package store

import (
	"context"
	"database/sql"

	"pinggu"
	"pinggu/internal/sampling"
)

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
	party, commitment, err := sampling.CheckCommitment(party, commitment)
	if err != nil {
		return err
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
	if err := sampling.CanJoin(parties); err != nil {
		return err
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
	if err := sampling.CheckRevealFields(share, salt); err != nil {
		return err
	}
	p := sampling.Party{Party: party}
	err := tx.queryRow(ctx, "SELECT commitment, share FROM seed_parties WHERE campaign_id = $1 AND label = $2 AND party = $3",
		campaign, label, party).Scan(&p.Commitment, &p.Share)
	if err == sql.ErrNoRows {
		return pinggu.Errorf(pinggu.ENotFound, "seed.party_unknown", "Party", party)
	} else if err != nil {
		return pinggu.Internal(err)
	}
	if err := sampling.CheckReveal(p, share, salt); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE seed_parties SET share = $1, salt = $2, revealed_at = $3 WHERE campaign_id = $4 AND label = $5 AND party = $6`,
		share, salt, tx.Now, campaign, label, party); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionSeedReveal, "campaign", campaign, nil, map[string]any{"label": label, "party": party, "share": share, "salt": salt})
}
