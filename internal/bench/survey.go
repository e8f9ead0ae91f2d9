package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/survey"
	"pinggu/internal/tabular"
	"pinggu/internal/web"
)

// SurveyOptions says how hard Survey pushes.
type SurveyOptions struct {
	N          int           // codes to issue: the most flows
	C          int           // concurrent clients
	Duration   time.Duration // the longest each run lasts
	CPUProfile string        // a file for a CPU profile of the pinggu run, or ""
}

// SurveyResult is what Survey found: the flows against pinggu, the same
// flows against a bare net/http handler (the ceiling), and the responses
// the database gained.
type SurveyResult struct {
	Pinggu, Ceiling Result
	Stored          int
}

// Survey builds a synthetic city of one municipal unit in db (a scratch
// database; one built already is reused), issues N codes for its unit,
// serves pinggu on a loopback port and runs C
// concurrent respondents, each flow a GET of the form and a POST of the
// answers, until the codes run out or the duration ends; then the same
// flows against a bare handler that returns a page of the same size. It
// writes the figures to w; the caller judges the result.
func Survey(ctx context.Context, db *store.DB, w io.Writer, o SurveyOptions) (SurveyResult, error) {
	var res SurveyResult
	cp, err := SynthCity(ctx, db, 0, 1, 0)
	if err != nil {
		return res, err
	}
	var unit *pinggu.Unit
	count := func() (n int, err error) {
		err = db.View(ctx, func(tx *store.Tx) (err error) { n, err = tx.CountResponses(ctx, cp.ID, unit.ID); return })
		return n, err
	}
	err = db.View(ctx, func(tx *store.Tx) (err error) { unit, err = tx.UnitByCode(ctx, "S001"); return })
	if err != nil {
		return res, err
	}
	before, err := count()
	if err != nil {
		return res, err
	}
	start := time.Now()
	var codes []string
	for len(codes) < o.N {
		batch, _, err := survey.Issue(ctx, db, store.Actor{Login: "cli:bench"}, cp, unit, "", min(survey.MaxBatch, o.N-len(codes)))
		if err != nil {
			return res, err
		}
		codes = append(codes, batch...)
	}
	fmt.Fprintf(w, "%s: %d codes issued in %v\n", db.Dialect(), len(codes), time.Since(start).Round(time.Millisecond))
	answers, err := Answers(ctx, db, codes[0])
	if err != nil {
		return res, err
	}

	srv, err := web.New(db, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		return res, err
	}
	defer srv.Close()
	base, stop, err := Listen(srv)
	if err != nil {
		return res, err
	}
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return res, pinggu.Internal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return res, pinggu.Internal(err)
		}
	}
	commits0, calls0 := db.BatchStats()
	res.Pinggu = Flows(ctx, base, codes, answers, o.C, o.Duration)
	commits, calls := db.BatchStats()
	pprof.StopCPUProfile()
	stop()
	after, err := count()
	if err != nil {
		return res, err
	}
	res.Stored = after - before

	// The ceiling: net/http alone, a page of the same size, the same flows.
	page := strings.Repeat("x", res.Pinggu.PageBytes)
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.ParseForm()
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	base, stop, err = Listen(bare)
	if err != nil {
		return res, err
	}
	res.Ceiling = Flows(ctx, base, codes, answers, o.C, o.Duration)
	stop()

	rows := [][]string{{"", "flows", "errors", "flows/s", "p50", "p99", "form bytes"}}
	for _, r := range []struct {
		name string
		res  Result
	}{{"pinggu", res.Pinggu}, {"net/http", res.Ceiling}} {
		rows = append(rows, []string{r.name, fmt.Sprint(r.res.OK), fmt.Sprint(r.res.Failed), fmt.Sprintf("%.0f", r.res.rate()),
			r.res.pct(0.50).String(), r.res.pct(0.99).String(), fmt.Sprint(r.res.PageBytes)})
	}
	fmt.Fprintf(w, "C=%d, at most %v per run\n", o.C, o.Duration)
	tabular.WriteColumns(w, "  ", rows)
	fmt.Fprintf(w, "responses stored %d, successful flows %d\n", res.Stored, res.Pinggu.OK)
	if commits > commits0 {
		fmt.Fprintf(w, "group commit: %d submits in %d durable commits, %.1f per commit\n",
			calls-calls0, commits-commits0, float64(calls-calls0)/float64(commits-commits0))
	}
	return res, nil
}

// Answers fills every question of code's form, as a respondent would.
func Answers(ctx context.Context, db *store.DB, code string) (string, error) {
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

// Listen serves h on a loopback port and returns its URL and a stop func.
func Listen(h http.Handler) (string, func(), error) {
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

// Result is what a run of flows did.
type Result struct {
	OK, Failed int             // flows that succeeded and failed
	FirstErr   string          // the first failure
	Elapsed    time.Duration   // the run's length
	Latencies  []time.Duration // each successful flow's, sorted
	PageBytes  int             // the size of the form page
}

func (r Result) rate() float64 { return float64(r.OK) / r.Elapsed.Seconds() }

func (r Result) pct(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[min(len(r.Latencies)-1, int(p*float64(len(r.Latencies))))].Round(10 * time.Microsecond)
}

// Flows runs c clients over codes until they run out or d passes;
// a flow under way when d passes is finished, so that every response
// stored is counted. A flow succeeds when the form comes back 200 and the
// POST is answered 200.
func Flows(ctx context.Context, base string, codes []string, answers string, c int, d time.Duration) Result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(d)
	var next atomic.Int64
	var mu sync.Mutex
	var res Result
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
					res.Failed++
					if res.FirstErr == "" {
						res.FirstErr = err.Error()
					}
				} else {
					res.OK++
					res.Latencies = append(res.Latencies, lat)
					res.PageBytes = size
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(res.Latencies)
	return res
}
