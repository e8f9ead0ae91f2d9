package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pinggu"
	"pinggu/internal/demo"
	"pinggu/internal/store"
	"pinggu/internal/survey"
	"pinggu/internal/web"
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

survey measures survey intake. It seeds the demo city into a scratch database (a
new SQLite file in a temporary folder unless --db names one — never point
it at a real database), issues N codes for 扬州市委办公室, serves pinggu on
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
	switch args[0] {
	case "export":
		if !nSet {
			*n = 1000000
		}
		return benchExport(e, *dsn, *n, *out, *profile)
	case "reports":
		if !nSet {
			*n = 4000
		}
		return benchReports(e, *dsn, *n, *out)
	}
	if *n < 1 || *c < 1 || *c > 4096 || *d <= 0 {
		return pinggu.Invalid("bench.invalid", []pinggu.Problem{pinggu.NewProblem(0, "n/c/duration", "bench.range")})
	}
	if *dsn == "" {
		dir, err := os.MkdirTemp("", "pinggu-bench-")
		if err != nil {
			return pinggu.Internal(err)
		}
		defer os.RemoveAll(dir)
		*dsn = filepath.Join(dir, "bench.db")
	}
	db, err := e.open(*dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := demo.Seed(e.ctx, db); err != nil {
		return err
	}
	var cp *pinggu.Campaign
	var unit *pinggu.Unit
	var before int
	err = db.View(e.ctx, func(tx *store.Tx) (err error) {
		if cp, err = tx.CampaignByCode(e.ctx, "2026"); err != nil {
			return err
		}
		if unit, err = tx.UnitByCode(e.ctx, "M001"); err != nil {
			return err
		}
		before, err = tx.CountResponses(e.ctx, cp.ID, unit.ID)
		return err
	})
	if err != nil {
		return err
	}
	start := time.Now()
	var codes []string
	for len(codes) < *n {
		batch, _, err := survey.Issue(e.ctx, db, store.Actor{Login: "cli:bench"}, cp, unit, "", min(survey.MaxBatch, *n-len(codes)))
		if err != nil {
			return err
		}
		codes = append(codes, batch...)
	}
	fmt.Fprintf(e.stdout, "%s: %s, %d codes issued in %v\n", db.Dialect(), *dsn, len(codes), time.Since(start).Round(time.Millisecond))
	answers, err := benchAnswers(e.ctx, db, codes[0])
	if err != nil {
		return err
	}

	srv, err := web.New(db, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		return err
	}
	defer srv.Close()
	base, stop, err := listen(srv)
	if err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return pinggu.Internal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return pinggu.Internal(err)
		}
	}
	commits0, calls0 := db.BatchStats()
	real := benchFlows(e.ctx, base, codes, answers, *c, *d)
	commits, calls := db.BatchStats()
	pprof.StopCPUProfile()
	stop()
	var after int
	if err := db.View(e.ctx, func(tx *store.Tx) (err error) { after, err = tx.CountResponses(e.ctx, cp.ID, unit.ID); return }); err != nil {
		return err
	}

	// The ceiling: net/http alone, a page of the same size, the same flows.
	page := strings.Repeat("x", real.pageBytes)
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.ParseForm()
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	base, stop, err = listen(bare)
	if err != nil {
		return err
	}
	ceiling := benchFlows(e.ctx, base, codes, answers, *c, *d)
	stop()

	rows := [][]string{{"", "flows", "errors", "flows/s", "p50", "p99", "form bytes"}}
	for _, r := range []struct {
		name string
		res  benchResult
	}{{"pinggu", real}, {"net/http", ceiling}} {
		rows = append(rows, []string{r.name, fmt.Sprint(r.res.ok), fmt.Sprint(r.res.failed), fmt.Sprintf("%.0f", r.res.rate()),
			r.res.pct(0.50).String(), r.res.pct(0.99).String(), fmt.Sprint(r.res.pageBytes)})
	}
	fmt.Fprintf(e.stdout, "C=%d, at most %v per run\n", *c, *d)
	writeTable(e.stdout, "  ", rows)
	stored := after - before
	fmt.Fprintf(e.stdout, "responses stored %d, successful flows %d\n", stored, real.ok)
	if commits > commits0 {
		fmt.Fprintf(e.stdout, "group commit: %d submits in %d durable commits, %.1f per commit\n",
			calls-calls0, commits-commits0, float64(calls-calls0)/float64(commits-commits0))
	}
	if stored != real.ok {
		fmt.Fprintln(e.stderr, "pinggu bench: the stored responses do not equal the successful flows")
		return ExitError{1}
	}
	if real.failed > 0 {
		fmt.Fprintf(e.stderr, "pinggu bench: %d flows failed, first: %s\n", real.failed, real.firstErr)
		return ExitError{1}
	}
	return nil
}

// benchAnswers fills every question of code's form, as a respondent would.
func benchAnswers(ctx context.Context, db *store.DB, code string) (string, error) {
	b, err := survey.Open(ctx, db, code)
	if err != nil {
		return "", err
	}
	v := url.Values{pinggu.OverallCode: {"1"}, "comment": {"希望多到基层听取意见"}}
	for i, q := range b.Form.Questions {
		v.Set(q.Code, fmt.Sprint(i%4))
	}
	return v.Encode(), nil
}

// listen serves h on a loopback port and returns its URL and a stop func.
func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, pinggu.Internal(err)
	}
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go s.Serve(ln)
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	}, nil
}

type benchResult struct {
	ok, failed int
	firstErr   string
	elapsed    time.Duration
	latencies  []time.Duration
	pageBytes  int
}

func (r benchResult) rate() float64 { return float64(r.ok) / r.elapsed.Seconds() }

func (r benchResult) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))].Round(10 * time.Microsecond)
}

// benchFlows runs c clients over codes until they run out or d passes;
// a flow under way when d passes is finished, so that every response
// stored is counted. A flow succeeds when the form comes back 200 and the
// POST is answered 200.
func benchFlows(ctx context.Context, base string, codes []string, answers string, c int, d time.Duration) benchResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(d)
	var next atomic.Int64
	var mu sync.Mutex
	var res benchResult
	flow := func(code string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/s/"+code, nil)
		r, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil || r.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET: %d %v", r.StatusCode, err)
		}
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/s/"+code, strings.NewReader(answers))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r, err = client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("POST: %d", r.StatusCode)
		}
		return len(body), nil
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				i := next.Add(1) - 1
				if int(i) >= len(codes) {
					return
				}
				t := time.Now()
				size, err := flow(codes[i])
				lat := time.Since(t)
				mu.Lock()
				if err != nil {
					res.failed++
					if res.firstErr == "" {
						res.firstErr = err.Error()
					}
				} else {
					res.ok++
					res.latencies = append(res.latencies, lat)
					res.pageBytes = size
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.latencies)
	return res
}
