package bench

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"pinggu"
	"pinggu/internal/report"
	"pinggu/internal/results"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

// Export measures the streamed export of n responses of a synthetic city
// of size as CSV and XLSX against a baseline that reads the same rows from the database and
// writes nothing.
func Export(ctx context.Context, db *store.DB, w io.Writer, size Size, n int, out, profile string) error {
	start := time.Now()
	c, err := SynthCity(ctx, db, size.Counties, size.Municipal, n)
	if err != nil {
		return err
	}
	// A reused scratch database holds what it holds.
	err = db.View(ctx, func(tx *store.Tx) error {
		tallies, err := tx.Tallies(ctx, c.ID)
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
	fmt.Fprintf(w, "%s: %d responses, loaded in %v\n", db.Dialect(), n, time.Since(start).Round(time.Millisecond))
	var ps []phase
	p, err := measure("read rows only (baseline)", func() (int64, error) {
		var rows int64
		err := db.View(ctx, func(tx *store.Tx) error {
			return tx.EachRawResponse(ctx, c.ID, func(*store.RawResponse) error { rows++; return nil })
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
			st, err := results.ExportResponses(ctx, db, c, io.MultiWriter(w, cw), format)
			if err == nil && st.Rows+st.RowsLeftOut != n {
				err = fmt.Errorf("exported %d rows and left out %d of %d", st.Rows, st.RowsLeftOut, n)
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
		_, err := results.ExportResponsesTo(ctx, db, c, func(header []string) (tabular.RowWriter, error) {
			return tabular.NewExcelizeXLSXWriter(cw, "测评数据", header)
		})
		return cw.n, err
	})
	if err != nil {
		return err
	}
	ps = append(ps, p)
	printPhases(w, ps)
	return nil
}

// Reports measures every report of a synthetic city of size (pinggu
// bench: City, 100 areas) with n responses: results from the database,
// then each area's DOCX and the city summary, then the HTML views and the
// data book; the baseline zips the same DOCX bytes again with archive/zip
// alone.
func Reports(ctx context.Context, db *store.DB, w io.Writer, size Size, n int, out string) error {
	c, err := SynthCity(ctx, db, size.Counties, size.Municipal, n)
	if err != nil {
		return err
	}
	var set *report.Set
	var docs [][]byte
	var ps []phase
	p, err := measure("load and compute results", func() (int64, error) {
		rs, err := results.LoadSet(ctx, db, c)
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
	fmt.Fprintf(w, "%s: %d areas, %d responses\n", db.Dialect(), len(set.City.Areas), set.City.Responses)
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
	printPhases(w, ps)
	return nil
}
