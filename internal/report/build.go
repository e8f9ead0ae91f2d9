package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"time"

	"pinggu"
	"pinggu/internal/results"
	"pinggu/internal/store"
)

// Set is everything a campaign's documents are made from, read in one
// transaction so that every document of a build tells the same story.
type Set struct {
	City    *results.City
	Reports map[int64]*pinggu.Report // by unit
	Groups  map[int64]string         // the name of each area's group
	Meta    Meta
}

// Load reads a campaign's results, reports and groups. now dates the
// documents (in Beijing); city names the city ("": the registry's).
func Load(ctx context.Context, db *store.DB, c *pinggu.Campaign, city string, now time.Time) (*Set, error) {
	s := &Set{Reports: map[int64]*pinggu.Report{}, Groups: map[int64]string{}}
	err := db.View(ctx, func(tx *store.Tx) error {
		in, err := results.Load(ctx, tx, c)
		if err != nil {
			return err
		}
		s.City = results.Compute(in)
		reports, err := tx.Reports(ctx, c.ID)
		if err != nil {
			return err
		}
		for i := range reports {
			s.Reports[reports[i].UnitID] = &reports[i]
		}
		groups, err := tx.Groups(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, g := range groups {
			for _, u := range g.Units {
				s.Groups[u] = g.Name
			}
		}
		draws, err := tx.Draws(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, d := range draws {
			text := fmt.Sprintf("%s“%s”，种子%s", pinggu.DrawKindName(d.Kind), d.Label, d.Seed)
			switch d.Kind {
			case "units":
				s.Meta.UnitDraw = text
			case pinggu.DrawRespondents:
				s.Meta.RespDraw = text
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if city == "" {
		for _, u := range s.City.Input.Units {
			if u.Kind == pinggu.KindCity {
				city = u.Name
				break
			}
		}
	}
	s.Meta.City = city
	s.Meta.Date = ChineseDate(now)
	return s, nil
}

// ChineseDate writes t's day in Beijing as 2026年12月31日.
func ChineseDate(t time.Time) string {
	t = t.In(pinggu.Beijing())
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// AreaDocument is the report of area a.
func (s *Set) AreaDocument(a *results.Area) *Document {
	m := s.Meta
	m.Group = s.Groups[a.Unit.ID]
	return Area(s.City, a, s.Reports[a.Unit.ID], m)
}

// Formats pinggu writes reports in.
var Formats = []string{"docx", "xlsx", "html"}

// Write writes the report of area a (nil: the city summary) in format.
func (s *Set) Write(w io.Writer, format string, a *results.Area) error {
	if format == "xlsx" {
		return WriteXLSX(w, s.City, a)
	}
	d := CitySummary(s.City, s.Meta)
	if a != nil {
		d = s.AreaDocument(a)
	}
	if format == "html" {
		return WriteHTML(w, d)
	}
	return WriteDOCX(w, d)
}

// Bytes is Write into memory.
func (s *Set) Bytes(format string, a *results.Area) ([]byte, error) {
	var b bytes.Buffer
	err := s.Write(&b, format, a)
	return b.Bytes(), err
}

var unsafeName = regexp.MustCompile(`[\\/:*?"<>|\x00-\x1f]`)

// FileName is the file of area a's report (nil: the city summary).
func FileName(a *results.Area, format string) string {
	if a == nil {
		return "000-全市总体情况." + format
	}
	return unsafeName.ReplaceAllString(a.Unit.Code+"-"+a.Unit.Name, "_") + "-评估报告." + format
}
