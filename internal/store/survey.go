package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"pinggu"
)

const secretKey = "survey.secret"

// SurveySecret returns the server's key for code hashes, creating it on
// first use. It lives in the database, never in the repository.
//
// The secret never changes once stored, so a read-only transaction — which
// sees committed data only — keeps it for the process's later calls.
func (tx *Tx) SurveySecret(ctx context.Context) ([]byte, error) {
	if b := tx.db.secret.Load(); b != nil {
		return *b, nil
	}
	s, err := tx.Setting(ctx, secretKey)
	if err != nil {
		return nil, err
	}
	if s == "" {
		if !tx.writing {
			return nil, pinggu.Internal(errNoSecret{})
		}
		b := make([]byte, 32)
		rand.Read(b)
		s = hex.EncodeToString(b)
		if err := tx.SetSetting(ctx, secretKey, s); err != nil {
			return nil, err
		}
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, pinggu.Internal(err)
	}
	if !tx.writing {
		tx.db.secret.Store(&b)
	}
	return b, nil
}

type errNoSecret struct{}

func (errNoSecret) Error() string { return "no survey secret yet" }

// CodeInfo is what a code's hash unlocks: its binding and state.
type CodeInfo struct {
	Campaign int64
	Unit     int64
	Category string
	State    string
}

// IssueCodes stores a batch of code hashes bound to a campaign, a unit and
// optionally a category. The audit row records the count, not the codes.
func (tx *Tx) IssueCodes(ctx context.Context, campaign, unit int64, category, batch string, hashes []string) error {
	for _, h := range hashes {
		if _, err := tx.exec(ctx, `INSERT INTO survey_codes (hash, campaign_id, unit_id, category, batch, state)
			VALUES ($1, $2, $3, $4, $5, $6)`, h, campaign, unit, category, batch, pinggu.CodeIssued); err != nil {
			return err
		}
	}
	return tx.Audit(ctx, "codes.issue", "unit", unit, nil, map[string]any{"campaign": campaign, "batch": batch, "n": len(hashes), "category": category})
}

// Code returns what the code with hash is bound to.
func (tx *Tx) Code(ctx context.Context, hash string) (*CodeInfo, error) {
	var c CodeInfo
	err := tx.queryRow(ctx, "SELECT campaign_id, unit_id, category, state FROM survey_codes WHERE hash = $1", hash).
		Scan(&c.Campaign, &c.Unit, &c.Category, &c.State)
	if err := scanOne(err, "survey.code_unknown"); err != nil {
		return nil, err
	}
	return &c, nil
}

// Submit spends the code and stores the response in one transaction, so
// that any number of concurrent submits of one code store one response. It
// returns the code's state before: "spent" means the response was already
// received and nothing was stored. No audit row is written: it would order
// and time the responses.
func (tx *Tx) Submit(ctx context.Context, hash string, r *pinggu.Response) (string, error) {
	res, err := tx.exec(ctx, "UPDATE survey_codes SET state = $1 WHERE hash = $2 AND state = $3", pinggu.CodeSpent, hash, pinggu.CodeIssued)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		c, err := tx.Code(ctx, hash)
		if err != nil {
			return "", err
		}
		return c.State, nil
	}
	b := make([]byte, 16)
	rand.Read(b)
	r.ID = hex.EncodeToString(b)
	answers, _ := json.Marshal(r.Answers)
	row := responseRow{r.ID, r.CampaignID, r.UnitID, r.Category, r.Channel, r.Day, string(answers), r.Overall, r.Comment}
	if err := tx.insertResponse(ctx, "response_inbox", &row); err != nil {
		return "", err
	}
	tx.db.inboxed.Add(1)
	return pinggu.CodeIssued, nil
}

const responseColumns = "id, campaign_id, unit_id, category, channel, day, answers, overall, comment"

// responseRow is a response as stored, field for field in responseColumns.
type responseRow struct {
	id             string
	campaign, unit int64
	category       string
	channel        string
	day            string
	answers        string
	overall        int
	comment        string
}

// fields points at each column's field, for Scan and, dereferenced by
// database/sql, for Exec.
func (r *responseRow) fields() []any {
	return []any{&r.id, &r.campaign, &r.unit, &r.category, &r.channel, &r.day, &r.answers, &r.overall, &r.comment}
}

func (tx *Tx) insertResponse(ctx context.Context, table string, r *responseRow) error {
	_, err := tx.exec(ctx, "INSERT INTO "+table+" ("+responseColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", r.fields()...)
	return err
}

// MixAt is how many responses wait in the inbox before they move to
// responses together: a moved response can be told apart from at least
// MixAt-1 others by nothing the database keeps.
const MixAt = 20

// MixResponses moves the inbox to responses, in the random order of their
// ids, if it holds at least min responses (any number when min is 0). It
// returns how many moved. Concurrent calls move each response once: the
// DELETE … RETURNING takes each row for one of them.
func (tx *Tx) MixResponses(ctx context.Context, min int) (int, error) {
	if min > 0 {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM response_inbox").Scan(&n); err != nil {
			return 0, pinggu.Internal(err)
		}
		if n < min {
			return 0, nil
		}
	}
	rows, err := tx.query(ctx, "DELETE FROM response_inbox RETURNING "+responseColumns)
	if err != nil {
		return 0, err
	}
	var moved []responseRow
	for rows.Next() {
		var r responseRow
		if err := rows.Scan(r.fields()...); err != nil {
			rows.Close()
			return 0, pinggu.Internal(err)
		}
		moved = append(moved, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, pinggu.Internal(err)
	}
	// RETURNING gives the rows in the order they were written; the ids are
	// random, so their order is not.
	slices.SortFunc(moved, func(a, b responseRow) int { return strings.Compare(a.id, b.id) })
	for i := range moved {
		if err := tx.insertResponse(ctx, "responses", &moved[i]); err != nil {
			return 0, err
		}
	}
	// The tallies change here, with the batch, never with one spend.
	return len(moved), tx.addTallies(ctx, moved)
}

// Mix moves the response inbox once it holds MixAt responses. It costs
// the submit path nothing until this process has put MixAt responses in
// the inbox since the last move (a hint: a rolled-back submit counts, and
// another process's do not; the move itself counts the inbox). A failure
// loses nothing: the responses wait, and are counted, in the inbox.
func (db *DB) Mix(ctx context.Context) {
	if db.inboxed.Load() < MixAt {
		return
	}
	var moved int
	if err := db.Update(ctx, Actor{Login: "system"}, func(tx *Tx) (err error) { moved, err = tx.MixResponses(ctx, MixAt); return }); err != nil {
		db.log.Warn("mix responses", "err", err)
		return
	}
	db.inboxed.Store(0)
	// PostgreSQL keeps the deleted inbox rows, with their xmin, until a
	// vacuum: have it now rather than whenever autovacuum comes by.
	if moved > 0 && db.dialect == Postgres && db.vacuuming.CompareAndSwap(false, true) {
		defer db.vacuuming.Store(false)
		if err := db.vacuumInbox(ctx); err != nil {
			db.log.Warn("vacuum response inbox", "err", err)
		}
	}
}

// vacuumInbox vacuums the inbox without ever queueing for it: one at a
// time per process, SKIP_LOCKED when another session (another instance,
// autovacuum) holds the table, and under a statement timeout. VACUUMs
// that queued on one another's lock used to outlive a killed server by
// minutes, a connection each.
func (db *DB) vacuumInbox(ctx context.Context) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET statement_timeout = '30s'"); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "RESET statement_timeout")
	_, err = conn.ExecContext(ctx, "VACUUM (SKIP_LOCKED) response_inbox")
	return err
}

// CountResponses returns the number of responses of a unit, moved or not.
func (tx *Tx) CountResponses(ctx context.Context, campaign, unit int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM responses WHERE campaign_id = $1 AND unit_id = $2)
		+ (SELECT COUNT(*) FROM response_inbox WHERE campaign_id = $1 AND unit_id = $2)`, campaign, unit).Scan(&n)
	if err != nil {
		return 0, pinggu.Internal(err)
	}
	return n, nil
}

// Day is t's calendar day in Beijing, the finest time a response keeps.
func Day(t time.Time) string {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return t.In(loc).Format("2006-01-02")
}

// Progress is a unit's survey figures: codes by state and responses.
type Progress struct {
	Issued    int // every code ever issued, whatever its state
	Spent     int
	Voided    int
	Responses int
}

// SurveyProgress returns each unit's figures in a campaign.
func (tx *Tx) SurveyProgress(ctx context.Context, campaign int64) (map[int64]*Progress, error) {
	out := map[int64]*Progress{}
	get := func(id int64) *Progress {
		if out[id] == nil {
			out[id] = &Progress{}
		}
		return out[id]
	}
	rows, err := tx.query(ctx, "SELECT unit_id, state, COUNT(*) FROM survey_codes WHERE campaign_id = $1 GROUP BY unit_id, state", campaign)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var state string
		var n int
		if err := rows.Scan(&id, &state, &n); err != nil {
			rows.Close()
			return nil, pinggu.Internal(err)
		}
		p := get(id)
		p.Issued += n
		switch state {
		case pinggu.CodeSpent:
			p.Spent = n
		case pinggu.CodeVoided:
			p.Voided = n
		}
	}
	rows.Close()
	rows, err = tx.query(ctx, `SELECT unit_id, COUNT(*) FROM (SELECT unit_id FROM responses WHERE campaign_id = $1
		UNION ALL SELECT unit_id FROM response_inbox WHERE campaign_id = $1) AS r GROUP BY unit_id`, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, pinggu.Internal(err)
		}
		get(id).Responses = n
	}
	return out, rows.Err()
}

// VoidBatch voids the unspent codes of a unit's batch (or all its unspent
// codes when batch is ""), returning how many.
func (tx *Tx) VoidBatch(ctx context.Context, campaign, unit int64, batch string) (int, error) {
	res, err := tx.exec(ctx, `UPDATE survey_codes SET state = $1 WHERE campaign_id = $2 AND unit_id = $3 AND state = $4 AND ($5 = '' OR batch = $5)`,
		pinggu.CodeVoided, campaign, unit, pinggu.CodeIssued, batch)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Audit(ctx, "codes.void", "unit", unit, nil, map[string]any{"campaign": campaign, "batch": batch, "n": n})
}
