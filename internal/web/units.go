package web

import (
	"net/http"
	"strings"

	"pinggu"
	"pinggu/internal/registry"
	"pinggu/internal/store"
)

// treeNode is a unit with its children, for the tree page and the API.
type treeNode struct {
	pinggu.Unit
	Depth    int         `json:"-"`
	Children []*treeNode `json:"children,omitempty"`
}

// buildTree nests units (in tree order) under their parents; units whose
// parent is not in the list become roots.
func buildTree(units []pinggu.Unit) []*treeNode {
	nodes := map[int64]*treeNode{}
	var roots []*treeNode
	for _, u := range store.SortTree(units) {
		n := &treeNode{Unit: u}
		nodes[u.ID] = n
		if p, ok := nodes[u.ParentID]; ok {
			n.Depth = p.Depth + 1
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots
}

type searchHit struct {
	pinggu.Unit
	Path []string // ancestor names, root first
}

type treeView struct {
	*Page
	Query string
	Roots []*treeNode
	Hits  []searchHit
	Count int
}

func (s *Server) visibleUnits(r *http.Request, u *pinggu.User) ([]pinggu.Unit, []pinggu.Unit, error) {
	var all []pinggu.Unit
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { all, err = tx.Units(r.Context()); return })
	if err != nil {
		return nil, nil, err
	}
	return all, scopeFilter(u, all), nil
}

func (s *Server) unitTree(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	all, seen, err := s.visibleUnits(r, c.User)
	if err != nil {
		return err
	}
	v := treeView{Page: s.page(w, r, c), Query: strings.TrimSpace(r.URL.Query().Get("q")), Count: len(seen)}
	if v.Query == "" {
		v.Roots = buildTree(seen)
		return s.render(w, http.StatusOK, "units", v)
	}
	byID := map[int64]pinggu.Unit{}
	for _, u := range all {
		byID[u.ID] = u
	}
	q := strings.ToLower(v.Query)
	for _, u := range seen {
		if strings.Contains(strings.ToLower(u.Name), q) || strings.Contains(strings.ToLower(u.Code), q) {
			h := searchHit{Unit: u}
			for p, n := u.ParentID, 0; p != 0 && n < 64; p, n = byID[p].ParentID, n+1 {
				h.Path = append([]string{byID[p].Name}, h.Path...)
			}
			v.Hits = append(v.Hits, h)
			if len(v.Hits) == 200 {
				break
			}
		}
	}
	return s.render(w, http.StatusOK, "units", v)
}

type unitView struct {
	*Page
	Unit      pinggu.Unit
	Ancestors []crumb // root first
	Parent    *pinggu.Unit
	Children  []pinggu.Unit
	Audit     []pinggu.AuditEntry
	AddKinds  []pinggu.UnitKind // kinds an admin may add under this unit
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	v := unitView{Page: s.page(w, r, c), Unit: c.Unit.Unit}
	ctx := r.Context()
	err := s.db.View(ctx, func(tx *store.Tx) error {
		for i, id := range c.Unit.Ancestors {
			a, err := tx.Unit(ctx, id)
			if err != nil {
				return err
			}
			// An ancestor is a link only when the account may open it.
			path := pinggu.UnitPath{Unit: *a, Ancestors: c.Unit.Ancestors[i+1:]}
			v.Ancestors = append([]crumb{{Unit: *a, Link: pinggu.InScope(c.User, path)}}, v.Ancestors...)
		}
		var err error
		if v.Children, err = tx.Children(ctx, v.Unit.ID); err != nil {
			return err
		}
		if pinggu.Authorize(c.User, pinggu.PermAuditView, nil) == nil {
			v.Audit, err = tx.AuditEntries(ctx, store.AuditFilter{ObjectType: "unit", ObjectID: itoa(v.Unit.ID), Limit: 20})
		}
		return err
	})
	if err != nil {
		return err
	}
	if n := len(v.Ancestors); n > 0 {
		v.Parent = &v.Ancestors[n-1].Unit
	}
	v.AddKinds = childKinds(v.Unit.Kind)
	return s.render(w, http.StatusOK, "unit", v)
}

// crumb is an ancestor in the breadcrumb trail.
type crumb struct {
	pinggu.Unit
	Link bool
}

// childKinds lists the kinds that may sit under a unit of kind k.
func childKinds(k pinggu.UnitKind) []pinggu.UnitKind {
	var out []pinggu.UnitKind
	for _, c := range pinggu.UnitKinds {
		if pinggu.AllowedParent(c, k) {
			out = append(out, c)
		}
	}
	return out
}

// unitExport downloads what the account may see, in the import's format.
func (s *Server) unitExport(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	format := registry.Format(r.URL.Query().Get("format"))
	if format != registry.CSV && format != registry.XLSX {
		return pinggu.Errorf(pinggu.EInvalid, "export.format_unknown", "Format", string(format))
	}
	_, seen, err := s.visibleUnits(r, c.User)
	if err != nil {
		return err
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		return tx.Audit(r.Context(), pinggu.ActionRegistryExport, "registry", "", nil, map[string]any{"format": format, "units": len(seen)})
	})
	if err != nil {
		return err
	}
	s.anchorHead(w, r)
	ctype := "text/csv; charset=utf-8"
	if format == registry.XLSX {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="units.`+string(format)+`"; filename*=UTF-8''%E5%8D%95%E4%BD%8D%E5%90%8D%E5%BD%95.`+string(format))
	return registry.Export(w, seen, format, c.L.Lang != "en")
}
