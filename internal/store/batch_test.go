package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// TestBatchIsolatesCalls runs 300 concurrent batched calls, more than one
// batch holds: every call that succeeds is stored, and every call that
// fails or panics leaves nothing, without harming the calls it shared a
// commit with.
func TestBatchIsolatesCalls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		boom := errors.New("refused")
		var wg sync.WaitGroup
		errs := make([]error, 300)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Batch(ctx, cli, func(tx *store.Tx) error {
					u := &pinggu.Unit{Code: fmt.Sprintf("3210%03d", i), Name: fmt.Sprintf("单位%d", i), Kind: pinggu.KindCounty, ParentID: city.ID, Headcount: 1}
					if err := tx.CreateUnit(ctx, u); err != nil {
						return err
					}
					switch i % 10 {
					case 3:
						return boom
					case 7:
						panic("a bad call")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		var units []pinggu.Unit
		db.View(ctx, func(tx *store.Tx) (err error) { units, err = tx.Units(ctx); return })
		stored := map[string]bool{}
		for _, u := range units {
			stored[u.Code] = true
		}
		for i, err := range errs {
			code := fmt.Sprintf("3210%03d", i)
			switch i % 10 {
			case 3:
				if !errors.Is(err, boom) || stored[code] {
					t.Fatalf("call %d: err %v, stored %v; want its own error and nothing stored", i, err, stored[code])
				}
			case 7:
				if pinggu.ErrorCodeOf(err) != pinggu.EInternal || stored[code] {
					t.Fatalf("call %d panicked: err %v, stored %v", i, err, stored[code])
				}
			default:
				if err != nil || !stored[code] {
					t.Fatalf("call %d: err %v, stored %v", i, err, stored[code])
				}
			}
		}
		if len(units) != 1+240 {
			t.Errorf("%d units stored, want 241", len(units))
		}
		if commits, calls := db.BatchStats(); db.Dialect() == store.SQLite && (calls != 300 || commits >= calls) {
			t.Errorf("%d calls in %d commits: nothing shared a commit", calls, commits)
		}
	})
}
