package store_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

var ctx = context.Background()

var cli = store.Actor{Login: "cli:test"}

// TestMigrationsInStep keeps the two dialects' migration folders at the same
// version numbers and names.
func TestMigrationsInStep(t *testing.T) {
	list := func(dir string) []string {
		var names []string
		err := filepath.WalkDir(filepath.Join("migrations", dir), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names = append(names, d.Name())
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(names)
		return names
	}
	lite, pg := list("sqlite"), list("postgres")
	if strings.Join(lite, ",") != strings.Join(pg, ",") {
		t.Fatalf("migrations differ:\nsqlite   %v\npostgres %v", lite, pg)
	}
	if len(lite) == 0 {
		t.Fatal("no migrations")
	}
}

func TestOpenTwiceMigratesOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dsn, keys := e.DSN(t), filepath.Join(t.TempDir(), "pinggu.keys")
			for i := 0; i < 2; i++ {
				db, err := store.Open(ctx, dsn, store.Options{Keys: keys})
				if err != nil {
					t.Fatalf("open %d: %v", i, err)
				}
				db.Close()
			}
		})
	}
}

func TestSQLiteIsOneFileWithWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.SQL().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := db.SQL().QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	// FULL (2): an acknowledged commit has reached the disk.
	var sync int
	if err := db.SQL().QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
		t.Errorf("synchronous = %d, %v; want 2 (FULL)", sync, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

// mkUnit creates a unit under parent (nil for a root).
func mkUnit(t *testing.T, db *store.DB, code, name string, kind pinggu.UnitKind, parent *pinggu.Unit) *pinggu.Unit {
	t.Helper()
	u := &pinggu.Unit{Code: code, Name: name, Kind: kind, Headcount: 10}
	if parent != nil {
		u.ParentID = parent.ID
	}
	err := db.Update(ctx, cli, func(tx *store.Tx) error {
		if err := tx.CheckPlacement(ctx, u); err != nil {
			return err
		}
		return tx.CreateUnit(ctx, u)
	})
	if err != nil {
		t.Fatalf("create %s: %v", code, err)
	}
	return u
}

func TestUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		gl := mkUnit(t, db, "321002", "广陵区", pinggu.KindCounty, city)
		hj := mkUnit(t, db, "321003", "邗江区", pinggu.KindCounty, city)
		// The same name under two parents is normal.
		a := mkUnit(t, db, "321002901", "东山街道", pinggu.KindTownship, gl)
		b := mkUnit(t, db, "321003901", "东山街道", pinggu.KindTownship, hj)
		br := mkUnit(t, db, "", "第一党支部", pinggu.KindBranch, a)
		mkUnit(t, db, "", "第一党支部", pinggu.KindBranch, b)

		db.View(ctx, func(tx *store.Tx) error {
			got, err := tx.Unit(ctx, br.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "第一党支部" || got.ParentCode != "321002901" || got.Code != "" || got.Headcount != 10 {
				t.Errorf("branch = %+v", got)
			}
			if got.CreatedAt.IsZero() || got.CreatedAt.Location() != time.UTC {
				t.Errorf("created_at = %v", got.CreatedAt)
			}
			path, err := tx.UnitPath(ctx, br.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := []int64{a.ID, gl.ID, city.ID}; !equalIDs(path.Ancestors, want) {
				t.Errorf("ancestors = %v, want %v", path.Ancestors, want)
			}
			all, _ := tx.Units(ctx)
			if len(all) != 7 || all[0].ID != city.ID {
				t.Errorf("units = %d, first %v", len(all), all[0].Name)
			}
			found, _ := tx.SearchUnits(ctx, "东山", 10)
			if len(found) != 2 {
				t.Errorf("search 东山 = %d units", len(found))
			}
			found, _ = tx.SearchUnits(ctx, "%", 10)
			if len(found) != 0 {
				t.Errorf("search %% matched %d units; LIKE wildcards must be literal", len(found))
			}
			counts, _ := tx.UnitCounts(ctx)
			if counts[1].Kind != pinggu.KindCounty || counts[1].Units != 2 || counts[1].Headcount != 20 {
				t.Errorf("counts = %+v", counts)
			}
			_, err = tx.Unit(ctx, 999999)
			if pinggu.ErrorCodeOf(err) != pinggu.ENotFound {
				t.Errorf("missing unit: %v", err)
			}
			return nil
		})

		// A duplicate code is a conflict, and nothing is written.
		err := db.Update(ctx, cli, func(tx *store.Tx) error {
			return tx.CreateUnit(ctx, &pinggu.Unit{Code: "321002", Name: "x", Kind: pinggu.KindCounty, ParentID: city.ID})
		})
		if pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("duplicate code: %v", err)
		}
		// A county cannot go under a township, nor a township under itself.
		err = db.Update(ctx, cli, func(tx *store.Tx) error {
			return tx.CheckPlacement(ctx, &pinggu.Unit{Code: "321009", Name: "x", Kind: pinggu.KindCounty, ParentID: a.ID})
		})
		if pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("county under township: %v", err)
		}
		ref := mkUnit(t, db, "R1", "扬州大学", pinggu.KindReferenceUnit, city)
		ref2 := mkUnit(t, db, "R2", "文学院", pinggu.KindReferenceUnit, ref)
		err = db.Update(ctx, cli, func(tx *store.Tx) error {
			u := *ref
			u.ParentID = ref2.ID
			return tx.CheckPlacement(ctx, &u)
		})
		if e := pinggu.AsError(err); e.Code != pinggu.EInvalid || e.Problems[0].Key != "unit.cycle" {
			t.Errorf("cycle: %v", err)
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestUpdateUnitAuditsOnlyChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		count := func() int {
			var n int
			db.View(ctx, func(tx *store.Tx) error {
				es, _ := tx.AuditEntries(ctx, store.AuditFilter{Limit: 1000})
				n = len(es)
				return nil
			})
			return n
		}
		before := count()
		u := *city
		db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateUnit(ctx, &u) })
		if count() != before {
			t.Error("unchanged update wrote an audit row")
		}
		u.Headcount = 99
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateUnit(ctx, &u) }); err != nil {
			t.Fatal(err)
		}
		if count() != before+1 {
			t.Error("update did not write one audit row")
		}
		db.View(ctx, func(tx *store.Tx) error {
			es, _ := tx.AuditEntries(ctx, store.AuditFilter{ObjectType: "unit", Limit: 1})
			if len(es) != 1 || !strings.Contains(es[0].Before, `"headcount":10`) || !strings.Contains(es[0].After, `"headcount":99`) {
				t.Errorf("audit row = %+v", es)
			}
			if es[0].Actor != "cli:test" {
				t.Errorf("actor = %q", es[0].Actor)
			}
			return nil
		})
	})
}

func TestFailedTransactionWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var auditBefore int
		db.View(ctx, func(tx *store.Tx) error {
			es, _ := tx.AuditEntries(ctx, store.AuditFilter{})
			auditBefore = len(es)
			return nil
		})
		err := db.Update(ctx, cli, func(tx *store.Tx) error {
			if err := tx.CreateUnit(ctx, &pinggu.Unit{Code: "3210", Name: "扬州市", Kind: pinggu.KindCity}); err != nil {
				return err
			}
			return pinggu.Errorf(pinggu.EInvalid, "test.abort")
		})
		if pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Fatal(err)
		}
		db.View(ctx, func(tx *store.Tx) error {
			all, _ := tx.Units(ctx)
			es, _ := tx.AuditEntries(ctx, store.AuditFilter{})
			if len(all) != 0 || len(es) != auditBefore {
				t.Errorf("rolled back transaction left %d units, %d new audit rows", len(all), len(es)-auditBefore)
			}
			return nil
		})
	})
}
