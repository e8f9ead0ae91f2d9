package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// TestVacuumNeverQueues: on PostgreSQL the inbox is vacuumed after each
// move, and a VACUUM that queues for the table's lock outlives a killed
// server, a connection each. With another session holding the lock
// (another instance, autovacuum), the move still returns at once and no
// session is left waiting in VACUUM.
func TestVacuumNeverQueues(t *testing.T) {
	pg := storetest.Postgres(t)
	dsn := pg.DSN(t)
	db, err := store.Open(ctx, dsn, store.Options{Keys: filepath.Join(t.TempDir(), "pinggu.keys")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
	unit := mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city)
	c := newCampaign(t, db, "2026")
	// Another session holds the lock a VACUUM needs, in a transaction
	// left open.
	other := storetest.HoldVacuumLock(t, dsn)
	// 2k responses of one kind wait: k of them move.
	k := pinggu.MinAnonymity
	for i := range 2 * k {
		err := db.Update(ctx, cli, func(tx *store.Tx) error {
			hash, err := tx.HashCodes(ctx, c.ID, []string{fmt.Sprintf("v%03d", i)})
			if err != nil {
				return err
			}
			if err := tx.IssueCodes(ctx, c.ID, unit.ID, "", "b", hash); err != nil {
				return err
			}
			_, err = tx.Submit(ctx, hash[0], &pinggu.Response{CampaignID: c.ID, UnitID: unit.ID, Channel: "online", Day: "2026-12-10", Answers: map[string]int{}, Overall: 0})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	done := make(chan struct{})
	// Mix looks at every k-th submit of a kind: the k-th call moves.
	kind := store.Kind{Campaign: c.ID, Unit: unit.ID, Channel: "online"}
	for range k - 1 {
		db.Mix(ctx, kind)
	}
	go func() { db.Mix(context.Background(), kind); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the move waited for the vacuum's lock")
	}
	var waiting int
	other.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE query ILIKE 'VACUUM%' AND state <> 'idle'`).Scan(&waiting)
	if waiting != 0 {
		t.Errorf("%d sessions still in VACUUM", waiting)
	}
	var moved int
	db.SQL().QueryRow("SELECT COUNT(*) FROM responses").Scan(&moved)
	if moved != k {
		t.Errorf("%d responses moved, want %d", moved, k)
	}
	t.Logf("move and vacuum returned in %v with the table locked elsewhere", time.Since(start))
}
