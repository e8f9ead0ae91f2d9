package sampling

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"pinggu"
)

// Party is one party of a commit–reveal seed.
type Party struct {
	Party      string `json:"party"`
	Commitment string `json:"commitment"` // hex SHA-256 of share + "|" + salt
	Share      string `json:"share,omitempty"`
	Salt       string `json:"salt,omitempty"`
}

// Commitment is the hex SHA-256 of share|salt.
func Commitment(share, salt string) string {
	sum := sha256.Sum256([]byte(share + "|" + salt))
	return hex.EncodeToString(sum[:])
}

// RevealedSeed is the seed of a commit–reveal: the hex SHA-256 of the
// shares joined by "|" in registration order.
func RevealedSeed(parties []Party) string {
	shares := make([]string, len(parties))
	for i, p := range parties {
		shares[i] = p.Share
	}
	sum := sha256.Sum256([]byte(strings.Join(shares, "|")))
	return hex.EncodeToString(sum[:])
}

// isHexSeed reports whether s looks like a commit–reveal seed.
func isHexSeed(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// The commit–reveal protocol's rules (SAMPLING.md), apart from where the
// parties are kept.

// CheckCommitment checks a party's name and commitment (64 hex digits),
// as it registers, and returns them normalised.
func CheckCommitment(party, commitment string) (string, string, error) {
	party, commitment = strings.TrimSpace(party), strings.ToLower(strings.TrimSpace(commitment))
	var ps []pinggu.Problem
	if party == "" {
		ps = append(ps, pinggu.NewProblem(0, "party", "field.required"))
	}
	if !isHexSeed(commitment) {
		ps = append(ps, pinggu.NewProblem(0, "commitment", "seed.commitment_format"))
	}
	if len(ps) > 0 {
		return party, commitment, pinggu.Invalid("seed.invalid", ps)
	}
	return party, commitment, nil
}

// CanJoin reports whether a party may still register beside parties: not
// once any of them has revealed.
func CanJoin(parties []Party) error {
	for _, p := range parties {
		if p.Share != "" {
			return pinggu.Errorf(pinggu.EConflict, "seed.reveal_started")
		}
	}
	return nil
}

// CheckRevealFields checks a revealed share and salt as fields, before
// anything is looked up.
func CheckRevealFields(share, salt string) error {
	for _, f := range []struct{ name, v string }{{"share", share}, {"salt", salt}} {
		if err := CheckField(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// CheckReveal checks a party's share and salt against its commitment: each
// a well-formed field, revealed once, and hashing to what it committed.
func CheckReveal(p Party, share, salt string) error {
	if err := CheckRevealFields(share, salt); err != nil {
		return err
	}
	if p.Share != "" {
		return pinggu.Errorf(pinggu.EConflict, "seed.revealed_twice", "Party", p.Party)
	}
	if Commitment(share, salt) != p.Commitment {
		return pinggu.Invalid("seed.invalid", []pinggu.Problem{pinggu.NewProblem(0, "share", "seed.reveal_mismatch", "Party", p.Party)})
	}
	return nil
}
