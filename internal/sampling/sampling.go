// Package sampling implements pinggu-v1, the publicly verifiable draw of
// SAMPLING.md: every element of a stratum gets a ticket, the lowercase hex
// SHA-256 of "pinggu-v1|seed|draw|stratum|element_id"; the stratum is
// ordered by ticket (ties by id bytes); the sample is the first k and the
// rest is the queue for replacements, used strictly in order. Anyone can
// recompute a draw from the seed, the label and the frame. The package is
// pure: it touches no database.
package sampling

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"pinggu"
)

// Algorithm names the algorithm in every record.
const Algorithm = "pinggu-v1"

// MinSeedDigits is the least number of dice digits a seed has.
const MinSeedDigits = 20

// CheckField refuses a value that cannot go into a ticket message: not
// valid UTF-8 in NFC, or containing "|" or a control character.
func CheckField(field, value string) error {
	bad := func(key string) error {
		return pinggu.Invalid("sampling.invalid", []pinggu.Problem{pinggu.NewProblem(0, field, key, "Value", value)})
	}
	switch {
	case value == "":
		return bad("sampling.field_empty")
	case !ascii(value) && (!utf8.ValidString(value) || !norm.NFC.IsNormalString(value)):
		return bad("sampling.field_not_nfc")
	case strings.Contains(value, "|"):
		return bad("sampling.field_bar")
	}
	for _, r := range value {
		if r < 0x20 || r == 0x7F {
			return bad("sampling.field_control")
		}
	}
	return nil
}

// ascii reports whether s is plain ASCII, which is always in NFC; most ids
// are, and the check saves the normalizer's allocation per element.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// CheckSeed refuses a dice seed that is not at least MinSeedDigits digits
// (a commit–reveal seed, 64 lowercase hex digits, is accepted as it is).
func CheckSeed(seed string) error {
	if isHexSeed(seed) {
		return nil
	}
	digits := len(seed) >= MinSeedDigits
	for _, r := range seed {
		digits = digits && r >= '0' && r <= '9'
	}
	if !digits {
		return pinggu.Invalid("sampling.invalid", []pinggu.Problem{pinggu.NewProblem(0, "seed", "sampling.seed_digits", "Min", MinSeedDigits, "Len", len(seed))})
	}
	return nil
}

// Ticket returns the ticket of one element.
func Ticket(seed, draw, stratum, id string) string {
	sum := sha256.Sum256([]byte(message(seed, draw, stratum) + id))
	return hex.EncodeToString(sum[:])
}

func message(seed, draw, stratum string) string {
	return Algorithm + "|" + seed + "|" + draw + "|" + stratum + "|"
}

// Entry is one element of an ordered stratum.
type Entry struct {
	ID     string
	Digest [32]byte // the ticket as bytes; Ticket gives the hex
	Rank   int      // 1-based position in the order
}

// Ticket is the entry's ticket in lowercase hex.
func (e Entry) Ticket() string { return hex.EncodeToString(e.Digest[:]) }

// ranked is the internal form: the digest and the element's index.
type ranked struct {
	key    uint64 // the digest's first 8 bytes, for a fast first comparison
	digest [32]byte
	idx    int32
}

// Order validates the inputs and returns the stratum's elements in ticket
// order. The order does not depend on the order of ids. A duplicate id, or
// an id that breaks CheckField, refuses the whole draw.
func Order(seed, draw, stratum string, ids []string) ([]Entry, error) {
	for _, f := range [][2]string{{"seed", seed}, {"draw", draw}, {"stratum", stratum}} {
		if err := CheckField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	if len(ids) > 1<<31-1 {
		return nil, pinggu.Errorf(pinggu.EInvalid, "sampling.too_many")
	}
	rs := make([]ranked, len(ids))
	prefix := message(seed, draw, stratum)
	var mu sync.Mutex
	var firstBad error
	firstBadAt := len(ids)
	parallel(len(ids), func(lo, hi int) {
		h := sha256.New()
		buf := make([]byte, 0, len(prefix)+64)
		for i := lo; i < hi; i++ {
			if err := CheckField("element_id", ids[i]); err != nil {
				mu.Lock()
				if i < firstBadAt {
					firstBad, firstBadAt = err, i
				}
				mu.Unlock()
				return
			}
			buf = append(append(buf[:0], prefix...), ids[i]...)
			h.Reset()
			h.Write(buf)
			h.Sum(rs[i].digest[:0])
			rs[i].key = binary.BigEndian.Uint64(rs[i].digest[:8])
			rs[i].idx = int32(i)
		}
	})
	if firstBad != nil {
		return nil, firstBad
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		if c := bytes.Compare(a.digest[:], b.digest[:]); c != 0 {
			return c
		}
		return strings.Compare(ids[a.idx], ids[b.idx])
	})
	// Equal ids have equal tickets, so a duplicate sits next to its twin.
	for i := 1; i < len(rs); i++ {
		if rs[i].digest == rs[i-1].digest && ids[rs[i].idx] == ids[rs[i-1].idx] {
			return nil, pinggu.Invalid("sampling.invalid", []pinggu.Problem{pinggu.NewProblem(0, "element_id", "sampling.duplicate_id", "Value", ids[rs[i].idx])})
		}
	}
	out := make([]Entry, len(rs))
	for i, r := range rs {
		out[i] = Entry{ID: ids[r.idx], Digest: r.digest, Rank: i + 1}
	}
	return out, nil
}

// parallel splits [0, n) over the processors.
func parallel(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 10_000 || workers == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += step {
		hi := min(lo+step, n)
		wg.Add(1)
		go func() { defer wg.Done(); fn(lo, hi) }()
	}
	wg.Wait()
}
