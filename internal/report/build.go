package report

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"time"

	"pinggu"
	"pinggu/internal/results"
)

// Set is a campaign's loaded results with what its documents say about
// their making.
type Set struct {
	*results.Set
	Meta Meta
	now  time.Time
}

// NewSet dates rs's documents now (in Beijing) and names the city (""
// for the registry's) and the draws they were made from.
func NewSet(rs *results.Set, city string, now time.Time) *Set {
	s := &Set{Set: rs, now: now}
	for _, d := range rs.Draws {
		text := fmt.Sprintf("%s“%s”，种子%s", pinggu.DrawKindName(d.Kind), d.Label, d.Seed)
		switch d.Kind {
		case pinggu.DrawUnits:
			s.Meta.UnitDraw = text
		case pinggu.DrawRespondents:
			s.Meta.RespDraw = text
		}
	}
	if city == "" {
		city = rs.CityName()
	}
	s.Meta.City = city
	s.Meta.Date = ChineseDate(now)
	return s
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
	m.Hearings = s.Hearings[a.Unit.ID]
	if v := s.SelfChecks[a.Unit.ID]; len(v) > 0 {
		m.SelfCheck = &v[len(v)-1]
	}
	m.SelfCheckState = pinggu.SelfCheckStateAt(m.SelfCheck, s.City.Input.Campaign.Settings, s.now)
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

// SafeFileName replaces what a file name on Windows or Linux cannot hold.
func SafeFileName(s string) string { return unsafeName.ReplaceAllString(s, "_") }

// FileName is the file of area a's report (nil: the city summary).
func FileName(a *results.Area, format string) string {
	if a == nil {
		return "000-全市总体情况." + format
	}
	return SafeFileName(a.Unit.Code+"-"+a.Unit.Name) + "-评估报告." + format
}
