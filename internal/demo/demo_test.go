package demo_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/demo"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

func TestSeedBuildsTheCityOnceAndRenewsPasswords(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	first, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var counts []store.UnitCount
	var units []pinggu.Unit
	db.View(ctx, func(tx *store.Tx) (err error) {
		counts, _ = tx.UnitCounts(ctx)
		units, err = tx.Units(ctx)
		return
	})
	want := map[pinggu.UnitKind]int{pinggu.KindCity: 1, pinggu.KindCounty: 7, pinggu.KindTownship: 98}
	for _, c := range counts {
		if n, ok := want[c.Kind]; ok && c.Units != n {
			t.Errorf("%s: %d units, want %d (the real divisions)", c.Kind, c.Units, n)
		}
		if c.Units == 0 {
			t.Errorf("no %s in the demo", c.Kind)
		}
	}
	// Headcounts add up: each non-branch unit counts its branches and sub-units.
	sum := map[int64]int{}
	for _, u := range units {
		sum[u.ParentID] += u.Headcount
	}
	for _, u := range units {
		if u.Kind != pinggu.KindBranch && u.Headcount != sum[u.ID] {
			t.Errorf("%s headcount %d, its children sum to %d", u.Name, u.Headcount, sum[u.ID])
		}
	}

	// The published 2026 campaign: three groups cover every county and
	// municipal unit, and the first group's leader sees its 15.
	db.View(ctx, func(tx *store.Tx) error {
		c, err := tx.CampaignByCode(ctx, "2026")
		if err != nil || c.State != pinggu.StatePublished {
			t.Fatalf("campaign: %+v %v", c, err)
		}
		groups, _ := tx.Groups(ctx, c.ID)
		left, _ := tx.Unassigned(ctx, c.ID)
		if len(groups) != 3 || len(left) != 0 {
			t.Errorf("%d groups, %d unassigned", len(groups), len(left))
		}
		draws, _ := tx.Draws(ctx, c.ID)
		if len(draws) != 3 || draws[0].Label != "2026-units" || draws[1].Label != "2026-respondents" || draws[2].Kind != pinggu.DrawInterviewees {
			t.Fatalf("draws = %+v", draws)
		}
		_, rec, _ := tx.DrawRecord(ctx, draws[1].ID)
		nonResponses := 0
		for _, s := range rec.Strata {
			for _, e := range s.Order {
				if strings.HasPrefix(e.Status, "non_response:") {
					nonResponses++
				}
			}
		}
		if len(rec.Allocations) != 7 || rec.Allocations[0].Group != "321002" || nonResponses != 2 {
			t.Errorf("respondent draw: %d allocations, %d non-responses", len(rec.Allocations), nonResponses)
		}
		// Every unit answers most of its codes (the generator skips one in
		// ten, one in four in 广陵区), each code its own response.
		progress, _ := tx.SurveyProgress(ctx, c.ID)
		answered := 0
		for id, p := range progress {
			answered += p.Responses
			if p.Issued >= 4 && p.Responses*2 < p.Issued {
				t.Errorf("unit %d answered %d of %d codes", id, p.Responses, p.Issued)
			}
		}
		if answered < 1500 {
			t.Errorf("%d responses in the demo, want its ~1,950", answered)
		}
		// 32 online responses and 3 double-keyed paper ballots for
		// 市委办公室; one more ballot waits for reconciliation.
		m001, _ := tx.UnitByCode(ctx, "M001")
		n, _ := tx.CountResponses(ctx, c.ID, m001.ID)
		ms, _ := tx.Mismatches(ctx, c.ID)
		if n != 35 || len(ms) != 1 {
			t.Errorf("%d responses and %d mismatched ballots, want 35 and 1", n, len(ms))
		}
		// Fieldwork: self-assessments in every state, and four hearings in
		// each of the seven counties with findings on real items.
		checks, _ := tx.SelfChecks(ctx, c.ID, 0)
		states := map[string]int{}
		for _, sc := range checks {
			states[sc.Decision]++
		}
		if len(checks) != 11 || states[pinggu.SelfCheckAccept] != 4 || states[pinggu.SelfCheckReturn] != 2 {
			t.Errorf("self-assessments: %d, decisions %v", len(checks), states)
		}
		hs, _ := tx.Hearings(ctx, c.ID, 0)
		findings, photos := 0, 0
		for _, h := range hs {
			findings += len(h.Findings)
			for _, f := range h.Findings {
				photos += len(f.Evidence)
			}
		}
		if len(hs) != 28 || findings != 35 || photos != 7 {
			t.Errorf("%d hearings, %d findings, %d photos; want 28, 35, 7", len(hs), findings, photos)
		}
		guangling, _ := tx.UnitByCode(ctx, "321002")
		if r, err := tx.Report(ctx, c.ID, guangling.ID); err != nil || !strings.Contains(r.Sections["problems"], "（座谈会，") {
			t.Errorf("广陵区's draft report has no finding of a hearing: %v %q", err, r.Sections["problems"])
		}
		for _, login := range []string{"pinggu1", "luru1"} {
			u, _ := tx.UserByLogin(ctx, login)
			if len(u.Scope) != 15 {
				t.Errorf("%s sees %d units, want 15", login, len(u.Scope))
			}
		}
		return nil
	})

	second, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var again []pinggu.Unit
	db.View(ctx, func(tx *store.Tx) (err error) { again, err = tx.Units(ctx); return })
	if len(again) != len(units) {
		t.Errorf("second seed changed the registry: %d → %d units", len(units), len(again))
	}
	if len(first) != 8 || len(second) != 8 {
		t.Fatalf("accounts: %d, %d; want the 8 demo accounts", len(first), len(second))
	}
	a := auth.New(db)
	for i, acc := range second {
		if acc.Password == first[i].Password {
			t.Errorf("%s kept its password", acc.Login)
		}
		if _, err := a.Login(ctx, acc.Login, acc.Password, "127.0.0.1"); err != nil {
			t.Errorf("login %s with the printed password: %v", acc.Login, err)
		}
		if _, err := a.Login(ctx, acc.Login, first[i].Password, "127.0.0.2"); err == nil {
			t.Errorf("%s still accepts the old password", acc.Login)
		}
	}
}

// TestSeedRefusesARealDatabase: the demo's accounts, with their printed
// passwords, must never land in a real installation. A database holding
// anything of its own is refused before it is opened for writing (Check,
// read-only) and again inside Seed's transaction, and is left as it was.
func TestSeedRefusesARealDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { seedRefuses(t, e) })
	}
}

func seedRefuses(t *testing.T, e storetest.Engine) {
	ctx := context.Background()
	dsn := e.DSN(t)
	if err := demo.Check(ctx, dsn); err != nil {
		t.Fatalf("a fresh database is blank: %v", err)
	}
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	{
		admin := &pinggu.User{Login: "office", Name: "办公室", Role: pinggu.RoleAdmin}
		if err := auth.CreateUser(ctx, db, store.Actor{Login: "setup"}, admin, "a long password 1", pinggu.DefaultPasswordPolicy); err != nil {
			t.Fatal(err)
		}
		if err := demo.Check(ctx, dsn); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("Check on a database with an account: %v, want a conflict", err)
		}
		_, err := demo.Seed(ctx, db)
		if pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Fatalf("seed into a real database: %v, want a conflict", err)
		}
		var users []pinggu.User
		var counts []store.UnitCount
		var marker string
		db.View(ctx, func(tx *store.Tx) (err error) {
			users, _ = tx.Users(ctx)
			counts, _ = tx.UnitCounts(ctx)
			marker, err = tx.Setting(ctx, "demo.database")
			return
		})
		units := 0
		for _, c := range counts {
			units += c.Units
		}
		if len(users) != 1 || units != 0 || marker != "" {
			t.Errorf("after the refusal: %d users, %d units, marker %q; want the database unchanged", len(users), units, marker)
		}
	}
}

func TestCheckReadsWithoutWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	// A path that does not exist is blank, and Check does not create it.
	absent := filepath.Join(dir, "new.db")
	if err := demo.Check(ctx, absent); err != nil {
		t.Fatalf("absent file: %v", err)
	}
	if _, err := os.Stat(absent); !os.IsNotExist(err) {
		t.Errorf("Check created %s", absent)
	}

	// A real database: refused by name, its bytes unchanged.
	real := filepath.Join(dir, "real.db")
	db, err := store.Open(ctx, real, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := &pinggu.User{Login: "office", Name: "办公室", Role: pinggu.RoleAdmin}
	if err := auth.CreateUser(ctx, db, store.Actor{Login: "setup"}, u, "a long password 1", pinggu.DefaultPasswordPolicy); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := fileSums(t, real)
	err = demo.Check(ctx, real)
	if pinggu.ErrorCodeOf(err) != pinggu.EConflict || pinggu.AsError(err).Args["DB"] != real {
		t.Errorf("real database: %v, want a conflict naming %s", err, real)
	}
	if after := fileSums(t, real); after != before {
		t.Errorf("Check changed the files:\n%s\n%s", before, after)
	}

	// Another program's SQLite file is not blank either.
	other := filepath.Join(dir, "other.db")
	sqldb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Exec("CREATE TABLE accounts (id INTEGER)"); err != nil {
		t.Fatal(err)
	}
	sqldb.Close()
	if err := demo.Check(ctx, other); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
		t.Errorf("another program's database: %v, want a conflict", err)
	}

	// A migrated but empty pinggu database is blank.
	empty := filepath.Join(dir, "empty.db")
	db, err = store.Open(ctx, empty, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := demo.Check(ctx, empty); err != nil {
		t.Errorf("empty pinggu database: %v", err)
	}
}

// fileSums hashes a SQLite database and its WAL, if any. A read-only
// connection may leave an empty WAL file behind (SQLite makes one to read
// in WAL mode); an empty one holds nothing and is not counted.
func fileSums(t *testing.T, path string) string {
	t.Helper()
	var out string
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) || (err == nil && len(b) == 0 && p != path) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%s %x\n", filepath.Base(p), sha256.Sum256(b))
	}
	return out
}
