package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/framework"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

type frameworkListView struct {
	*Page
	Frameworks []pinggu.Framework
	Message    string
	Problems   []string
}

func (s *Server) frameworkList(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	v := frameworkListView{Page: s.page(w, r, c)}
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { v.Frameworks, err = tx.Frameworks(r.Context()); return })
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "frameworks", v)
}

func (s *Server) frameworkOf(r *http.Request) (*pinggu.Framework, error) {
	id, err := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	if err != nil {
		return nil, pinggu.Errorf(pinggu.ENotFound, "framework.not_found")
	}
	var f *pinggu.Framework
	err = s.db.View(r.Context(), func(tx *store.Tx) (err error) { f, err = tx.Framework(r.Context(), id); return })
	return f, err
}

type frameworkView struct {
	*Page
	Framework *pinggu.Framework
	Campaign  *pinggu.Campaign // set when showing a campaign's frozen copy
	Editable  bool
	Errors    map[string]string
	Form      map[string]string
}

func (s *Server) frameworkPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	f, err := s.frameworkOf(r)
	if err != nil {
		return err
	}
	return s.renderFramework(w, r, c, f, http.StatusOK, nil, nil)
}

func (s *Server) renderFramework(w http.ResponseWriter, r *http.Request, c *reqCtx, f *pinggu.Framework, status int, errs, form map[string]string) error {
	v := frameworkView{Page: s.page(w, r, c), Framework: f, Errors: errs, Form: form,
		Editable: pinggu.Authorize(c.User, pinggu.PermCampaignSetup, nil) == nil}
	return s.render(w, status, "framework", v)
}

// campaignFramework shows the framework as the campaign uses it: frozen
// once published.
func (s *Server) campaignFramework(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	var f *pinggu.Framework
	err = s.db.View(r.Context(), func(tx *store.Tx) (err error) { f, err = tx.CampaignFramework(r.Context(), cp, id); return })
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "framework", frameworkView{Page: s.page(w, r, c), Framework: f, Campaign: cp})
}

func (s *Server) frameworkExport(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	f, err := s.frameworkOf(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	var buf bytes.Buffer
	switch format {
	case "json":
		err = framework.WriteJSON(&buf, f)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	case "xlsx":
		err = framework.WriteXLSX(&buf, f)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	default:
		return pinggu.Errorf(pinggu.EInvalid, "export.format_unknown", "Format", format)
	}
	if err != nil {
		return pinggu.Internal(err)
	}
	name := f.Code + "-v" + strconv.Itoa(f.Version) + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(f.Name+"-v"+strconv.Itoa(f.Version)+"."+format))
	_, err = w.Write(buf.Bytes())
	return err
}

// frameworkImport stores an uploaded framework: a new version of the
// template with its code, or a new template.
func (s *Server) frameworkImport(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	r.Body = http.MaxBytesReader(w, r.Body, tabular.MaxFileBytes+1<<20)
	fail := func(e *pinggu.Error) error {
		v := frameworkListView{Page: s.page(w, r, c), Message: c.L.Error(e)}
		for _, p := range e.Problems {
			v.Problems = append(v.Problems, c.L.Problem(p))
		}
		s.db.View(r.Context(), func(tx *store.Tx) (err error) { v.Frameworks, err = tx.Frameworks(r.Context()); return })
		return s.render(w, http.StatusUnprocessableEntity, "frameworks", v)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return fail(pinggu.Errorf(pinggu.EInvalid, "import.no_file"))
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return fail(pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", tabular.MaxFileBytes>>20))
	}
	f, err := framework.Read(hdr.Filename, data)
	if err == nil {
		err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return saveImported(r, tx, f) })
	}
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict) {
		return fail(e)
	}
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("framework.saved", "Name", f.Name, "Version", f.Version))
	return redirect(w, r, "/frameworks/"+itoa(f.ID))
}

// saveImported saves f as the next version of the template with its code,
// or as a new template.
func saveImported(r *http.Request, tx *store.Tx, f *pinggu.Framework) error {
	existing, err := tx.FrameworkByCode(r.Context(), f.Code)
	switch {
	case err == nil:
		f.ID = existing.ID
	case pinggu.ErrorCodeOf(err) != pinggu.ENotFound:
		return err
	}
	return tx.SaveFramework(r.Context(), f)
}

// frameworkEdit applies one editing operation to a template and saves the
// result as a new version. The form carries the version it was made from;
// an edit of a stale page is refused rather than silently merged.
func (s *Server) frameworkEdit(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	f, err := s.frameworkOf(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	r.ParseForm()
	for k := range r.PostForm {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	if v, _ := strconv.Atoi(form["version"]); v != f.Version {
		s.setFlash(r, "error", c.L.T("framework.stale", "Version", f.Version))
		return redirect(w, r, "/frameworks/"+itoa(f.ID))
	}
	if err := applyEdit(f, form); err != nil {
		return s.frameworkEditFailed(w, r, c, f.ID, form, err)
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return tx.SaveFramework(r.Context(), f) })
	if err != nil {
		return s.frameworkEditFailed(w, r, c, f.ID, form, err)
	}
	s.setFlash(r, "ok", c.L.T("framework.saved", "Name", f.Name, "Version", f.Version))
	to := "/frameworks/" + itoa(f.ID)
	if d := form["dim"]; d != "" {
		to += "#" + d
	}
	return redirect(w, r, to)
}

func (s *Server) frameworkEditFailed(w http.ResponseWriter, r *http.Request, c *reqCtx, id int64, form map[string]string, err error) error {
	e := pinggu.AsError(err)
	if e.Code != pinggu.EInvalid {
		return err
	}
	f, ferr := s.frameworkOf(r) // the stored version, unchanged
	if ferr != nil {
		return ferr
	}
	errs := map[string]string{"": c.L.Error(e)}
	for _, p := range e.Problems {
		errs[""] += " " + c.L.Problem(pinggu.Problem{Key: p.Key, Args: p.Args})
	}
	if item := form["item"]; item != "" && form["op"] == "save_item" {
		return s.renderItem(w, r, c, f, item, http.StatusUnprocessableEntity, errs[""], form)
	}
	return s.renderFramework(w, r, c, f, http.StatusUnprocessableEntity, errs, form)
}

// applyEdit changes f according to one posted operation.
func applyEdit(f *pinggu.Framework, form map[string]string) error {
	di := slices.IndexFunc(f.Dimensions, func(d pinggu.Dimension) bool { return d.Code == form["dim"] })
	bad := func(key string) error {
		return pinggu.Invalid("framework.invalid", []pinggu.Problem{pinggu.NewProblem(0, "", key)})
	}
	if form["op"] != "add_dimension" && form["op"] != "rename" && di < 0 {
		return bad("framework.dimension_not_found")
	}
	move := func(n, i, delta int, swap func(a, b int)) {
		if j := i + delta; j >= 0 && j < n {
			swap(i, j)
		}
	}
	ii := -1
	if di >= 0 {
		ii = slices.IndexFunc(f.Dimensions[di].Items, func(it pinggu.Item) bool { return it.Code == form["item"] })
	}
	needItem := func() error {
		if ii < 0 {
			return bad("framework.item_not_found")
		}
		return nil
	}
	switch form["op"] {
	case "rename":
		f.Name = form["name"]
	case "add_dimension":
		f.Dimensions = append(f.Dimensions, pinggu.Dimension{Code: form["code"], Name: form["name"], Items: []pinggu.Item{}})
	case "edit_dimension":
		f.Dimensions[di].Name = form["name"]
	case "dimension_up", "dimension_down":
		move(len(f.Dimensions), di, map[string]int{"dimension_up": -1, "dimension_down": 1}[form["op"]], func(a, b int) {
			f.Dimensions[a], f.Dimensions[b] = f.Dimensions[b], f.Dimensions[a]
		})
	case "retire_dimension", "restore_dimension":
		f.Dimensions[di].Retired = form["op"] == "retire_dimension"
	case "add_item":
		f.Dimensions[di].Items = append(f.Dimensions[di].Items, pinggu.Item{Code: form["code"], Text: form["text"], Question: form["question"]})
	case "save_item":
		if err := needItem(); err != nil {
			return err
		}
		it := &f.Dimensions[di].Items[ii]
		it.Code, it.Text, it.Question = form["code"], form["text"], form["question"]
	case "item_up", "item_down":
		if err := needItem(); err != nil {
			return err
		}
		items := f.Dimensions[di].Items
		move(len(items), ii, map[string]int{"item_up": -1, "item_down": 1}[form["op"]], func(a, b int) { items[a], items[b] = items[b], items[a] })
	case "retire_item", "restore_item":
		if err := needItem(); err != nil {
			return err
		}
		f.Dimensions[di].Items[ii].Retired = form["op"] == "retire_item"
	default:
		return bad("framework.op_unknown")
	}
	return nil
}

type itemView struct {
	*Page
	Framework *pinggu.Framework
	Dimension pinggu.Dimension
	Item      pinggu.Item
	Error     string
	Form      map[string]string
}

func (s *Server) itemPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	f, err := s.frameworkOf(r)
	if err != nil {
		return err
	}
	return s.renderItem(w, r, c, f, r.PathValue("code"), http.StatusOK, "", nil)
}

func (s *Server) renderItem(w http.ResponseWriter, r *http.Request, c *reqCtx, f *pinggu.Framework, code string, status int, msg string, form map[string]string) error {
	for _, d := range f.Dimensions {
		for _, it := range d.Items {
			if it.Code == code {
				if form == nil {
					form = map[string]string{"code": it.Code, "text": it.Text, "question": it.Question}
				}
				return s.render(w, status, "item_edit", itemView{Page: s.page(w, r, c), Framework: f, Dimension: d, Item: it, Error: msg, Form: form})
			}
		}
	}
	return pinggu.Errorf(pinggu.ENotFound, "framework.item_not_found")
}
