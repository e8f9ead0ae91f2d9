package cli

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/registry"
	"pinggu/internal/report"
	"pinggu/internal/results"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

// synthCity fills an empty scratch database with a synthetic city of
// counties counties (each with 4 townships, 2 county departments and 3
// branches evaluated) and municipal municipal units, a published campaign
// on the built-in frameworks, and n responses spread over the evaluated
// units, loaded without codes (store.LoadResponses).
func synthCity(ctx context.Context, db *store.DB, counties, municipal, n int) (*pinggu.Campaign, error) {
	// A scratch database named with --db that holds the synthetic city
	// already is used as it is, to measure again without loading again.
	var existing *pinggu.Campaign
	if err := db.View(ctx, func(tx *store.Tx) (err error) { existing, err = tx.CampaignByCode(ctx, "bench"); return }); err == nil {
		return existing, nil
	}
	var b strings.Builder
	b.WriteString("code,name,kind,parent_code,headcount\n3299,合成市,city,,0\n")
	var objects []string
	for i := range counties {
		cc := fmt.Sprintf("3299%02d", i+1)
		fmt.Fprintf(&b, "%s,合成%d区,county,3299,900\n", cc, i+1)
		for j := range 4 {
			code := fmt.Sprintf("%s%03d", cc, j+1)
			fmt.Fprintf(&b, "%s,合成%d区第%d街道,township,%s,120\n", code, i+1, j+1, cc)
			objects = append(objects, code)
		}
		for j := range 2 {
			code := fmt.Sprintf("%sD%02d", cc, j+1)
			fmt.Fprintf(&b, "%s,合成%d区第%d局,county_dept,%s,60\n", code, i+1, j+1, cc)
			objects = append(objects, code)
		}
		for j := range 3 {
			code := fmt.Sprintf("%sB%02d", cc, j+1)
			fmt.Fprintf(&b, "%s,合成%d区第%d党支部,branch,%s,30\n", code, i+1, j+1, cc)
			objects = append(objects, code)
		}
	}
	for i := range municipal {
		code := fmt.Sprintf("S%03d", i+1)
		fmt.Fprintf(&b, "%s,合成市直第%d单位,municipal_unit,3299,80\n", code, i+1)
		objects = append(objects, code)
	}
	actor := store.Actor{Login: "cli:bench"}
	if _, err := registry.Import(ctx, db, actor, "synthetic.csv", []byte(b.String())); err != nil {
		return nil, err
	}
	var c *pinggu.Campaign
	var units []pinggu.Unit
	var forms map[pinggu.UnitKind]pinggu.Form
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		var err error
		c, err = tx.NewCampaign(ctx, "bench", "合成评估", func(c *pinggu.Campaign) error {
			c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{pinggu.StageSelfReport: "2026-12-05", pinggu.StageUnitDraw: "2026-12-08",
				pinggu.StageRosters: "2026-12-12", pinggu.StageFieldwork: "2026-12-25", pinggu.StageReports: "2026-12-31"}
			return nil
		})
		if err != nil {
			return err
		}
		if c, err = tx.AdvanceCampaign(ctx, c.ID, pinggu.StatePublished); err != nil {
			return err
		}
		forms = map[pinggu.UnitKind]pinggu.Form{}
		for _, k := range pinggu.EvaluatedKinds {
			if forms[k], err = tx.Form(ctx, c, k); err != nil {
				return err
			}
		}
		for _, code := range objects {
			u, err := tx.UnitByCode(ctx, code)
			if err != nil {
				return err
			}
			units = append(units, *u)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 5000
	for done := 0; done < n; {
		rs := make([]pinggu.Response, 0, min(batch, n-done))
		for range min(batch, n-done) {
			u := units[rng.IntN(len(units))]
			f := forms[u.Kind]
			r := pinggu.Response{CampaignID: c.ID, UnitID: u.ID, Category: "党员", Channel: pinggu.ChannelOnline, Day: "2026-12-10", Answers: make(map[string]int, len(f.Questions))}
			lean := int(u.ID % 4)
			for _, q := range f.Questions {
				r.Answers[q.Code] = min(3, max(0, rng.IntN(4)-lean/2))
			}
			r.Overall = min(3, rng.IntN(3)+lean/3)
			rs = append(rs, r)
		}
		if err := db.Update(ctx, actor, func(tx *store.Tx) error { return tx.LoadResponses(ctx, rs) }); err != nil {
			return nil, err
		}
		done += len(rs)
	}
	return c, nil
}

// scratch opens a scratch database: dsn, or a new SQLite file that is
// removed by the returned function.
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

// peakRSS resets the process's peak resident set size (Linux) and returns
// a function that reads it, in MB: the memory a phase really needed.
func peakRSS() func() float64 {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return func() float64 {
		f, err := os.Open("/proc/self/status")
		if err != nil {
			return -1
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
				return float64(kb) / 1024
			}
		}
		return -1
	}
}

type phase struct {
	name  string
	took  time.Duration
	bytes int64
	rss   float64
}

func measure(name string, fn func() (int64, error)) (phase, error) {
	// Give the last phase's memory back to the OS first, or its peak
	// would be counted again.
	debug.FreeOSMemory()
	rss := peakRSS()
	start := time.Now()
	n, err := fn()
	return phase{name, time.Since(start), n, rss()}, err
}

func printPhases(e *env, ps []phase) {
	rows := [][]string{{"", "seconds", "MB written", "peak RSS MB"}}
	for _, p := range ps {
		rows = append(rows, []string{p.name, fmt.Sprintf("%.2f", p.took.Seconds()), fmt.Sprintf("%.1f", float64(p.bytes)/1e6), fmt.Sprintf("%.0f", p.rss)})
	}
	writeTable(e.stdout, "  ", rows)
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// benchExport measures the streamed export of n responses as CSV and
// XLSX against a baseline that reads the same rows from the database and
// writes nothing.
func benchExport(e *env, dsn string, n int, out, profile string) error {
	db, done, err := e.scratch(dsn, out)
	if err != nil {
		return err
	}
	defer done()
	start := time.Now()
	c, err := synthCity(e.ctx, db, 10, 90, n)
	if err != nil {
		return err
	}
	// A reused scratch database holds what it holds.
	err = db.View(e.ctx, func(tx *store.Tx) error {
		tallies, err := tx.Tallies(e.ctx, c.ID)
		n = 0
		for _, t := range tallies {
			if t.Question == pinggu.OverallCode {
				n += t.N
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d responses, loaded in %v\n", db.Dialect(), n, time.Since(start).Round(time.Millisecond))
	var ps []phase
	p, err := measure("read rows only (baseline)", func() (int64, error) {
		var rows int64
		err := db.View(e.ctx, func(tx *store.Tx) error {
			return tx.EachRawResponse(e.ctx, c.ID, func(*store.RawResponse) error { rows++; return nil })
		})
		return 0, err
	})
	if err != nil {
		return err
	}
	ps = append(ps, p)
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return pinggu.Internal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return pinggu.Internal(err)
		}
		defer pprof.StopCPUProfile()
	}
	for _, format := range []string{"csv", "xlsx"} {
		p, err := measure("export "+format, func() (int64, error) {
			var w io.Writer = &countingWriter{}
			var f *os.File
			if out != "" {
				if f, err = os.Create(filepath.Join(out, "responses."+format)); err != nil {
					return 0, err
				}
				defer f.Close()
				w = f
			}
			cw := &countingWriter{}
			st, err := results.ExportResponses(e.ctx, db, c, io.MultiWriter(w, cw), format)
			if err == nil && st.Rows != n {
				err = fmt.Errorf("exported %d rows of %d", st.Rows, n)
			}
			return cw.n, err
		})
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	p, err = measure("export xlsx with excelize StreamWriter (comparison)", func() (int64, error) {
		cw := &countingWriter{}
		_, err := results.ExportResponsesTo(e.ctx, db, c, func(header []string) (tabular.RowWriter, error) {
			return tabular.NewExcelizeXLSXWriter(cw, "测评数据", header)
		})
		return cw.n, err
	})
	if err != nil {
		return err
	}
	ps = append(ps, p)
	printPhases(e, ps)
	return nil
}

// benchReports measures every report of a synthetic city of 100 areas
// (10 counties of 9 evaluated units, 90 municipal units): results from
// the database, then each area's DOCX and the city summary, then the
// HTML views and the data book; the baseline zips the same DOCX bytes
// again with archive/zip alone.
func benchReports(e *env, dsn string, n int, out string) error {
	db, done, err := e.scratch(dsn, out)
	if err != nil {
		return err
	}
	defer done()
	c, err := synthCity(e.ctx, db, 10, 90, n)
	if err != nil {
		return err
	}
	var set *report.Set
	var docs [][]byte
	var ps []phase
	p, err := measure("load and compute results", func() (int64, error) {
		rs, err := results.LoadSet(e.ctx, db, c)
		if err != nil {
			return 0, err
		}
		set = report.NewSet(rs, "", time.Now())
		return 0, nil
	})
	if err != nil {
		return err
	}
	ps = append(ps, p)
	fmt.Fprintf(e.stdout, "%s: %d areas, %d responses\n", db.Dialect(), len(set.City.Areas), set.City.Responses)
	for _, format := range report.Formats {
		name := fmt.Sprintf("all %d reports + city (%s)", len(set.City.Areas), format)
		if format == "xlsx" {
			name = "the city's data book (xlsx)"
		}
		p, err := measure(name, func() (int64, error) {
			var total int64
			areas := append(set.City.Areas, nil)
			if format == "xlsx" {
				areas = areas[len(areas)-1:]
			}
			for _, a := range areas {
				b, err := set.Bytes(format, a)
				if err != nil {
					return 0, err
				}
				total += int64(len(b))
				if format == "docx" {
					docs = append(docs, b)
				}
				if out != "" {
					if err := os.WriteFile(filepath.Join(out, report.FileName(a, format)), b, 0o644); err != nil {
						return 0, err
					}
				}
			}
			return total, nil
		})
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	p, err = measure("baseline: rezip the same DOCX bytes", func() (int64, error) {
		var total int64
		for _, d := range docs {
			cw := &countingWriter{}
			z := zip.NewWriter(cw)
			w, _ := z.Create("word/document.xml")
			w.Write(d)
			z.Close()
			total += cw.n
		}
		return total, nil
	})
	if err != nil {
		return err
	}
	ps = append(ps, p)
	printPhases(e, ps)
	return nil
}
