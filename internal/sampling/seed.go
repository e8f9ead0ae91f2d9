package sampling

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
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
