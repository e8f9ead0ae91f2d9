package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/i18n"
)

//go:embed templates static
var assets embed.FS

// Page is what every HTML page gets: the language, the account, and a
// flash message from the previous request.
type Page struct {
	L     *i18n.Localizer
	User  *pinggu.User
	Flash flash
	Path  string
	Now   time.Time
	loc   *time.Location
}

// Time formats t in Asia/Shanghai.
func (p *Page) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(p.loc).Format("2006-01-02 15:04")
}

// Can reports whether the account holds a global permission, for menus.
func (p *Page) Can(perm string) bool {
	return p.User != nil && pinggu.Authorize(p.User, pinggu.Permission(perm), nil) == nil
}

// field is one labelled input of a form, with its error or hint.
type field struct{ Name, Label, Value, Error, Hint, Type string }

// editOp is one button of the framework editor.
type editOp struct {
	ID                   int64
	Version              int
	Op, Dim, Item, Label string
}

// due is a deadline with its standing in words.
type due struct {
	D    pinggu.Deadline
	Text string
}

func dueOf(l *i18n.Localizer, d pinggu.Deadline) due {
	switch {
	case d.Due == "":
		return due{d, l.T("due.unset")}
	case d.Done:
		return due{d, l.T("due.done")}
	case d.Overdue:
		return due{d, l.T("due.overdue", "N", -d.DaysLeft)}
	case d.DaysLeft == 0:
		return due{d, l.T("due.today")}
	}
	return due{d, l.T("due.left", "N", d.DaysLeft)}
}

// flash is a one-time message shown after a redirect.
type flash struct {
	Kind string // "ok" or "error"
	Text string
	// Secret is shown once in a copyable box: a new password or token.
	Secret string
}

func parseTemplates() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"mask": pinggu.MaskPhone,
		"kb": func(n int) string {
			if n < 1<<20 {
				return fmt.Sprintf("%.0f KB", math.Ceil(float64(n)/1024))
			}
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		},
		"join": strings.Join,
		"fieldOf": func(name, label, value string, errs map[string]string, hint string) field {
			return field{Name: name, Label: label, Value: value, Error: errs[name], Hint: hint}
		},
		"sfieldOf": func(name, label string, form, errs map[string]string, errKey string, _ bool, typ string) field {
			if errKey == "" {
				errKey = name
			}
			return field{Name: name, Label: label, Value: form[name], Error: errs[errKey], Type: typ}
		},
		"dueOf": dueOf,
		"opOf": func(v frameworkView, op, dim, item, label string) editOp {
			return editOp{ID: v.Framework.ID, Version: v.Framework.Version, Op: op, Dim: dim, Item: item, Label: label}
		},
		"inc": func(i int) int { return i + 1 },
		"ptableOf": func(v progressView, rows []progressRow) any {
			// Reserves: the call lists open to those who may freeze rosters
			// (the unit's group), which the call page checks again.
			return struct {
				L        *i18n.Localizer
				Rows     []progressRow
				Campaign int64
				Codes    bool
				Reserves bool
			}{v.L, rows, v.Campaign.ID, v.Can("codes.issue") || v.User.Role == pinggu.RoleEvaluator, v.User.Role == pinggu.RoleEvaluator || v.User.Role == pinggu.RoleAdmin}
		},
		// unitOf is the unit part of a respondent or interviewee stratum:
		// "M001" of "M001", "M001" of "M001/党员".
		"unitOf": func(stratum string) string {
			for _, cat := range pinggu.RosterCategories {
				if rest, ok := strings.CutSuffix(stratum, "/"+cat); ok {
					return rest
				}
			}
			return stratum
		},
	}
	// Partials (templates/partial_*.html) define blocks that several pages use.
	partials, err := fs.Glob(assets, "templates/partial_*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "partial_") {
			continue
		}
		files := append([]string{"templates/layout.html", f}, partials...)
		if strings.HasPrefix(name, "survey") {
			files = []string{f} // the respondent's pages stand alone: no menus, no session
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, files...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes page name with view v (a struct embedding *Page) and status.
func (s *Server) render(w http.ResponseWriter, status int, name string, v any) error {
	t, ok := s.pages[name]
	if !ok {
		return pinggu.Internal(fmt.Errorf("no template %q", name))
	}
	var buf bytes.Buffer
	root := "layout"
	if strings.HasPrefix(name, "survey") {
		root = "survey"
	}
	if err := t.ExecuteTemplate(&buf, root, v); err != nil {
		return pinggu.Internal(fmt.Errorf("render %s: %w", name, err))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// page builds the common part of a view.
func (s *Server) page(w http.ResponseWriter, r *http.Request, c *reqCtx) *Page {
	p := &Page{L: c.L, User: c.User, Path: r.URL.RequestURI(), Now: time.Now(), loc: s.loc}
	if f, ok := s.sessions.Pop(r.Context(), "flash").(flash); ok {
		p.Flash = f
	}
	return p
}

func (s *Server) setFlash(r *http.Request, kind, text string) {
	s.sessions.Put(r.Context(), "flash", flash{Kind: kind, Text: text})
}

func (s *Server) setSecret(r *http.Request, text, secret string) {
	s.sessions.Put(r.Context(), "flash", flash{Kind: "ok", Text: text, Secret: secret})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// statusOf maps error codes to HTTP statuses.
func statusOf(code pinggu.ErrorCode) int {
	switch code {
	case pinggu.ENotFound:
		return http.StatusNotFound
	case pinggu.EInvalid:
		return http.StatusUnprocessableEntity
	case pinggu.EConflict:
		return http.StatusConflict
	case pinggu.EForbidden:
		return http.StatusForbidden
	case pinggu.EUnauthorized:
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

type errorView struct {
	*Page
	Status   int
	Message  string
	Problems []string
}

type apiError struct {
	Error    string       `json:"error"`
	Message  string       `json:"message"`
	Problems []apiProblem `json:"problems,omitempty"`
}

type apiProblem struct {
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// fail is the one place where a handler's error becomes a response: a
// status, a message in the user's language, and one log line for internal
// errors (whose detail is never shown).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, c *reqCtx, err error) {
	e := pinggu.AsError(err)
	status := statusOf(e.Code)
	if e.Code == pinggu.EInternal {
		s.log.Error("internal error", "method", r.Method, "path", RedactPath(r.URL.Path), "err", err)
	}
	if c.L == nil {
		c.L = s.localizer(r)
	}
	msg := c.L.Error(e)
	var problems []string
	for _, p := range e.Problems {
		problems = append(problems, c.L.Problem(p))
	}
	if c.api || strings.HasPrefix(r.URL.Path, "/api/") {
		ae := apiError{Error: string(e.Code), Message: msg}
		for i, p := range e.Problems {
			ae.Problems = append(ae.Problems, apiProblem{Row: p.Row, Column: p.Column, Message: problems[i]})
		}
		writeJSON(w, status, ae)
		return
	}
	if e.Code == pinggu.EUnauthorized && r.Method == http.MethodGet && c.User == nil {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	v := errorView{Page: &Page{L: c.L, User: c.User, Path: r.URL.RequestURI(), loc: s.loc}, Status: status, Message: msg, Problems: problems}
	if rerr := s.render(w, status, "error", v); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, msg, status)
	}
}
