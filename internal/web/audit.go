package web

import (
	"net/http"
	"strconv"

	"pinggu"
	"pinggu/internal/store"
)

type auditView struct {
	*Page
	Entries []pinggu.AuditEntry
	Report  store.AuditReport
	Next    int64 // seq for the next page, 0 when none
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	v := auditView{Page: s.page(w, r, c)}
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) {
		if v.Entries, err = tx.AuditEntries(r.Context(), store.AuditFilter{Limit: 100, BeforeSeq: before}); err != nil {
			return err
		}
		v.Report, err = tx.VerifyAudit(r.Context())
		return err
	})
	if err != nil {
		return err
	}
	if len(v.Entries) == 100 {
		v.Next = v.Entries[len(v.Entries)-1].Seq
	}
	return s.render(w, http.StatusOK, "audit", v)
}
