package sampling

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"pinggu"
)

// FrameRow is one element of a frame: its id and a name for people.
type FrameRow struct {
	ID   string
	Name string
}

// CanonicalCSV writes a frame the one way that is hashed and published:
// UTF-8, LF line ends, header "id,name", rows sorted by id bytes.
func CanonicalCSV(rows []FrameRow) []byte {
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b FrameRow) int { return strings.Compare(a.ID, b.ID) })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "name"})
	for _, r := range sorted {
		// A name a spreadsheet would run as a formula is neutralised: the
		// frame files are opened in Excel by auditors. Ids are checked
		// field by field (CheckField) and verified as written.
		w.Write([]string{r.ID, pinggu.Neutralize(r.Name)})
	}
	w.Flush()
	return buf.Bytes()
}

// ParseFrame reads a frame file written by CanonicalCSV.
func ParseFrame(data []byte) ([]FrameRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	head, err := r.Read()
	if err != nil || len(head) != 2 || head[0] != "id" || head[1] != "name" {
		return nil, errors.New(`frame: the header is not "id,name"`)
	}
	var rows []FrameRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("frame: %w", err)
		}
		rows = append(rows, FrameRow{ID: rec[0], Name: rec[1]})
	}
}

// Hash is the lowercase hex SHA-256 of a frame file's bytes.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Status of an element in a record.
const (
	StatusSelected = "selected"
	StatusQueued   = "queued"
	StatusReleased = "released"
	// A non-response is "non_response:<reason>".
	StatusNonResponse = "non_response"
)

// Record is the draw record (抽样记录): everything needed to recompute the
// draw from the frame files.
type Record struct {
	Algorithm string    `json:"algorithm"`
	Seed      string    `json:"seed"`
	Draw      string    `json:"draw"`
	Campaign  string    `json:"campaign,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Kmin      int       `json:"kmin"`
	// CommitReveal lists the parties whose shares made the seed, when the
	// seed came from a commit–reveal rather than dice.
	CommitReveal []Party `json:"commit_reveal,omitempty"`
	// Allocations, in a respondent draw, spread each county's target over
	// its units; their strata have the rule "quota".
	Allocations []Allocation `json:"allocations,omitempty"`
	// Occasion names the meeting an interviewee draw is for.
	Occasion string          `json:"occasion,omitempty"`
	Strata   []StratumRecord `json:"strata"`
	// Voided: the admin voided this draw (S3a); it stays on the record.
	Voided *Void `json:"voided,omitempty"`
}

// Void records who voided a draw, when and why.
type Void struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason"`
}

// StratumRecord is one stratum of a record.
type StratumRecord struct {
	Stratum     string       `json:"stratum"`
	FrameSHA256 string       `json:"frame_sha256"`
	N           int          `json:"n"`
	Rule        string       `json:"rule"` // about, at_least, all, or quota (k set by an allocation or a quota)
	Pct         int          `json:"pct"`
	K           int          `json:"k"`
	Order       []OrderEntry `json:"order"`
}

// OrderEntry is one element in ticket order.
type OrderEntry struct {
	ID     string `json:"id"`
	Ticket string `json:"ticket"`
	Rank   int    `json:"rank"`
	Status string `json:"status"`
}

// Stratum is the input of one stratum of a draw.
type Stratum struct {
	Label string
	Frame []byte // canonical CSV
	Rule  string // about, at_least, all or quota
	Pct   int
	K     int // with the rule quota
}

// SampleSize is k for n elements under rule and pct (SAMPLING.md S3); a
// quota is capped at n.
func SampleSize(rule string, pct, n, kmin int) int {
	switch rule {
	case "all":
		return n
	case "quota":
		return min(pct, n)
	}
	return pinggu.Rate{Pct: pct, Rule: pinggu.Rounding(rule)}.SampleSize(n, kmin)
}

// Draw orders every stratum and marks the first k selected and the rest
// queued.
func Draw(seed, label string, kmin int, strata []Stratum) (*Record, error) {
	rec := &Record{Algorithm: Algorithm, Seed: seed, Draw: label, Kmin: kmin}
	for _, s := range strata {
		rows, err := ParseFrame(s.Frame)
		if err != nil {
			return nil, pinggu.Internal(err)
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		order, err := Order(seed, label, s.Label, ids)
		if err != nil {
			return nil, err
		}
		pct := s.Pct
		if s.Rule == "quota" {
			pct = s.K
		}
		sr := StratumRecord{Stratum: s.Label, FrameSHA256: Hash(s.Frame), N: len(ids), Rule: s.Rule, Pct: pct,
			K: SampleSize(s.Rule, pct, len(ids), kmin)}
		for _, e := range order {
			st := StatusQueued
			if e.Rank <= sr.K {
				st = StatusSelected
			}
			sr.Order = append(sr.Order, OrderEntry{ID: e.ID, Ticket: e.Ticket(), Rank: e.Rank, Status: st})
		}
		rec.Strata = append(rec.Strata, sr)
	}
	return rec, nil
}

// Mismatch is the first place where a record and its frames disagree.
type Mismatch struct {
	Stratum string
	What    string
}

func (m *Mismatch) Error() string { return m.Stratum + ": " + m.What }

// Verify recomputes every stratum of rec from its frame file (frames maps
// the stratum label to the file's bytes) and returns the first mismatch, or
// nil when everything matches: the frame hash, n, k, every ticket and rank,
// and that exactly the first k were drawn (later releases come strictly in
// order after them).
func Verify(rec *Record, frames map[string][]byte) *Mismatch {
	if rec.Algorithm != Algorithm {
		return &Mismatch{"", "algorithm is " + rec.Algorithm + ", not " + Algorithm}
	}
	if len(rec.CommitReveal) > 0 {
		for _, p := range rec.CommitReveal {
			if Commitment(p.Share, p.Salt) != p.Commitment {
				return &Mismatch{"commit_reveal", p.Party + "'s share and salt do not match the commitment"}
			}
		}
		if s := RevealedSeed(rec.CommitReveal); s != rec.Seed {
			return &Mismatch{"commit_reveal", "the shares give the seed " + s + ", not " + rec.Seed}
		}
	}
	quota := map[string]int{}
	for _, a := range rec.Allocations {
		again := Reallocate(rec.Seed, rec.Draw, a)
		for i, sh := range again.Shares {
			if i >= len(a.Shares) || a.Shares[i].Stratum != sh.Stratum || a.Shares[i].Quota != sh.Quota || a.Shares[i].Target != sh.Target {
				return &Mismatch{a.Group, fmt.Sprintf("the allocation gives %s %d", sh.Stratum, sh.Quota)}
			}
			quota[sh.Stratum] = sh.Quota
		}
	}
	for _, s := range rec.Strata {
		bad := func(format string, a ...any) *Mismatch { return &Mismatch{s.Stratum, fmt.Sprintf(format, a...)} }
		data, ok := frames[s.Stratum]
		if !ok {
			return bad("no frame file")
		}
		if h := Hash(data); h != s.FrameSHA256 {
			return bad("frame SHA-256 is %s, the record says %s", h, s.FrameSHA256)
		}
		rows, err := ParseFrame(data)
		if err != nil {
			return bad("%v", err)
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		order, err := Order(rec.Seed, rec.Draw, s.Stratum, ids)
		if err != nil {
			return bad("the draw cannot be recomputed: %v", err)
		}
		if len(order) != s.N || len(s.Order) != s.N {
			return bad("n is %d in the frame, %d in the record", len(order), s.N)
		}
		if q, ok := quota[s.Stratum]; ok && (s.Rule != "quota" || q != s.Pct) {
			return bad("the allocation gives %d, the record says %d", q, s.Pct)
		}
		if k := SampleSize(s.Rule, s.Pct, s.N, rec.Kmin); k != s.K {
			return bad("k is %d by the rule, %d in the record", k, s.K)
		}
		released := s.K
		for i, e := range order {
			got := s.Order[i]
			switch {
			case got.ID != e.ID:
				return bad("rank %d is %s, the record says %s", i+1, e.ID, got.ID)
			case got.Ticket != e.Ticket():
				return bad("the ticket of %s is %s, the record says %s", e.ID, e.Ticket(), got.Ticket)
			case got.Rank != i+1:
				return bad("the rank of %s is %d, the record says %d", e.ID, i+1, got.Rank)
			}
			drawn := got.Status != StatusQueued
			if i < s.K && got.Status == StatusQueued {
				return bad("%s (rank %d) is within the first k but not drawn", e.ID, i+1)
			}
			if i >= s.K && drawn {
				if i != released {
					return bad("%s (rank %d) was released out of order", e.ID, i+1)
				}
				released++
			}
		}
	}
	return nil
}
