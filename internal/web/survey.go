package web

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"pinggu"
	"pinggu/internal/survey"
)

// surveyView is the respondent's page.
type surveyView struct {
	L         interface{ T(string, ...any) string }
	Title     string
	Message   string
	Done      bool
	AskCode   bool
	Typed     string
	Ballot    bool
	Code      string
	Unit      string
	Questions []pinggu.Question
	Levels    []pinggu.Level
	Unknown   string
	Problems  map[string]string
	Values    map[string]string
	Fields    template.HTML // the questions, pre-rendered, for a clean form
}

func (s *Server) surveyStart(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.surveyRender(w, http.StatusOK, surveyView{L: c.L, AskCode: true})
}

// surveyCode takes a typed code and goes to its form.
func (s *Server) surveyCode(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	typed := r.PostFormValue("code")
	code, ok := pinggu.NormalizeCode(typed)
	if !ok {
		return s.surveyRender(w, http.StatusUnprocessableEntity, surveyView{L: c.L, AskCode: true, Typed: typed, Message: c.L.T("survey.code_mistyped")})
	}
	return redirect(w, r, "/s/"+code)
}

func (s *Server) surveyRender(w http.ResponseWriter, status int, v surveyView) error {
	if v.Title == "" {
		v.Title = v.L.T("survey.header")
	}
	if v.Problems == nil {
		v.Problems = map[string]string{}
	}
	if v.Values == nil {
		v.Values = map[string]string{}
	}
	return s.render(w, status, "survey", v)
}

// surveyOpen checks the code and shows its form, or what is wrong with it:
// mistyped (caught by the check symbol before any lookup), unknown, spent,
// voided, or closed — each in plain words. A source that has failed often
// waits first (auth.Backoff): a guesser is slowed to one try in 30 s, while
// a valid code from the same address is never refused.
func (s *Server) surveyOpen(w http.ResponseWriter, r *http.Request, c *reqCtx) (*survey.Ballot, string, error) {
	client := clientIP(r)
	release, _, err := s.codeBackoff.Wait(r.Context(), client, !s.codeGlobal.Allow("all"))
	if err != nil { // the client went away while waiting
		return nil, "", s.surveyRender(w, http.StatusTooManyRequests, surveyView{L: c.L, Message: c.L.T("survey.throttled")})
	}
	defer release()
	code, ok := pinggu.NormalizeCode(r.PathValue("code"))
	if !ok {
		s.codeBackoff.Fail(client)
		s.codeGlobal.Fail("all")
		return nil, "", s.surveyRender(w, http.StatusUnprocessableEntity, surveyView{L: c.L, AskCode: true, Message: c.L.T("survey.code_mistyped")})
	}
	b, err := survey.Open(r.Context(), s.db, code)
	if err != nil {
		e := pinggu.AsError(err)
		if e.Code == pinggu.ENotFound {
			s.codeBackoff.Fail(client)
			s.codeGlobal.Fail("all")
		}
		if e.Code == pinggu.ENotFound || e.Code == pinggu.EConflict {
			return nil, "", s.surveyRender(w, statusOf(e.Code), surveyView{L: c.L, AskCode: e.Code == pinggu.ENotFound, Message: c.L.Error(e)})
		}
		return nil, "", err
	}
	if b.Code.State == pinggu.CodeSpent {
		return nil, "", s.surveyRender(w, http.StatusOK, surveyView{L: c.L, Done: true, Message: c.L.T("survey.received")})
	}
	return b, code, nil
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	b, code, err := s.surveyOpen(w, r, c)
	if b == nil {
		return err
	}
	v := ballotView(c, b, code)
	v.Fields, err = s.surveyFields(c, b)
	if err != nil {
		return err
	}
	return s.surveyRender(w, http.StatusOK, v)
}

// surveyFields renders the questions of a clean form — no answers, no
// problems — once per form and language. They are most of the page and of
// its rendering time, and the same for every code of the form.
func (s *Server) surveyFields(c *reqCtx, b *survey.Ballot) (template.HTML, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%v\x00%v\x00", c.L.Lang, b.Form.UnknownLabel, b.Form.AllowUnknown, b.Form.Levels)
	for _, q := range b.Form.Questions {
		fmt.Fprintf(h, "%s\x00%s\x00", q.Code, q.Text)
	}
	key := string(h.Sum(nil))
	if f, ok := s.fields.Load(key); ok {
		return f.(template.HTML), nil
	}
	v := ballotView(c, b, "")
	v.Problems, v.Values = map[string]string{}, map[string]string{}
	var buf bytes.Buffer
	if err := s.pages["survey"].ExecuteTemplate(&buf, "survey_fields", v); err != nil {
		return "", pinggu.Internal(err)
	}
	f := template.HTML(buf.String())
	s.fields.Store(key, f)
	return f, nil
}

func ballotView(c *reqCtx, b *survey.Ballot, code string) surveyView {
	v := surveyView{L: c.L, Ballot: true, Code: code, Unit: b.Unit.Name, Questions: b.Form.Questions, Levels: b.Form.Levels,
		Title: b.Unit.Name + " · " + c.L.T("survey.header")}
	if b.Form.AllowUnknown {
		v.Unknown = b.Form.UnknownLabel
	}
	return v
}

// surveySubmit stores the answers once. A second submit of the same code
// (back, refresh, a double tap) shows "already received" and stores
// nothing; missing answers are marked at their questions, with everything
// typed kept.
func (s *Server) surveySubmit(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10) // a form is a few KB; a 1 MB comment is refused here
	if err := r.ParseForm(); err != nil {
		return s.surveyRender(w, http.StatusRequestEntityTooLarge, surveyView{L: c.L, Message: c.L.T("survey.too_large")})
	}
	b, code, err := s.surveyOpen(w, r, c)
	if b == nil {
		return err
	}
	state, problems, err := survey.Submit(r.Context(), s.db, b, code, r.PostFormValue, time.Now())
	if e := pinggu.AsError(err); err != nil && e.Code == pinggu.EConflict {
		return s.surveyRender(w, http.StatusConflict, surveyView{L: c.L, Message: c.L.Error(e)})
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		v := ballotView(c, b, code)
		v.Problems, v.Values = map[string]string{}, map[string]string{}
		for _, p := range problems {
			v.Problems[p.Column] = c.L.T(p.Key, argsOf(p.Args)...)
		}
		for k := range r.PostForm {
			v.Values[k] = r.PostFormValue(k)
		}
		return s.surveyRender(w, http.StatusUnprocessableEntity, v)
	}
	msg := c.L.T("survey.thanks")
	if state == pinggu.CodeSpent {
		msg = c.L.T("survey.received")
	}
	return s.surveyRender(w, http.StatusOK, surveyView{L: c.L, Done: true, Message: msg})
}
