package web

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"

	"pinggu"
	"pinggu/internal/registry"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

type importView struct {
	*Page
	Filename string
	Message  string   // why the file was refused as a whole
	Problems []string // every bad row, located
	Plan     *registry.Plan
	UploadID string
	Shown    int // how many creates/updates the preview lists
}

const previewRows = 50

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.render(w, http.StatusOK, "import", importView{Page: s.page(w, r, c)})
}

// importPreview plans the uploaded file and shows what it would do, or
// every problem with its row and column. Nothing is written to the registry.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	r.Body = http.MaxBytesReader(w, r.Body, tabular.MaxFileBytes+1<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.render(w, http.StatusUnprocessableEntity, "import", importView{Page: s.page(w, r, c), Message: c.L.T("import.no_file")})
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return s.render(w, http.StatusUnprocessableEntity, "import", importView{Page: s.page(w, r, c),
			Message: c.L.T("file.too_large", "MaxMB", tabular.MaxFileBytes>>20)})
	}
	v := importView{Page: s.page(w, r, c), Filename: hdr.Filename, Shown: previewRows}
	plan, err := registry.Preview(r.Context(), s.db, hdr.Filename, data)
	if e := pinggu.AsError(err); err != nil && e.Code == pinggu.EInvalid {
		v.Message = c.L.Error(e)
		for _, p := range e.Problems {
			v.Problems = append(v.Problems, c.L.Problem(p))
		}
		return s.render(w, http.StatusUnprocessableEntity, "import", v)
	}
	if err != nil {
		return err
	}
	v.Plan = plan
	b := make([]byte, 16)
	rand.Read(b)
	v.UploadID = hex.EncodeToString(b)
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		return tx.SaveUpload(r.Context(), &store.Upload{ID: v.UploadID, UserID: c.User.ID, Filename: hdr.Filename, Data: data})
	})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "import", v)
}

// importConfirm applies the previewed file. It is planned again against the
// registry as it is now, inside the same transaction that writes it.
func (s *Server) importConfirm(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var up *store.Upload
	err := s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) (err error) {
		up, err = tx.TakeUpload(r.Context(), c.User.ID, r.PostFormValue("upload"))
		return err
	})
	if err != nil {
		return err
	}
	plan, err := registry.Import(r.Context(), s.db, store.ActorOf(c.User), up.Filename, up.Data)
	if e := pinggu.AsError(err); err != nil && e.Code == pinggu.EInvalid {
		v := importView{Page: s.page(w, r, c), Filename: up.Filename, Message: c.L.Error(e)}
		for _, p := range e.Problems {
			v.Problems = append(v.Problems, c.L.Problem(p))
		}
		return s.render(w, http.StatusUnprocessableEntity, "import", v)
	}
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("import.done", "Created", len(plan.Creates), "Updated", len(plan.Updates), "Unchanged", plan.Unchanged))
	return redirect(w, r, "/units")
}
