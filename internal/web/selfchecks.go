package web

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/evidence"
	"pinggu/internal/store"
)

type selfCheckView struct {
	*Page
	Campaign   *pinggu.Campaign
	Unit       pinggu.Unit
	State      pinggu.SelfCheckState
	Due        pinggu.Date
	Versions   []pinggu.SelfCheck // newest first
	Latest     *pinggu.SelfCheck
	Dimensions []pinggu.Dimension
	Sections   map[string]string // the form's text: what was typed, or the latest written version
	Qualities  []string
	CanSubmit  bool // the unit may submit (again)
	CanReview  bool // the latest version waits for this account's review
	Message    string
	Problems   []string
}

func (s *Server) selfCheckPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, ok, err := s.fieldworkArea(w, r, c, "selfcheck")
	if !ok {
		return err
	}
	return s.renderSelfCheck(w, r, c, cp, http.StatusOK, selfCheckView{})
}

func (s *Server) renderSelfCheck(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, status int, v selfCheckView) error {
	v.Page, v.Campaign, v.Unit, v.Due, v.Qualities = s.page(w, r, c), cp, c.Unit.Unit, cp.Settings.Due(pinggu.StageSelfReport), pinggu.SelfCheckQualities
	err := s.db.View(r.Context(), func(tx *store.Tx) error {
		versions, err := tx.SelfChecks(r.Context(), cp.ID, v.Unit.ID)
		if err != nil {
			return err
		}
		slices.Reverse(versions)
		v.Versions = versions
		f, err := areaFramework(r, tx, cp, v.Unit)
		if err != nil {
			return err
		}
		for _, d := range f.Dimensions {
			if !d.Retired {
				v.Dimensions = append(v.Dimensions, d)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(v.Versions) > 0 {
		v.Latest = &v.Versions[0]
	}
	v.State = pinggu.SelfCheckStateAt(v.Latest, cp.Settings, time.Now())
	open := !cp.State.Closed() && cp.State != pinggu.StateDraft
	v.CanSubmit = open && v.State != pinggu.SelfCheckAccepted && pinggu.Authorize(c.User, pinggu.PermSelfCheckSubmit, c.Unit) == nil
	v.CanReview = open && v.State == pinggu.SelfCheckSubmitted && pinggu.Authorize(c.User, pinggu.PermSelfCheckReview, c.Unit) == nil
	if v.Sections == nil && v.Latest != nil {
		v.Sections = v.Latest.Sections
	}
	return s.render(w, status, "selfcheck", v)
}

func (s *Server) selfCheckFailed(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, v selfCheckView, err error) error {
	var ok bool
	if v.Message, v.Problems, ok = c.problems(err); !ok {
		return err
	}
	return s.renderSelfCheck(w, r, c, cp, http.StatusUnprocessableEntity, v)
}

// selfCheckSubmit takes the unit's self-assessment: a DOCX or PDF file
// (checked by content, its author metadata removed), or text per
// dimension, or both, as the next version. Nothing is kept of a refused
// submission.
func (s *Server) selfCheckSubmit(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, ok, err := s.fieldworkArea(w, r, c, "selfcheck")
	if !ok {
		return err
	}
	if cp.State.Closed() || cp.State == pinggu.StateDraft {
		return pinggu.Errorf(pinggu.EConflict, "campaign.not_open", "State", string(cp.State))
	}
	r.Body = http.MaxBytesReader(w, r.Body, pinggu.MaxFileSize+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		return s.selfCheckFailed(w, r, c, cp, selfCheckView{}, pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", pinggu.MaxFileSize>>20))
	}
	sc := &pinggu.SelfCheck{CampaignID: cp.ID, UnitID: c.Unit.Unit.ID, Sections: map[string]string{}}
	for key, vals := range r.PostForm {
		if dim, ok := strings.CutPrefix(key, "section."); ok && strings.TrimSpace(vals[0]) != "" {
			sc.Sections[dim] = strings.ReplaceAll(vals[0], "\r\n", "\n")
		}
	}
	v := selfCheckView{Sections: sc.Sections}
	var kept *evidence.Kept
	var name string
	if file, hdr, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(file)
		file.Close()
		if err != nil {
			return s.selfCheckFailed(w, r, c, cp, v, pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", pinggu.MaxFileSize>>20))
		}
		if len(data) > 0 || hdr.Filename != "" {
			if kept, err = evidence.Check(data, evidence.Documents); err != nil {
				return s.selfCheckFailed(w, r, c, cp, v, pinggu.Invalid("selfcheck.invalid", []pinggu.Problem{problemOf("file", hdr.Filename, err)}))
			}
			name = hdr.Filename
		}
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		f, err := areaFramework(r, tx, cp, c.Unit.Unit)
		if err != nil {
			return err
		}
		var dims []string
		for _, d := range f.Dimensions {
			dims = append(dims, d.Code)
		}
		if ps := sc.ValidateSections(dims); len(ps) > 0 {
			return pinggu.Invalid("selfcheck.invalid", ps)
		}
		if kept != nil {
			sc.File = storedFile(name, kept)
			if err := tx.SaveFile(r.Context(), cp.ID, sc.UnitID, sc.File, kept.Data, kept.Text); err != nil {
				return err
			}
		}
		return tx.SubmitSelfCheck(r.Context(), sc)
	})
	if err != nil {
		return s.selfCheckFailed(w, r, c, cp, v, err)
	}
	s.setFlash(r, "ok", c.L.T("selfcheck.submitted_ok", "Version", sc.Version))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/units/"+itoa(sc.UnitID)+"/selfcheck")
}

// storedFile is the record of a checked upload named name.
func storedFile(name string, k *evidence.Kept) *pinggu.StoredFile {
	name = strings.TrimSpace(strings.ReplaceAll(name, "\\", "/"))
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if name == "" || len([]rune(name)) > 120 {
		name = "file" + evidence.Extension(k.Type)
	}
	return &pinggu.StoredFile{Name: name, Type: k.Type, SHA256: k.SHA256, Received: k.Received, Stripped: k.Stripped}
}

// problemOf turns a refused file into a problem of the form's field,
// naming the file.
func problemOf(field, filename string, err error) pinggu.Problem {
	e := pinggu.AsError(err)
	p := pinggu.Problem{Column: field, Key: e.Key, Args: e.Args}
	if filename != "" {
		p.Column = filename
	}
	return p
}

// selfCheckReview returns the latest version with a reason, or accepts it.
func (s *Server) selfCheckReview(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, ok, err := s.fieldworkArea(w, r, c, "selfcheck")
	if !ok {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	unit := c.Unit.Unit.ID
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		return tx.ReviewSelfCheck(r.Context(), cp.ID, unit, version, r.PostFormValue("decision"),
			strings.TrimSpace(r.PostFormValue("reason")), strings.TrimSpace(r.PostFormValue("quality")))
	})
	if err != nil {
		return s.selfCheckFailed(w, r, c, cp, selfCheckView{}, err)
	}
	s.setFlash(r, "ok", c.L.T("selfcheck.reviewed."+r.PostFormValue("decision")))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/units/"+itoa(unit)+"/selfcheck")
}

// selfCheckFile sends a version's file, as an attachment under its
// server-made id: the area's group, the office and the unit's liaison.
func (s *Server) selfCheckFile(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, ok, err := s.fieldworkArea(w, r, c, "selfcheck")
	if !ok {
		return err
	}
	var f *store.File
	err = s.db.View(r.Context(), func(tx *store.Tx) error {
		versions, err := tx.SelfChecks(r.Context(), cp.ID, c.Unit.Unit.ID)
		if err != nil {
			return err
		}
		for _, v := range versions {
			if v.File != nil && v.File.ID == r.PathValue("file") {
				f, err = tx.FileByID(r.Context(), v.File.ID)
				return err
			}
		}
		return pinggu.Errorf(pinggu.ENotFound, "file.not_found")
	})
	if err != nil {
		return err
	}
	return sendFile(w, f)
}

// sendFile sends a stored file as a download: its own type, never
// sniffed, under its server-made id with the uploader's name offered.
func sendFile(w http.ResponseWriter, f *store.File) error {
	h := w.Header()
	h.Set("Content-Type", evidence.ContentType(f.Type))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", `attachment; filename="`+f.ID+evidence.Extension(f.Type)+`"; filename*=UTF-8''`+url.PathEscape(f.Name))
	h.Set("X-File-SHA256", f.SHA256)
	_, err := w.Write(f.Data)
	return err
}

type selfCheckRow struct {
	Unit    pinggu.Unit
	State   pinggu.SelfCheckState
	Latest  *pinggu.SelfCheck
	Snippet []string // with a search: the text before, at and after the first match
}

type selfCheckListView struct {
	*Page
	Campaign *pinggu.Campaign
	Due      pinggu.Date
	Rows     []selfCheckRow
	Counts   map[pinggu.SelfCheckState]int
	States   []pinggu.SelfCheckState
	Query    string
	Matches  int
}

// selfCheckList shows every area within the account's campaign scope with
// where its self-assessment stands, the overdue first.
func (s *Server) selfCheckList(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v := selfCheckListView{Page: s.page(w, r, c), Campaign: cp, Due: cp.Settings.Due(pinggu.StageSelfReport),
		Counts: map[pinggu.SelfCheckState]int{}, States: pinggu.SelfCheckStates, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	now := time.Now()
	err = s.db.View(r.Context(), func(tx *store.Tx) error {
		all, err := tx.Units(r.Context())
		if err != nil {
			return err
		}
		versions, err := tx.SelfChecks(r.Context(), cp.ID, 0)
		if err != nil {
			return err
		}
		latest := pinggu.LatestSelfChecks(versions)
		for _, u := range all {
			if !u.Kind.Area() || !pinggu.InCampaignScope(c.User, cp.ID, *pathOf(all, u)) {
				continue
			}
			row := selfCheckRow{Unit: u, Latest: latest[u.ID], State: pinggu.SelfCheckStateAt(latest[u.ID], cp.Settings, now)}
			v.Counts[row.State]++
			if v.Query != "" {
				if row.Latest == nil {
					continue
				}
				text, err := selfCheckText(r, tx, row.Latest)
				if err != nil {
					return err
				}
				if row.Snippet = snippet(text, v.Query); row.Snippet == nil {
					continue
				}
				v.Matches++
			}
			v.Rows = append(v.Rows, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(v.Rows, func(a, b selfCheckRow) int {
		return slices.Index(pinggu.SelfCheckStates, a.State) - slices.Index(pinggu.SelfCheckStates, b.State)
	})
	return s.render(w, http.StatusOK, "selfchecks", v)
}

// selfCheckText is a version's whole text: its file's and what was written.
func selfCheckText(r *http.Request, tx *store.Tx, sc *pinggu.SelfCheck) (string, error) {
	var b strings.Builder
	if sc.File != nil && sc.File.HasText {
		texts, err := tx.FileTexts(r.Context(), []string{sc.File.ID})
		if err != nil {
			return "", err
		}
		b.WriteString(texts[sc.File.ID])
	}
	b.WriteString("\n" + sc.Written())
	return b.String(), nil
}

// snippet is the text around q's first occurrence in text (ignoring case
// and runs of white space): before, the match, after; nil without one.
func snippet(text, q string) []string {
	flat := strings.Join(strings.Fields(text), " ")
	i := strings.Index(strings.ToLower(flat), strings.ToLower(q))
	if i < 0 {
		return nil
	}
	before, match, after := []rune(flat[:i]), flat[i:i+len(q)], []rune(flat[i+len(q):])
	const around = 30
	pre, post := string(before[max(0, len(before)-around):]), string(after[:min(len(after), around)])
	if len(before) > around {
		pre = "…" + pre
	}
	if len(after) > around {
		post += "…"
	}
	return []string{pre, match, post}
}
