package store_test

import (
	"fmt"
	"testing"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// TestAuditChainDetectsTampering edits the table behind pinggu's back in
// each way an insider might, and checks that verification names the row.
func TestAuditChainDetectsTampering(t *testing.T) {
	cases := []struct {
		name   string
		sql    []string
		seq    int64
		reason string
	}{
		{"intact", nil, 0, ""},
		{"edited", []string{`UPDATE audit_log SET after = '{"name":"改过"}' WHERE seq = 3`}, 3, "edited"},
		{"actor changed", []string{`UPDATE audit_log SET actor = 'someone' WHERE seq = 2`}, 2, "edited"},
		{"deleted middle", []string{`DELETE FROM audit_log WHERE seq = 3`}, 4, "deleted"},
		{"deleted last", []string{`DELETE FROM audit_log WHERE seq = 5`}, 5, "deleted"},
		{"reordered", []string{
			`UPDATE audit_log SET seq = 100 WHERE seq = 2`,
			`UPDATE audit_log SET seq = 2 WHERE seq = 3`,
			`UPDATE audit_log SET seq = 3 WHERE seq = 100`}, 2, "inserted"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				// Fresh rows for each case: wipe and rebuild five entries.
				db.SQL().Exec("DELETE FROM audit_log")
				db.SQL().Exec("DELETE FROM settings")
				for i := 1; i <= 5; i++ {
					err := db.Update(ctx, cli, func(tx *store.Tx) error {
						return tx.Audit(ctx, "test.step", "test", i, nil, map[string]int{"step": i})
					})
					if err != nil {
						t.Fatal(err)
					}
				}
				for _, q := range c.sql {
					if _, err := db.SQL().Exec(q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				var rep store.AuditReport
				err := db.View(ctx, func(tx *store.Tx) (err error) { rep, err = tx.VerifyAudit(ctx); return })
				if err != nil {
					t.Fatal(err)
				}
				got := "intact"
				if rep.Break != nil {
					got = fmt.Sprintf("%d %s", rep.Break.Seq, rep.Break.Reason)
				}
				want := "intact"
				if c.reason != "" {
					want = fmt.Sprintf("%d %s", c.seq, c.reason)
				}
				if got != want {
					t.Errorf("verify = %s, want %s", got, want)
				}
			})
		}
	})
}

func TestAuditChainPages(t *testing.T) {
	db := storetest.OpenSQLite(t)
	db.SQL().Exec("DELETE FROM audit_log") // start from an empty chain
	db.SQL().Exec("DELETE FROM settings")
	err := db.Update(ctx, cli, func(tx *store.Tx) error {
		for i := 0; i < 12000; i++ {
			if err := tx.Audit(ctx, "test.bulk", "test", i, nil, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var rep store.AuditReport
	db.View(ctx, func(tx *store.Tx) (err error) { rep, err = tx.VerifyAudit(ctx); return })
	if rep.Break != nil || rep.Rows != 12000 {
		t.Errorf("report = %+v", rep)
	}
	db.SQL().Exec("UPDATE audit_log SET action = 'x' WHERE seq = 7001")
	db.View(ctx, func(tx *store.Tx) (err error) { rep, err = tx.VerifyAudit(ctx); return })
	if rep.Break == nil || rep.Break.Seq != 7001 {
		t.Errorf("report after edit = %+v", rep.Break)
	}
}

func TestAuditHashIsStable(t *testing.T) {
	// A golden value, computed independently in Python:
	//   c = json.dumps(["1","0001-01-01T00:00:00.000000Z","0","cli:root","unit.create","unit","1","",
	//                   '{"name":"扬州市"}'], ensure_ascii=False, separators=(",", ":"))
	//   sha256(("0"*64 + "\n" + c).encode()).hexdigest()
	// Changing the canonical form would break every existing chain.
	e := pinggu.AuditEntry{Seq: 1, Actor: "cli:root", Action: "unit.create", ObjectType: "unit", ObjectID: "1",
		After: `{"name":"扬州市"}`, PrevHash: pinggu.GenesisHash}
	if got, want := e.ComputeHash(), "a034f7801e475905448e6ffc3352ebd238495ce0d7275f8df360d63ed5e167a9"; got != want {
		t.Fatalf("hash = %s, want %s", got, want)
	}
	e2 := e
	e2.After = `{"name":"扬州市 "}`
	if e.ComputeHash() == e2.ComputeHash() {
		t.Error("different content, same hash")
	}
}
