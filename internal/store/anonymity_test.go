package store_test

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// The threat model of docs/anonymity.md, tested as an attacker would
// work. A survey of three kinds of respondent (unit, category, channel) is
// answered in a random order, one submit a transaction, and the campaign
// closes. The attacker holds the database's files, every state they were
// ever in, and the issue files — made stronger still: each code's stored
// hash too, which without the key file they could not compute. They link
// each inbox row to the codes spent in the transaction that wrote it, each
// moved response to the inbox rows deleted in the transaction that wrote
// it, and so each response to a set of codes: none may be smaller than k,
// or than all the codes of its kind where there are fewer.

// kinds of the scenario: 47 party members of one unit answer online (2k
// wait at the 40th: k move at random; 27 move at the close), 3 masses of
// the same unit, and 9 members of another unit (too few ever to move
// before the close).
type scenarioKind struct {
	unit     int
	category string
	n        int
}

var scenario = []scenarioKind{{0, "党员", 47}, {0, "群众", 3}, {1, "党员", 9}}

// submission is one code of the scenario: its hash and the comment that
// marks its response, so the test (never the attacker) knows the truth.
type submission struct {
	kind    int
	unit    int64
	hash    string
	comment string
}

// runScenario issues the codes, submits every one in random order through
// the submit path (a Batch per submit, then Mix), calls beforeClose (if
// set) and closes the campaign.
func runScenario(t *testing.T, db *store.DB, seed uint64, beforeClose func(*pinggu.Campaign, []submission)) (*pinggu.Campaign, []submission) {
	t.Helper()
	city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
	units := []*pinggu.Unit{
		mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city),
		mkUnit(t, db, "M002", "市委组织部", pinggu.KindMunicipalUnit, city),
	}
	c := newCampaign(t, db, "2026")
	advance := func(to pinggu.CampaignState) {
		t.Helper()
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { _, err := tx.AdvanceCampaign(ctx, c.ID, to); return err }); err != nil {
			t.Fatal(err)
		}
	}
	advance(pinggu.StatePublished)
	advance(pinggu.StateFieldwork)
	var subs []submission
	for i, k := range scenario {
		codes := make([]string, k.n)
		for j := range codes {
			codes[j] = pinggu.NewCode()
		}
		err := db.Update(ctx, cli, func(tx *store.Tx) error {
			hashes, err := tx.HashCodes(ctx, c.ID, codes)
			if err != nil {
				return err
			}
			for _, h := range hashes {
				subs = append(subs, submission{kind: i, unit: units[k.unit].ID, hash: h, comment: "意见" + randomHex()})
			}
			return tx.IssueCodes(ctx, c.ID, units[k.unit].ID, k.category, "b", hashes)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	order := rng.Perm(len(subs))
	for _, i := range order {
		s := subs[i]
		r := &pinggu.Response{CampaignID: c.ID, UnitID: s.unit, Category: scenario[s.kind].category, Channel: pinggu.ChannelOnline,
			Answers: map[string]int{"L1.1": rng.IntN(4)}, Overall: rng.IntN(4), Comment: s.comment}
		if err := db.Batch(ctx, store.Actor{Login: "respondent"}, func(tx *store.Tx) error { _, err := tx.Submit(ctx, s.hash, r); return err }); err != nil {
			t.Fatal(err)
		}
		db.Mix(ctx, store.Kind{Campaign: c.ID, Unit: s.unit, Category: r.Category, Channel: r.Channel})
	}
	if beforeClose != nil {
		beforeClose(c, subs)
	}
	advance(pinggu.StateClosed)
	return c, subs
}

func randomHex() string {
	b := make([]byte, 8)
	for i := range b {
		b[i] = byte(rand.IntN(256))
	}
	return hex.EncodeToString(b)
}

// state is what the attacker reads of one committed state.
type state struct {
	spent     map[string]string // code hash → "unit/category"
	inbox     map[string]string // inbox id → "unit/category/channel"
	responses map[string]string // response id → "unit/category/channel"
	comments  map[string]string // response id → comment
	image     []byte
}

// linker is the attacker: it walks the states in commit order.
type linker struct {
	codesOf map[string][]string // inbox id → the codes it may hold (every inbox id ever seen)
	sets    map[string][]string // response id → the codes it may come from
	prev    *state
}

func (l *linker) step(s *state) {
	if l.prev == nil {
		l.prev = &state{spent: map[string]string{}, inbox: map[string]string{}, responses: map[string]string{}}
	}
	var spent []string
	for h := range s.spent {
		if _, ok := l.prev.spent[h]; !ok {
			spent = append(spent, h)
		}
	}
	for id, kind := range s.inbox {
		if _, ok := l.prev.inbox[id]; ok {
			continue
		}
		for _, h := range spent {
			if strings.HasPrefix(kind, s.spent[h]+"/") {
				l.codesOf[id] = append(l.codesOf[id], h)
			}
		}
	}
	for id, kind := range s.responses {
		if _, ok := l.prev.responses[id]; ok {
			continue
		}
		set := map[string]bool{}
		for x, xkind := range l.prev.inbox {
			if _, still := s.inbox[x]; !still && xkind == kind {
				for _, h := range l.codesOf[x] {
					set[h] = true
				}
			}
		}
		for h := range set {
			l.sets[id] = append(l.sets[id], h)
		}
		slices.Sort(l.sets[id])
	}
	l.prev = s
}

// TestWALReplayAnonymity replays the SQLite WAL of the scenario commit by
// commit: every anonymity set is at least k (or all its kind), no waiting
// response's content is in any state of the files, and after the close the
// campaign's keys are gone from the key file.
func TestWALReplayAnonymity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pinggu.db")
	keys := filepath.Join(t.TempDir(), "pinggu.keys") // not with the attacker's files
	db, err := store.Open(ctx, path, store.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Every commit stays in the WAL, as it would between checkpoints: the
	// attacker's richest copy.
	if _, err := db.SQL().Exec("PRAGMA wal_autocheckpoint = 0"); err != nil {
		t.Fatal(err)
	}
	c, subs := runScenario(t, db, 7, nil)
	main, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, err := os.ReadFile(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	l := &linker{codesOf: map[string][]string{}, sets: map[string][]string{}}
	commits := 0
	replayWAL(t, main, wal, func(image []byte) {
		commits++
		s := readState(t, image, c.ID)
		// Whatever waits is sealed: its comment is in no page of the file.
		moved := map[string]bool{}
		for _, cm := range s.comments {
			moved[cm] = true
		}
		for _, sub := range subs {
			if !moved[sub.comment] && bytes.Contains(image, []byte(sub.comment)) {
				t.Fatalf("commit %d: a waiting response's comment is readable in the file", commits)
			}
		}
		l.step(s)
	})
	if commits < len(subs) {
		t.Fatalf("replayed %d commits, fewer than the %d submits", commits, len(subs))
	}
	truth := map[string]submission{}
	for _, s := range subs {
		truth[s.comment] = s
	}
	kindSize := map[int]int{}
	for _, s := range subs {
		kindSize[s.kind]++
	}
	final := l.prev
	if len(final.responses) != len(subs) {
		t.Fatalf("%d responses stored, want %d", len(final.responses), len(subs))
	}
	for id := range final.responses {
		if _, ok := l.codesOf[id]; ok {
			t.Fatal("a response kept the id it had in the inbox")
		}
	}
	k := pinggu.MinAnonymity
	sizes := map[int][]int{}
	for id := range final.responses {
		sub := truth[final.comments[id]]
		set := l.sets[id]
		if _, ok := slices.BinarySearch(set, sub.hash); !ok {
			t.Fatalf("the attacker's set for a response lacks its true code: the replay is wrong")
		}
		if want := min(k, kindSize[sub.kind]); len(set) < want {
			t.Errorf("a response of kind %d narrowed to %d codes, want at least %d", sub.kind, len(set), want)
		}
		sizes[sub.kind] = append(sizes[sub.kind], len(set))
	}
	for kind, s := range sizes {
		slices.Sort(s)
		t.Logf("kind %v: %d responses, anonymity sets %d–%d codes", scenario[kind], len(s), s[0], s[len(s)-1])
	}
	if sizes[0][0] != k || sizes[0][len(sizes[0])-1] != 47-k {
		t.Errorf("the 47 of kind 0 moved in sets of %d–%d, want %d (at 2k) and %d (at the close)", sizes[0][0], sizes[0][len(sizes[0])-1], k, 47-k)
	}
	// After the close, the campaign's keys are destroyed: the issue files
	// no longer map to the stored hashes, whatever copy is at hand.
	b, err := os.ReadFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), fmt.Sprintf("%q", fmt.Sprint(c.ID))) {
		t.Errorf("the key file still holds the closed campaign's keys:\n%s", b)
	}
	err = db.View(ctx, func(tx *store.Tx) error { _, err := tx.HashCode(ctx, c.ID, "ABCD-EFGH-JKMN"); return err })
	if e := pinggu.AsError(err); e.Code != pinggu.ENotFound {
		t.Errorf("a closed campaign's code still hashes: %v", err)
	}
}

// replayWAL applies the WAL's frames to the main file, calling fn with the
// database image after each commit (a frame with a database size).
func replayWAL(t *testing.T, main, wal []byte, fn func(image []byte)) {
	t.Helper()
	if len(wal) < 32 {
		t.Fatal("no WAL")
	}
	ps := int(binary.BigEndian.Uint32(wal[8:12]))
	salt := wal[16:24]
	image := bytes.Clone(main)
	for off := 32; off+24+ps <= len(wal); off += 24 + ps {
		h := wal[off : off+24]
		if !bytes.Equal(h[8:16], salt) {
			break
		}
		pgno := int(binary.BigEndian.Uint32(h[0:4]))
		if need := pgno * ps; len(image) < need {
			image = append(image, make([]byte, need-len(image))...)
		}
		copy(image[(pgno-1)*ps:], wal[off+24:off+24+ps])
		if size := int(binary.BigEndian.Uint32(h[4:8])); size != 0 {
			image = image[:size*ps]
			fn(image)
		}
	}
}

// readState opens a database image (as a rollback-journal database, so
// that it needs no WAL) and reads what the attacker links with.
func readState(t *testing.T, image []byte, campaign int64) *state {
	t.Helper()
	img := bytes.Clone(image)
	img[18], img[19] = 1, 1 // file format: legacy, not WAL
	p := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(p, img, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	defer os.Remove(p)
	s := &state{spent: map[string]string{}, inbox: map[string]string{}, responses: map[string]string{}, comments: map[string]string{}, image: image}
	read := func(q string, fn func(*sql.Rows) error) {
		rows, err := db.Query(q, campaign)
		if err != nil {
			if strings.Contains(err.Error(), "no such table") {
				return // a state before the migrations
			}
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				t.Fatal(err)
			}
		}
	}
	read("SELECT hash, unit_id, category FROM survey_codes WHERE campaign_id = $1 AND state = 'spent'", func(r *sql.Rows) error {
		var h, cat string
		var u int64
		err := r.Scan(&h, &u, &cat)
		s.spent[h] = fmt.Sprintf("%d/%s", u, cat)
		return err
	})
	read("SELECT id, unit_id, category, channel FROM response_inbox WHERE campaign_id = $1", func(r *sql.Rows) error {
		var id, cat, ch string
		var u int64
		err := r.Scan(&id, &u, &cat, &ch)
		s.inbox[id] = fmt.Sprintf("%d/%s/%s", u, cat, ch)
		return err
	})
	read("SELECT id, unit_id, category, channel, comment FROM responses WHERE campaign_id = $1", func(r *sql.Rows) error {
		var id, cat, ch, cm string
		var u int64
		err := r.Scan(&id, &u, &cat, &ch, &cm)
		s.responses[id] = fmt.Sprintf("%d/%s/%s", u, cat, ch)
		s.comments[id] = cm
		return err
	})
	return s
}

// TestPostgresLinksNothing runs the scenario on PostgreSQL and joins as a
// reader with SELECT would: during fieldwork, inbox rows and spent codes on
// xmin (the join holds, and shows nothing of a response); after the close,
// responses and spent codes on xmin, the order of each move's rows on disk
// (ctid) against their random ids, and their ids against the inbox's.
func TestPostgresLinksNothing(t *testing.T) {
	pg := storetest.Postgres(t)
	db := pg.Open(t)
	q := db.SQL()
	waited := map[string]bool{}
	c, subs := runScenario(t, db, 11, func(c *pinggu.Campaign, subs []submission) {
		// During fieldwork: the xmin join ties a spent code to its inbox
		// row (the finding: 13 of 13 links), which now shows nothing of
		// the response.
		rows, err := q.Query(`SELECT i.id, i.sealed FROM response_inbox i JOIN survey_codes c ON c.xmin::text = i.xmin::text`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			var sealed []byte
			rows.Scan(&id, &sealed)
			waited[id] = true
			for _, s := range subs {
				if bytes.Contains(sealed, []byte(s.comment)) {
					t.Error("an inbox row joined to its code on xmin shows the response")
				}
			}
		}
		rows.Close()
		if len(waited) == 0 {
			t.Error("no inbox row joined its code on xmin: the check saw nothing")
		}
		var cols []string
		rows, _ = q.Query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'response_inbox' AND table_schema = current_schema() ORDER BY column_name`)
		for rows.Next() {
			var col string
			rows.Scan(&col)
			cols = append(cols, col)
		}
		rows.Close()
		if strings.Join(cols, ",") != "campaign_id,category,channel,id,sealed,unit_id" {
			t.Errorf("the inbox shows more than its sealed rows need: %v", cols)
		}
	})
	var shared int
	if err := q.QueryRow(`SELECT COUNT(*) FROM responses r JOIN survey_codes c ON r.xmin::text = c.xmin::text`).Scan(&shared); err != nil || shared != 0 {
		t.Errorf("%d responses share a transaction with a spent code (%v)", shared, err)
	}
	rows, err := q.Query(`SELECT xmin::text, id FROM responses WHERE campaign_id = $1 ORDER BY xmin::text::bigint, ctid`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	batches := map[string][]string{}
	for rows.Next() {
		var x, id string
		rows.Scan(&x, &id)
		batches[x] = append(batches[x], id)
	}
	rows.Close()
	if len(batches) != 2 {
		t.Errorf("%d moves, want 2 (k of the large kind at 2k, then everything at the close)", len(batches))
	}
	for x, ids := range batches {
		if !slices.IsSorted(ids) {
			t.Errorf("the move in transaction %s wrote its rows in an order other than their random ids", x)
		}
	}
	var dead int
	q.QueryRow(`SELECT COUNT(*) FROM response_inbox`).Scan(&dead)
	if dead != 0 {
		t.Errorf("%d responses still wait after the close", dead)
	}
	var stored int
	q.QueryRow(`SELECT COUNT(*) FROM responses WHERE campaign_id = $1`, c.ID).Scan(&stored)
	if stored != len(subs) {
		t.Errorf("%d responses stored, want %d", stored, len(subs))
	}
	for _, ids := range batches {
		for _, id := range ids {
			if waited[id] {
				t.Fatal("a response kept the id it had in the inbox")
			}
		}
	}
}

// TestLegacySecretLeavesTheDatabase opens a database as an earlier version
// left it — one code key in its settings, a response waiting in the clear
// — and finds the key moved to the key file for the open campaign (its
// codes still work), gone from the database, and the response moved and
// counted.
func TestLegacySecretLeavesTheDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dsn, dir := e.DSN(t), t.TempDir()
			db, err := store.Open(ctx, dsn, store.Options{Keys: filepath.Join(dir, "old.keys")})
			if err != nil {
				t.Fatal(err)
			}
			city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
			unit := mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city)
			c := newCampaign(t, db, "2026")
			secret := []byte("0123456789abcdef0123456789abcdef")
			code := pinggu.NewCode()
			err = db.Update(ctx, cli, func(tx *store.Tx) error {
				for _, to := range []pinggu.CampaignState{pinggu.StatePublished, pinggu.StateFieldwork} {
					if _, err := tx.AdvanceCampaign(ctx, c.ID, to); err != nil {
						return err
					}
				}
				if err := tx.SetSetting(ctx, "survey.secret", hex.EncodeToString(secret)); err != nil {
					return err
				}
				return tx.IssueCodes(ctx, c.ID, unit.ID, "党员", "b", []string{pinggu.HashCode(secret, code)})
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL().Exec(`INSERT INTO response_inbox_legacy (id, campaign_id, unit_id, category, channel, day, answers, overall, comment)
				VALUES ('abc', $1, $2, '党员', 'online', '2026-12-01', '{"L1.1":0}', 1, '旧意见')`, c.ID, unit.ID); err != nil {
				t.Fatal(err)
			}
			db.Close()
			keys := filepath.Join(dir, "pinggu.keys")
			if db, err = store.Open(ctx, dsn, store.Options{Keys: keys}); err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			err = db.View(ctx, func(tx *store.Tx) error {
				if s, err := tx.Setting(ctx, "survey.secret"); err != nil || s != "" {
					t.Errorf("the code key is still in the database: %q (%v)", s, err)
				}
				got, err := tx.FindCode(ctx, code)
				if err != nil || got.Campaign != c.ID {
					t.Errorf("a code issued before the key file: %+v, %v", got, err)
				}
				n := 0
				err = tx.EachResponse(ctx, c.ID, func(r *pinggu.Response) error {
					n++
					if r.ID == "abc" || r.Comment != "旧意见" || r.Overall != 1 {
						t.Errorf("moved legacy response: %+v", r)
					}
					return nil
				})
				if n != 1 {
					t.Errorf("%d responses after the upgrade, want the 1 that waited", n)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var waiting int
			db.SQL().QueryRow("SELECT COUNT(*) FROM response_inbox_legacy").Scan(&waiting)
			if waiting != 0 {
				t.Errorf("%d legacy responses still wait", waiting)
			}
			if st, err := os.Stat(keys); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("key file: %v, %v", st, err)
			}
		})
	}
}
