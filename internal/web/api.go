package web

import (
	"net/http"
	"strings"

	"pinggu"
	"pinggu/internal/store"
)

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return writeJSON(w, http.StatusOK, c.User)
}

// apiUnits lists the units in the account's scope, optionally filtered by
// kind and by a search term on name or code.
func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	_, seen, err := s.visibleUnits(r, c.User)
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	kind := pinggu.UnitKind(r.URL.Query().Get("kind"))
	if kind != "" && !kind.Valid() {
		return pinggu.Errorf(pinggu.EInvalid, "unit.kind_unknown", "Value", string(kind))
	}
	out := []pinggu.Unit{}
	for _, u := range seen {
		if kind != "" && u.Kind != kind {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(u.Name), q) && !strings.Contains(strings.ToLower(u.Code), q) {
			continue
		}
		out = append(out, u)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "units": out})
}

func (s *Server) apiTree(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	_, seen, err := s.visibleUnits(r, c.User)
	if err != nil {
		return err
	}
	roots := buildTree(seen)
	if roots == nil {
		roots = []*treeNode{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"roots": roots})
}

func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var children []pinggu.Unit
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) {
		children, err = tx.Children(r.Context(), c.Unit.Unit.ID)
		return err
	})
	if err != nil {
		return err
	}
	if children == nil {
		children = []pinggu.Unit{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"unit": c.Unit.Unit, "ancestors": c.Unit.Ancestors, "children": children,
	})
}
