package cli

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pinggu"
	"pinggu/internal/bench"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
	"pinggu/internal/survey"
)

// TestMain lets the test binary stand in for the pinggu binary: run with
// PINGGU_TEST_MAIN set, it runs the arguments after "--" as pinggu would,
// so that a test can kill a real server process.
func TestMain(m *testing.M) {
	if os.Getenv("PINGGU_TEST_MAIN") == "" {
		os.Exit(m.Run())
	}
	args := os.Args[1:]
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	err := Run(context.Background(), args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(0)
}

// TestKillUnderLoad serves a survey from a separate process, kills it with
// SIGKILL under 32 concurrent respondents, and starts it again, five times
// on each engine. Every acknowledged response is still there afterwards;
// on PostgreSQL, with another session holding the lock VACUUM needs, none
// of a killed server's connections — in VACUUM or otherwise — outlives it
// by more than a few seconds (issue 11: 27–29 stayed stuck in VACUUM a
// minute after a kill).
func TestKillUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real server processes")
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { killUnderLoad(t, e.DSN(t)) })
	}
}

func killUnderLoad(t *testing.T, dsn string) {
	{
		keys := filepath.Join(t.TempDir(), "pinggu.keys")
		db, err := store.Open(context.Background(), dsn, store.Options{Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx := context.Background()
		cp, unit := killScenario(t, db)
		const rounds, per = 5, 3000
		var codes []string
		for len(codes) < rounds*per {
			batch, _, err := survey.Issue(ctx, db, store.Actor{Login: "cli:test"}, cp, unit, "", min(survey.MaxBatch, rounds*per-len(codes)))
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, batch...)
		}
		answers, err := bench.Answers(ctx, db, codes[0])
		if err != nil {
			t.Fatal(err)
		}
		acknowledged := 0
		if store.IsPostgres(dsn) {
			// Another session (another instance's VACUUM, autovacuum) holds
			// the lock a VACUUM needs throughout: a VACUUM that queued for
			// it would outlive its killed server.
			storetest.HoldVacuumLock(t, dsn)
		}
		for round := range rounds {
			app := fmt.Sprintf("pinggu-kill-%d-%d", os.Getpid(), round)
			addr := freeAddr(t)
			cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "serve", "--db", withApp(dsn, app), "--addr", addr, "--anchor-every", "0")
			cmd.Env = append(os.Environ(), "PINGGU_TEST_MAIN=1", "PINGGU_KEYS="+keys, "PINGGU_ANCHOR_KEY="+filepath.Join(t.TempDir(), "anchor.key"))
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			base := "http://" + addr
			waitUp(t, base)
			stored := func() int {
				var n int
				db.View(ctx, func(tx *store.Tx) (err error) { n, err = tx.CountResponses(ctx, cp.ID, unit.ID); return })
				return n
			}
			before := stored()
			done := make(chan bench.Result)
			go func() { done <- bench.Flows(ctx, base, codes[round*per:(round+1)*per], answers, 32, 30*time.Second) }()
			// Kill once the load is well under way (however slow the
			// machine, or the race detector, makes it).
			for start := time.Now(); stored()-before < 50 && time.Since(start) < 20*time.Second; {
				time.Sleep(20 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			res := <-done
			acknowledged += res.OK
			if res.OK == 0 {
				t.Errorf("round %d: no flow succeeded before the kill (%s)", round, res.FirstErr)
			}
			if db.Dialect() == store.Postgres {
				if left := lingering(t, dsn, app, 10*time.Second); left != "" {
					t.Errorf("round %d: the killed server's connections outlive it: %s", round, left)
				}
			}
		}
		// Every acknowledged response survived the kills; the close moves
		// them all and finds them.
		var stored int
		err = db.Update(ctx, store.Actor{Login: "cli:test"}, func(tx *store.Tx) error {
			if _, err := tx.AdvanceCampaign(ctx, cp.ID, pinggu.StateClosed); err != nil {
				return err
			}
			stored, err = tx.CountResponses(ctx, cp.ID, unit.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if stored < acknowledged || stored > rounds*per {
			t.Errorf("%d responses stored after %d kills, %d acknowledged", stored, rounds, acknowledged)
		}
		t.Logf("%s: %d kills under load, %d responses acknowledged, %d stored", db.Dialect(), rounds, acknowledged, stored)
	}
}

// killScenario makes a municipal unit and a campaign in fieldwork.
func killScenario(t *testing.T, db *store.DB) (*pinggu.Campaign, *pinggu.Unit) {
	t.Helper()
	ctx := context.Background()
	actor := store.Actor{Login: "cli:test"}
	city := &pinggu.Unit{Code: "3210", Name: "扬州市", Kind: pinggu.KindCity}
	unit := &pinggu.Unit{Code: "M001", Name: "市委办公室", Kind: pinggu.KindMunicipalUnit, Headcount: 40}
	c := &pinggu.Campaign{Code: "2026", Name: "2026年主题教育第三方评估", Settings: pinggu.DefaultSettings()}
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		if err := tx.CreateUnit(ctx, city); err != nil {
			return err
		}
		unit.ParentID = city.ID
		if err := tx.CreateUnit(ctx, unit); err != nil {
			return err
		}
		if err := tx.UseBuiltinFrameworks(ctx, &c.Settings); err != nil {
			return err
		}
		c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{
			pinggu.StageSelfReport: "2026-12-05", pinggu.StageUnitDraw: "2026-12-08", pinggu.StageRosters: "2026-12-12",
			pinggu.StageFieldwork: "2026-12-25", pinggu.StageReports: "2026-12-31",
		}
		if err := tx.CreateCampaign(ctx, c); err != nil {
			return err
		}
		for _, to := range []pinggu.CampaignState{pinggu.StatePublished, pinggu.StateFieldwork} {
			next, err := tx.AdvanceCampaign(ctx, c.ID, to)
			if err != nil {
				return err
			}
			*c = *next
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, unit
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitUp(t *testing.T, base string) {
	t.Helper()
	for range 200 {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the server did not come up")
}

// withApp names the server's PostgreSQL connections (application_name),
// so that they can be told from every other session; a SQLite path is
// returned as it is.
func withApp(dsn, app string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	u, _ := url.Parse(dsn)
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	return u.String()
}

// lingering waits up to d for the sessions named app to end, and
// describes those left.
func lingering(t *testing.T, dsn, app string, d time.Duration) string {
	t.Helper()
	c, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var left []string
	for deadline := time.Now().Add(d); ; time.Sleep(100 * time.Millisecond) {
		left = left[:0]
		rows, err := c.Query("SELECT state, left(query, 40) FROM pg_stat_activity WHERE application_name = $1", app)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var state, query sql.NullString
			rows.Scan(&state, &query)
			left = append(left, state.String+": "+query.String)
		}
		rows.Close()
		if len(left) == 0 || time.Now().After(deadline) {
			return strings.Join(left, "; ")
		}
	}
}
