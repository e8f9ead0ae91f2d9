package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"pinggu"
)

// legacySecretKey is the setting where databases before the key file kept
// their one code-hash key. Open moves it to the key file and deletes it.
const legacySecretKey = "survey.secret"

// HashCodes returns the stored form of codes to be issued in a campaign,
// under the campaign's code key (made on its first codes).
func (tx *Tx) HashCodes(ctx context.Context, campaign int64, codes []string) ([]string, error) {
	ck, err := tx.db.keys.ensure(campaign, nil)
	if err != nil {
		return nil, pinggu.Internal(fmt.Errorf("survey keys: %w", err))
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = ck.hash(c)
	}
	return out, nil
}

// HashCode returns the stored form of a code of a campaign: "survey.code_unknown"
// once the campaign's keys are gone (it closed).
func (tx *Tx) HashCode(ctx context.Context, campaign int64, code string) (string, error) {
	ck, err := tx.db.keys.get(campaign)
	if err != nil {
		return "", pinggu.Internal(fmt.Errorf("survey keys: %w", err))
	}
	if ck == nil {
		return "", pinggu.Errorf(pinggu.ENotFound, "survey.code_unknown")
	}
	return ck.hash(code), nil
}

// FindCode finds an issued code under the keys of every campaign that
// still has them, and returns what it is bound to.
func (tx *Tx) FindCode(ctx context.Context, code string) (*CodeInfo, error) {
	live, err := tx.db.keys.live()
	if err != nil {
		return nil, pinggu.Internal(fmt.Errorf("survey keys: %w", err))
	}
	for id, ck := range live {
		c, err := tx.Code(ctx, ck.hash(code))
		if e := pinggu.AsError(err); e != nil && e.Code == pinggu.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.Campaign == id {
			return c, nil
		}
	}
	return nil, pinggu.Errorf(pinggu.ENotFound, "survey.code_unknown")
}

// CodeInfo is what a code's hash unlocks: its binding and state.
type CodeInfo struct {
	Hash     string
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
	return tx.Audit(ctx, pinggu.ActionCodesIssue, "unit", unit, nil, map[string]any{"campaign": campaign, "batch": batch, "n": len(hashes), "category": category})
}

// Code returns what the code with hash is bound to.
func (tx *Tx) Code(ctx context.Context, hash string) (*CodeInfo, error) {
	c := CodeInfo{Hash: hash}
	err := tx.queryRow(ctx, "SELECT campaign_id, unit_id, category, state FROM survey_codes WHERE hash = $1", hash).
		Scan(&c.Campaign, &c.Unit, &c.Category, &c.State)
	if err := scanOne(err, "survey.code_unknown"); err != nil {
		return nil, err
	}
	return &c, nil
}

// Submit spends the code and stores the response, sealed, in the inbox in
// one transaction, so that any number of concurrent submits of one code
// store one response. It returns the code's state before: "spent" means
// the response was already received and nothing was stored. No audit row
// is written: it would order and time the responses. The response keeps
// no day until it moves (its Day is ignored).
func (tx *Tx) Submit(ctx context.Context, hash string, r *pinggu.Response) (string, error) {
	ck, err := tx.db.keys.get(r.CampaignID)
	if err != nil {
		return "", pinggu.Internal(fmt.Errorf("survey keys: %w", err))
	}
	if ck == nil {
		return "", pinggu.Errorf(pinggu.EConflict, "survey.closed")
	}
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
	r.ID = randomID()
	answers, _ := json.Marshal(r.Answers)
	plain, _ := json.Marshal(sealedResponse{string(answers), r.Overall, r.Comment})
	w := waiting{r.ID, r.CampaignID, r.UnitID, r.Category, r.Channel, nil}
	w.sealed = ck.seal(plain, w.ad())
	if _, err := tx.exec(ctx, "INSERT INTO response_inbox ("+waitingColumns+") VALUES ($1, $2, $3, $4, $5, $6)", w.fields()...); err != nil {
		return "", err
	}
	return pinggu.CodeIssued, nil
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// waiting is a response in the inbox: in the clear only what the spent
// code's row shows already (campaign, unit, category) and its channel.
type waiting struct {
	id                string
	campaign, unit    int64
	category, channel string
	sealed            []byte
}

const waitingColumns = "id, campaign_id, unit_id, category, channel, sealed"

func (w *waiting) fields() []any {
	return []any{&w.id, &w.campaign, &w.unit, &w.category, &w.channel, &w.sealed}
}

// ad binds the sealed content to its row's clear columns.
func (w *waiting) ad() []byte {
	return fmt.Appendf(nil, "%s\x00%d\x00%d\x00%s\x00%s", w.id, w.campaign, w.unit, w.category, w.channel)
}

// sealedResponse is what the inbox seals of a response.
type sealedResponse struct {
	Answers string `json:"a"` // as stored in responses.answers
	Overall int    `json:"o"`
	Comment string `json:"c"`
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

// MoveResponses moves a campaign's waiting responses to responses, where
// they count. Responses wait by kind — unit, category and channel, what a
// code's row and a response's both show — and a kind moves only when at
// least 2k of it wait, k of them chosen at random, so that whoever sees
// the move can narrow a moved response to no fewer than k spent codes,
// and at least k wait for the close. With all (the close, or the demo),
// every waiting response moves, each kind together. Each moved response
// gets a fresh id and the day of the move; the batch is written in the
// order of the fresh ids. It returns how many moved. Concurrent calls
// move each response once: the DELETE … RETURNING takes each row for one
// of them.
func (tx *Tx) MoveResponses(ctx context.Context, campaign int64, all bool) (int, error) {
	return tx.moveResponses(ctx, campaign, 0, all)
}

// moveResponses is MoveResponses for one unit's kinds, or every unit's
// when unit is 0.
func (tx *Tx) moveResponses(ctx context.Context, campaign, unit int64, all bool) (int, error) {
	c, err := tx.Campaign(ctx, campaign)
	if err != nil {
		return 0, err
	}
	k := c.Settings.MixSize()
	having := ""
	if !all {
		having = " HAVING COUNT(*) >= " + strconv.Itoa(2*k)
	}
	rows, err := tx.query(ctx, "SELECT unit_id, category, channel FROM response_inbox WHERE campaign_id = $1 AND ($2 = 0 OR unit_id = $2) GROUP BY unit_id, category, channel"+having, campaign, unit)
	if err != nil {
		return 0, err
	}
	var kinds []waiting
	for rows.Next() {
		w := waiting{campaign: campaign}
		if err := rows.Scan(&w.unit, &w.category, &w.channel); err != nil {
			rows.Close()
			return 0, pinggu.Internal(err)
		}
		kinds = append(kinds, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(kinds) == 0 {
		return 0, err
	}
	ck, err := tx.db.keys.get(campaign)
	if err != nil {
		return 0, pinggu.Internal(fmt.Errorf("survey keys: %w", err))
	}
	if ck == nil {
		return 0, pinggu.Internal(fmt.Errorf("campaign %d has waiting responses but no keys", campaign))
	}
	var moved []responseRow
	for _, kind := range kinds {
		ids, err := tx.waitingIDs(ctx, &kind)
		if err != nil {
			return 0, err
		}
		if !all {
			if len(ids) < 2*k {
				continue // another move took some meanwhile
			}
			shuffle(ids)
			ids = ids[:k]
		}
		taken := 0
		for _, id := range ids {
			w := kind
			err := tx.queryRow(ctx, "DELETE FROM response_inbox WHERE id = $1 RETURNING "+waitingColumns, id).Scan(w.fields()...)
			if errors.Is(err, sql.ErrNoRows) {
				continue // moved by a concurrent call
			}
			if err != nil {
				return 0, pinggu.Internal(err)
			}
			plain, err := ck.open(w.sealed, w.ad())
			if err != nil {
				return 0, pinggu.Internal(fmt.Errorf("waiting response %s: %w", w.id, err))
			}
			var sr sealedResponse
			if err := json.Unmarshal(plain, &sr); err != nil {
				return 0, pinggu.Internal(err)
			}
			moved = append(moved, responseRow{randomID(), w.campaign, w.unit, w.category, w.channel, Day(tx.Now), sr.Answers, sr.Overall, sr.Comment})
			taken++
		}
		// Another instance's move, on PostgreSQL, may have taken some of
		// the ones chosen between the choice and the deletes: fewer than k
		// must not move together. The whole move rolls back and waits for
		// a later look.
		if !all && taken < k {
			return 0, errMoveRaced
		}
	}
	return len(moved), tx.storeMoved(ctx, moved)
}

// errMoveRaced: a concurrent move took responses this one had chosen.
var errMoveRaced = errors.New("a concurrent move took some of the chosen responses")

// storeMoved writes moved responses in the order of their random ids and
// counts them into the tallies — with the batch, never with one spend.
func (tx *Tx) storeMoved(ctx context.Context, moved []responseRow) error {
	slices.SortFunc(moved, func(a, b responseRow) int { return strings.Compare(a.id, b.id) })
	for i := range moved {
		if err := tx.insertResponse(ctx, "responses", &moved[i]); err != nil {
			return err
		}
	}
	return tx.addTallies(ctx, moved)
}

func (tx *Tx) waitingIDs(ctx context.Context, kind *waiting) ([]string, error) {
	rows, err := tx.query(ctx, "SELECT id FROM response_inbox WHERE campaign_id = $1 AND unit_id = $2 AND category = $3 AND channel = $4",
		kind.campaign, kind.unit, kind.category, kind.channel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, pinggu.Internal(err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// shuffle puts ids in a uniformly random order (Fisher–Yates with
// crypto/rand, which an observer of earlier moves cannot predict).
func shuffle(ids []string) {
	for i := len(ids) - 1; i > 0; i-- {
		j, _ := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		ids[i], ids[j.Int64()] = ids[j.Int64()], ids[i]
	}
}

// Kind is what a response waits with: the responses of one kind move
// together (MoveResponses).
type Kind struct {
	Campaign, Unit    int64
	Category, Channel string
}

// Mix moves the waiting responses that are ready to (MoveResponses),
// after a submit of kind has committed. It looks only at every k-th submit
// of the kind in this process (a hint, lost on restart: a kind left ready
// is seen at a later look, and the close moves everything), with one read
// outside any transaction that counts the unit's waiting kinds; so a
// submit pays nothing for the move until its kind reaches 2k. A failure
// loses nothing: the responses wait, and are counted, in the inbox.
func (db *DB) Mix(ctx context.Context, kind Kind) {
	k, err := db.mixSize(ctx, kind.Campaign)
	if err != nil {
		db.log.Warn("mix responses", "err", err)
		return
	}
	h, _ := db.submitted.LoadOrStore(kind, new(atomic.Int64))
	if n := h.(*atomic.Int64).Add(1); n%int64(k) != 0 {
		return
	}
	ready := false
	err = db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM response_inbox WHERE campaign_id = $1 AND unit_id = $2
		GROUP BY category, channel HAVING COUNT(*) >= $3)`, kind.Campaign, kind.Unit, 2*k).Scan(&ready)
	if err != nil || !ready {
		if err != nil {
			db.log.Warn("mix responses", "err", err)
		}
		return
	}
	// One move at a time in this process: the submits that saw the same
	// kind ready meanwhile would each take the writer for nothing. A kind
	// left ready is seen again by its next submit.
	if !db.moving.CompareAndSwap(false, true) {
		return
	}
	defer db.moving.Store(false)
	var moved int
	err = db.Update(ctx, Actor{Login: "system"}, func(tx *Tx) (err error) {
		moved, err = tx.moveResponses(ctx, kind.Campaign, kind.Unit, false)
		return err
	})
	if errors.Is(err, errMoveRaced) {
		return // rolled back whole; a later look moves them
	}
	if err != nil {
		db.log.Warn("mix responses", "err", err)
		return
	}
	// PostgreSQL keeps the deleted inbox rows, with their xmin, until a
	// vacuum: have it now rather than whenever autovacuum comes by.
	if moved > 0 && db.dialect == Postgres && db.vacuuming.CompareAndSwap(false, true) {
		defer db.vacuuming.Store(false)
		if err := db.vacuumInbox(ctx); err != nil {
			db.log.Warn("vacuum response inbox", "err", err)
		}
	}
}

// mixSize is a campaign's k, kept once the campaign is published (its
// settings are frozen then; codes are issued only after).
func (db *DB) mixSize(ctx context.Context, campaign int64) (int, error) {
	if k, ok := db.mixSizes.Load(campaign); ok {
		return k.(int), nil
	}
	var c *pinggu.Campaign
	if err := db.View(ctx, func(tx *Tx) (err error) { c, err = tx.Campaign(ctx, campaign); return }); err != nil {
		return 0, err
	}
	k := c.Settings.MixSize()
	if c.State.Frozen() {
		db.mixSizes.Store(campaign, k)
	}
	return k, nil
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
	return t.In(pinggu.Beijing()).Format("2006-01-02")
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
	if err := rows.Err(); err != nil {
		return nil, pinggu.Internal(err)
	}
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
	return int(n), tx.Audit(ctx, pinggu.ActionCodesVoid, "unit", unit, nil, map[string]any{"campaign": campaign, "batch": batch, "n": n})
}
