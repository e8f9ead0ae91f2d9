package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"pinggu"
	"pinggu/internal/bench"
	"pinggu/internal/store"
)

const benchHelp = `Usage:
  pinggu bench survey [--n 20000] [--c 64] [--duration 30s] [--db FILE|DSN]
  pinggu bench export [--n 1000000] [--out DIR] [--db FILE|DSN]
  pinggu bench reports [--n 4000] [--out DIR] [--db FILE|DSN]

export and reports build a synthetic city in a scratch database (10
counties of 9 evaluated units and 90 municipal units: 100 report areas)
and load N responses without codes. export then times the streamed export
of every response as CSV and XLSX against a baseline that only reads the
rows, with each phase's peak resident memory. reports times the results,
every area's report and the city summary in DOCX, HTML and XLSX, against a
baseline that zips the same bytes again. --out keeps the files.

survey measures survey intake. It builds a synthetic city of one municipal
unit in a scratch database (a new SQLite file in a temporary folder unless
--db names one — never point it at a real database), issues N codes for
that unit (the same leadership form as every municipal unit), serves pinggu on
a loopback port and runs C concurrent respondents, each flow a GET of the
form and a POST of the answers, until the codes run out or the duration
ends. Then it serves a bare net/http handler that returns a page of the
same size and runs the same flows against it, as the ceiling. It reports
flows/s, p50 and p99 of both, and checks that the responses stored equal
the flows that succeeded.`

func runBench(e *env, args []string) error {
	fs := newFlags(e, "bench", benchHelp)
	dsn := fs.String("db", "", "scratch database (default: a new SQLite file in a temporary folder)")
	n := fs.Int("n", 20000, "codes to issue: the most flows")
	c := fs.Int("c", 64, "concurrent clients")
	d := fs.Duration("duration", 30*time.Second, "the longest each run lasts")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the pinggu run to this file")
	out := fs.String("out", "", "keep the exported files or reports in this directory")
	if err := verb(fs, args, "survey", "export", "reports"); err != nil {
		return err
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	nSet := false
	fs.Visit(func(f *flag.Flag) { nSet = nSet || f.Name == "n" })
	if args[0] == "survey" && (*n < 1 || *c < 1 || *c > 4096 || *d <= 0) {
		return pinggu.Invalid("bench.invalid", []pinggu.Problem{pinggu.NewProblem(0, "n/c/duration", "bench.range")})
	}
	db, done, err := e.scratch(*dsn, *out)
	if err != nil {
		return err
	}
	defer done()
	switch args[0] {
	case "export":
		if !nSet {
			*n = 1000000
		}
		return bench.Export(e.ctx, db, e.stdout, bench.City, *n, *out, *profile)
	case "reports":
		if !nSet {
			*n = 4000
		}
		return bench.Reports(e.ctx, db, e.stdout, bench.City, *n, *out)
	}
	res, err := bench.Survey(e.ctx, db, e.stdout, bench.SurveyOptions{N: *n, C: *c, Duration: *d, CPUProfile: *profile})
	if err != nil {
		return err
	}
	if res.Stored != res.Pinggu.OK {
		fmt.Fprintln(e.stderr, "pinggu bench: the stored responses do not equal the successful flows")
		return ExitError{1}
	}
	if res.Pinggu.Failed > 0 {
		fmt.Fprintf(e.stderr, "pinggu bench: %d flows failed, first: %s\n", res.Pinggu.Failed, res.Pinggu.FirstErr)
		return ExitError{1}
	}
	return nil
}

// scratch opens a scratch database: dsn, or a new SQLite file that is
// removed by the returned function; out, when named, is made.
func (e *env) scratch(dsn, out string) (*store.DB, func(), error) {
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, nil, pinggu.Internal(err)
		}
	}
	cleanup := func() {}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "pinggu-bench-")
		if err != nil {
			return nil, nil, pinggu.Internal(err)
		}
		cleanup = func() { os.RemoveAll(dir) }
		dsn = filepath.Join(dir, "bench.db")
	}
	db, err := e.open(dsn)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, func() { db.Close(); cleanup() }, nil
}
