package web

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/evidence"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

// invitee is a person of an interviewee draw, as a hearing record lists
// them: invited (drawn, or released to replace someone), or replaced by
// protocol.
type invitee struct {
	ID       string
	Stratum  string
	Status   string // sampling status: selected, released, non_response:<reason>
	Attended string // pinggu.AttendCame, AttendAbsent or ""
}

// Replaced reports whether the person was replaced by protocol.
func (i invitee) Replaced() bool { return strings.HasPrefix(i.Status, sampling.StatusNonResponse) }

// objectOption is an evaluated object a finding can name.
type objectOption struct {
	ID   int64
	Name string
}

type hearingView struct {
	*Page
	Campaign   *pinggu.Campaign
	Unit       pinggu.Unit
	Hearings   []pinggu.Hearing // the area's, on the list page
	Hearing    *pinggu.Hearing  // the one shown, or the form's values
	Kinds      []pinggu.HearingKind
	Categories []string
	Draws      []store.DrawInfo // the area's interviewee draws
	Invitees   []invitee
	Objects    []objectOption
	Items      []pinggu.Item
	Names      map[int64]string // object names, by unit ID
	CanWrite   bool
	Message    string
	Problems   []string
}

// hearingBase loads what every hearing page of an area shows.
func (s *Server) hearingBase(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, v *hearingView) error {
	v.Page, v.Campaign, v.Unit = s.page(w, r, c), cp, c.Unit.Unit
	v.Kinds, v.Categories, v.Names = pinggu.HearingKinds, pinggu.RosterCategories, map[int64]string{}
	v.CanWrite = !cp.State.Closed() && cp.State != pinggu.StateDraft && pinggu.Authorize(c.User, pinggu.PermHearingWrite, c.Unit) == nil
	return s.db.View(r.Context(), func(tx *store.Tx) error {
		all, err := tx.Units(r.Context())
		if err != nil {
			return err
		}
		sampled, err := tx.SampledUnits(r.Context(), cp.ID)
		if err != nil {
			return err
		}
		inArea := map[string]bool{}
		v.Objects = append(v.Objects, objectOption{v.Unit.ID, v.Unit.Name})
		parent := map[int64]int64{}
		for _, u := range all {
			parent[u.ID] = u.ParentID
		}
		for _, u := range all {
			under := false
			for p, n := u.ParentID, 0; p != 0 && n < 64 && !under; p, n = parent[p], n+1 {
				under = p == v.Unit.ID
			}
			if under {
				inArea[u.ElementID()] = true
				if sampled[u.ElementID()] {
					v.Objects = append(v.Objects, objectOption{u.ID, u.Name})
				}
			}
		}
		inArea[v.Unit.ElementID()] = true
		for _, o := range v.Objects {
			v.Names[o.ID] = o.Name
		}
		seen := map[string]bool{}
		for _, k := range pinggu.EvaluatedKinds {
			if id := cp.Settings.Frameworks[k]; id != 0 {
				f, err := tx.CampaignFramework(r.Context(), cp, id)
				if err != nil {
					return err
				}
				for _, it := range f.ActiveItems() {
					if !seen[it.Code] {
						seen[it.Code] = true
						v.Items = append(v.Items, it)
					}
				}
			}
		}
		draws, err := tx.Draws(r.Context(), cp.ID)
		if err != nil {
			return err
		}
		for _, d := range draws {
			if d.Kind != pinggu.DrawInterviewees || d.Voided() {
				continue
			}
			_, rec, err := tx.DrawRecord(r.Context(), d.ID)
			if err != nil {
				return err
			}
			if len(rec.Strata) > 0 && inArea[strings.SplitN(rec.Strata[0].Stratum, "/", 2)[0]] {
				v.Draws = append(v.Draws, d)
			}
		}
		return nil
	})
}

// hearingList shows an area's hearing records and a form for a new one.
func (s *Server) hearingList(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, ok, err := s.fieldworkArea(w, r, c, "hearings")
	if !ok {
		return err
	}
	return s.renderHearingList(w, r, c, cp, http.StatusOK, hearingView{})
}

func (s *Server) renderHearingList(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, status int, v hearingView) error {
	if err := s.hearingBase(w, r, c, cp, &v); err != nil {
		return err
	}
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) {
		v.Hearings, err = tx.Hearings(r.Context(), cp.ID, v.Unit.ID)
		return err
	})
	if err != nil {
		return err
	}
	if v.Hearing == nil {
		v.Hearing = &pinggu.Hearing{Kind: pinggu.HearingSymposium, HeldOn: pinggu.Date(v.Page.Now.In(s.loc).Format("2006-01-02"))}
	}
	return s.render(w, status, "hearings", v)
}

// hearingForm reads a hearing record's fields from the form.
func hearingForm(r *http.Request, h *pinggu.Hearing) {
	h.Kind = pinggu.HearingKind(r.PostFormValue("kind"))
	h.HeldOn = pinggu.Date(strings.TrimSpace(r.PostFormValue("held_on")))
	h.Place = strings.TrimSpace(r.PostFormValue("place"))
	h.Evaluators = strings.TrimSpace(r.PostFormValue("evaluators"))
	h.Inspected = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("inspected"), "\r\n", "\n"))
	h.Summary = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("summary"), "\r\n", "\n"))
	h.DrawID, _ = strconv.ParseInt(r.PostFormValue("draw"), 10, 64)
	h.Participants = map[string]int{}
	for _, cat := range pinggu.RosterCategories {
		if s := strings.TrimSpace(r.PostFormValue("count." + cat)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				n = -1 // refused by Validate, named by the category
			}
			if n != 0 {
				h.Participants[cat] = n
			}
		}
	}
	h.Attendance = map[string]string{}
	for key, vals := range r.PostForm {
		if id, ok := strings.CutPrefix(key, "attend."); ok && vals[0] != "" {
			h.Attendance[id] = vals[0]
		}
	}
}

// problems turns an input or state error into the message and the list a
// form shows above itself; ok is false for any other error, which the
// caller returns as it is.
func (c *reqCtx) problems(err error) (msg string, list []string, ok bool) {
	if err == nil {
		return "", nil, false
	}
	e := pinggu.AsError(err)
	if e.Code != pinggu.EInvalid && e.Code != pinggu.EConflict {
		return "", nil, false
	}
	var ps []string
	for _, p := range e.Problems {
		ps = append(ps, c.L.Problem(p))
	}
	return c.L.Error(e), ps, true
}

// checkDraw refuses a draw that is not one of the area's interviewee draws.
func (v *hearingView) checkDraw(h *pinggu.Hearing) error {
	if h.DrawID == 0 {
		return nil
	}
	if !h.Kind.Drawn() {
		h.DrawID, h.Attendance = 0, nil
		return nil
	}
	for _, d := range v.Draws {
		if d.ID == h.DrawID {
			return nil
		}
	}
	return pinggu.Invalid("hearing.invalid", []pinggu.Problem{pinggu.NewProblem(0, "draw", "hearing.draw_not_area")})
}

// hearingCreate records a new hearing of the area.
func (s *Server) hearingCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, ok, err := s.fieldworkArea(w, r, c, "hearings")
	if !ok {
		return err
	}
	return s.saveHearing(w, r, c, cp, &pinggu.Hearing{CampaignID: cp.ID, UnitID: c.Unit.Unit.ID}, s.renderHearingList)
}

// saveHearing reads h's fields from the form and saves it; refused input
// is shown again by render, with what is wrong.
func (s *Server) saveHearing(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, h *pinggu.Hearing,
	render func(http.ResponseWriter, *http.Request, *reqCtx, *pinggu.Campaign, int, hearingView) error) error {
	hearingForm(r, h)
	v := hearingView{Hearing: h}
	if err := s.hearingBase(w, r, c, cp, &v); err != nil {
		return err
	}
	err := v.checkDraw(h)
	if err == nil {
		err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return tx.SaveHearing(r.Context(), h) })
	}
	if msg, ps, ok := c.problems(err); ok {
		v.Message, v.Problems = msg, ps
		return render(w, r, c, cp, http.StatusUnprocessableEntity, v)
	} else if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("hearing.saved"))
	return redirect(w, r, hearingURL(cp.ID, h.UnitID, h.ID))
}

func hearingURL(campaign, unit, hearing int64) string {
	return "/campaigns/" + itoa(campaign) + "/units/" + itoa(unit) + "/hearings/" + itoa(hearing)
}

// routeHearing loads the route's campaign, area and hearing, which must
// be the area's; ok false means the request is answered (a redirect to
// the unit's area) or err says why not.
func (s *Server) routeHearing(w http.ResponseWriter, r *http.Request, c *reqCtx) (*pinggu.Campaign, *pinggu.Hearing, bool, error) {
	cp, ok, err := s.fieldworkArea(w, r, c, "hearings")
	if !ok {
		return nil, nil, false, err
	}
	id, err := parseID(r.PathValue("hid"))
	if err != nil {
		return nil, nil, false, pinggu.Errorf(pinggu.ENotFound, "hearing.not_found")
	}
	var h *pinggu.Hearing
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { h, err = tx.Hearing(r.Context(), id); return }); err != nil {
		return nil, nil, false, err
	}
	if h.CampaignID != cp.ID || h.UnitID != c.Unit.Unit.ID {
		return nil, nil, false, pinggu.Errorf(pinggu.ENotFound, "hearing.not_found")
	}
	return cp, h, true, nil
}

// hearingPage shows one hearing record, its invitees and findings.
func (s *Server) hearingPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, h, ok, err := s.routeHearing(w, r, c)
	if !ok {
		return err
	}
	return s.renderHearing(w, r, c, cp, http.StatusOK, hearingView{Hearing: h})
}

func (s *Server) renderHearing(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, status int, v hearingView) error {
	if err := s.hearingBase(w, r, c, cp, &v); err != nil {
		return err
	}
	if v.Hearing.DrawID != 0 {
		err := s.db.View(r.Context(), func(tx *store.Tx) error {
			_, rec, err := tx.DrawRecord(r.Context(), v.Hearing.DrawID)
			if err != nil {
				return err
			}
			for _, st := range rec.Strata {
				for _, e := range st.Order {
					if e.Status == sampling.StatusQueued {
						continue
					}
					v.Invitees = append(v.Invitees, invitee{ID: e.ID, Stratum: st.Stratum, Status: e.Status, Attended: v.Hearing.Attendance[e.ID]})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return s.render(w, status, "hearing", v)
}

// hearingUpdate saves the record's fields and the invitees' attendance.
func (s *Server) hearingUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, h, ok, err := s.routeHearing(w, r, c)
	if !ok {
		return err
	}
	return s.saveHearing(w, r, c, cp, h, s.renderHearing)
}

// findingAdd adds a finding with its evidence files to the hearing.
func (s *Server) findingAdd(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, h, ok, err := s.routeHearing(w, r, c)
	if !ok {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4*pinggu.MaxFileSize)
	v := hearingView{Hearing: h}
	fail := func(err error) error {
		if msg, ps, ok := c.problems(err); ok {
			v.Message, v.Problems = msg, ps
			return s.renderHearing(w, r, c, cp, http.StatusUnprocessableEntity, v)
		}
		return err
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		return fail(pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", pinggu.MaxFileSize>>20))
	}
	if err := s.hearingBase(w, r, c, cp, &v); err != nil {
		return err
	}
	object, _ := strconv.ParseInt(r.PostFormValue("object"), 10, 64)
	f := &pinggu.Finding{HearingID: h.ID, ObjectID: object, Item: r.PostFormValue("item"),
		Nature: pinggu.FindingNature(r.PostFormValue("nature")), Text: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n"))}
	ps := f.Validate()
	if v.Names[object] == "" {
		ps = append(ps, pinggu.NewProblem(0, "object", "finding.object_not_area"))
	}
	if f.Item != "" && !slices.ContainsFunc(v.Items, func(it pinggu.Item) bool { return it.Code == f.Item }) {
		ps = append(ps, pinggu.NewProblem(0, "item", "finding.item_unknown", "Code", f.Item))
	}
	type upload struct {
		name string
		kept *evidence.Kept
	}
	var files []upload
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["evidence"] {
			rd, err := fh.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(rd)
			rd.Close()
			if err != nil {
				return err
			}
			if len(data) == 0 && fh.Filename == "" {
				continue
			}
			k, err := evidence.Check(data, evidence.Any)
			if err != nil {
				ps = append(ps, problemOf("evidence", fh.Filename, err))
				continue
			}
			files = append(files, upload{fh.Filename, k})
		}
	}
	if len(ps) > 0 {
		return fail(pinggu.Invalid("finding.invalid", ps))
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		var ids []string
		for _, u := range files {
			sf := storedFile(u.name, u.kept)
			if err := tx.SaveFile(r.Context(), cp.ID, h.UnitID, sf, u.kept.Data, u.kept.Text); err != nil {
				return err
			}
			ids = append(ids, sf.ID)
		}
		return tx.AddFinding(r.Context(), f, ids)
	})
	if err != nil {
		return fail(err)
	}
	s.setFlash(r, "ok", c.L.T("finding.saved"))
	return redirect(w, r, hearingURL(cp.ID, h.UnitID, h.ID)+"#findings")
}

// findingDelete removes a finding of the hearing.
func (s *Server) findingDelete(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, h, ok, err := s.routeHearing(w, r, c)
	if !ok {
		return err
	}
	id, err := parseID(r.PathValue("fnd"))
	if err != nil {
		return pinggu.Errorf(pinggu.ENotFound, "finding.not_found")
	}
	if err := s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return tx.DeleteFinding(r.Context(), h.ID, id) }); err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("finding.deleted"))
	return redirect(w, r, hearingURL(cp.ID, h.UnitID, h.ID)+"#findings")
}

// hearingFile sends an evidence file of one of the hearing's findings.
func (s *Server) hearingFile(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	_, h, ok, err := s.routeHearing(w, r, c)
	if !ok {
		return err
	}
	for _, f := range h.Findings {
		for _, e := range f.Evidence {
			if e.ID == r.PathValue("file") {
				var sf *store.File
				if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { sf, err = tx.FileByID(r.Context(), e.ID); return }); err != nil {
					return err
				}
				return sendFile(w, sf)
			}
		}
	}
	return pinggu.Errorf(pinggu.ENotFound, "file.not_found")
}

type hearingRow struct {
	Unit         pinggu.Unit
	ByKind       map[pinggu.HearingKind]int
	People       int
	Achievements int
	Problems     int
	Last         pinggu.Date
}

type hearingListView struct {
	*Page
	Campaign *pinggu.Campaign
	Kinds    []pinggu.HearingKind
	Rows     []hearingRow
	Due      pinggu.Date
}

// hearingOverview shows, per area within the account's campaign scope,
// the hearings held by kind, the people heard and the findings.
func (s *Server) hearingOverview(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v := hearingListView{Page: s.page(w, r, c), Campaign: cp, Kinds: pinggu.HearingKinds, Due: cp.Settings.Due(pinggu.StageFieldwork)}
	err = s.db.View(r.Context(), func(tx *store.Tx) error {
		all, err := tx.Units(r.Context())
		if err != nil {
			return err
		}
		hs, err := tx.Hearings(r.Context(), cp.ID, 0)
		if err != nil {
			return err
		}
		rows := map[int64]*hearingRow{}
		for _, u := range all {
			if u.Kind.Area() && pinggu.InCampaignScope(c.User, cp.ID, *pathOf(all, u)) {
				v.Rows = append(v.Rows, hearingRow{Unit: u, ByKind: map[pinggu.HearingKind]int{}})
			}
		}
		for i := range v.Rows {
			rows[v.Rows[i].Unit.ID] = &v.Rows[i]
		}
		for _, h := range hs {
			row := rows[h.UnitID]
			if row == nil {
				continue
			}
			row.ByKind[h.Kind]++
			row.People += h.People()
			row.Last = max(row.Last, h.HeldOn)
			for _, f := range h.Findings {
				if f.Nature == pinggu.FindingAchievement {
					row.Achievements++
				} else {
					row.Problems++
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "hearing_overview", v)
}
