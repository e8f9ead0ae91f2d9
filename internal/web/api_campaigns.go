package web

import (
	"encoding/json"
	"io"
	"net/http"

	"pinggu"
	"pinggu/internal/framework"
	"pinggu/internal/store"
)

// decode reads a JSON request body of at most 1 MB into v, refusing
// unknown fields so that a typo is an error rather than a silent default.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "api.bad_json", "Detail", err.Error())
	}
	return nil
}

func (s *Server) apiCampaigns(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	list, err := s.visibleCampaigns(r, c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"campaigns": list})
}

func (s *Server) apiCampaign(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var all []pinggu.Group
	err = s.db.View(r.Context(), func(tx *store.Tx) (err error) { all, err = tx.Groups(r.Context(), cp.ID); return })
	if err != nil {
		return err
	}
	groups := []pinggu.Group{}
	for _, g := range all {
		if g.VisibleTo(c.User) {
			groups = append(groups, g)
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"campaign": cp, "groups": groups})
}

// campaignInput is the body of a create or update: settings left out keep
// their defaults (create) or stored values (update).
type campaignInput struct {
	Code     string           `json:"code"`
	Name     string           `json:"name"`
	Settings *json.RawMessage `json:"settings"`
}

func (s *Server) apiCampaignCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var in campaignInput
	if err := decode(r, &in); err != nil {
		return err
	}
	var cp *pinggu.Campaign
	err := s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) (err error) {
		cp, err = tx.NewCampaign(r.Context(), in.Code, in.Name, func(cp *pinggu.Campaign) error {
			if in.Settings != nil {
				if err := json.Unmarshal(*in.Settings, &cp.Settings); err != nil {
					return pinggu.Errorf(pinggu.EInvalid, "api.bad_json", "Detail", err.Error())
				}
			}
			return nil
		})
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, cp)
}

func (s *Server) apiCampaignUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	stored, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var in campaignInput
	if err := decode(r, &in); err != nil {
		return err
	}
	cp := cloneCampaign(stored)
	if in.Code != "" {
		cp.Code = in.Code
	}
	if in.Name != "" {
		cp.Name = in.Name
	}
	if in.Settings != nil {
		if err := json.Unmarshal(*in.Settings, &cp.Settings); err != nil {
			return pinggu.Errorf(pinggu.EInvalid, "api.bad_json", "Detail", err.Error())
		}
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return tx.UpdateCampaign(r.Context(), cp) })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cp)
}

func (s *Server) apiCampaignAdvance(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var in struct {
		To pinggu.CampaignState `json:"to"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) (err error) {
		cp, err = tx.AdvanceCampaign(r.Context(), cp.ID, in.To)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cp)
}

func (s *Server) apiDeadlines(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v, err := s.board(r, c, cp)
	if err != nil {
		return err
	}
	type row struct {
		Unit      string            `json:"unit"`
		Code      string            `json:"code"`
		Group     string            `json:"group,omitempty"`
		Deadlines []pinggu.Deadline `json:"deadlines"`
	}
	rows := []row{}
	for _, x := range v.Rows {
		rows = append(rows, row{x.Unit.Name, x.Unit.Code, x.Group, x.Cells})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"stages": v.Stages, "units": rows})
}

// groupInput names accounts by login and units by code, as people do.
type groupInput struct {
	Name    string   `json:"name"`
	Leader  string   `json:"leader"`
	Members []string `json:"members"`
	Units   []string `json:"units"`
}

func (in groupInput) resolve(r *http.Request, tx *store.Tx, g *pinggu.Group) error {
	ctx := r.Context()
	var ps []pinggu.Problem
	login := func(l string) int64 {
		u, err := tx.UserByLogin(ctx, l)
		if err != nil {
			ps = append(ps, pinggu.NewProblem(0, "members", "user.login_not_found", "Login", l))
			return 0
		}
		return u.ID
	}
	if in.Leader != "" {
		g.LeaderID = login(in.Leader)
	}
	for _, l := range in.Members {
		g.Members = append(g.Members, login(l))
	}
	for _, code := range in.Units {
		u, err := tx.UnitByCode(ctx, code)
		if err != nil {
			ps = append(ps, pinggu.NewProblem(0, "units", "unit.code_not_found", "Code", code))
			continue
		}
		g.Units = append(g.Units, u.ID)
	}
	if len(ps) > 0 {
		return pinggu.Invalid("group.invalid", ps)
	}
	return nil
}

func (s *Server) apiGroupCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var in groupInput
	if err := decode(r, &in); err != nil {
		return err
	}
	g := &pinggu.Group{CampaignID: cp.ID, Name: in.Name}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		if err := in.resolve(r, tx, g); err != nil {
			return err
		}
		return tx.CreateGroup(r.Context(), g)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, g)
}

// apiGroupAdd adds units and members to a group of the campaign; a group of
// another campaign is refused.
func (s *Server) apiGroupAdd(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var in groupInput
	if err := decode(r, &in); err != nil {
		return err
	}
	var g *pinggu.Group
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		var err error
		if g, err = s.groupOfTx(r, tx, cp); err != nil {
			return err
		}
		if err := in.resolve(r, tx, g); err != nil {
			return err
		}
		return tx.UpdateGroup(r.Context(), g)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, g)
}

func (s *Server) groupOfTx(r *http.Request, tx *store.Tx, cp *pinggu.Campaign) (*pinggu.Group, error) {
	id, err := parseID(r.PathValue("gid"))
	if err != nil {
		return nil, pinggu.Errorf(pinggu.ENotFound, "group.not_found")
	}
	return tx.GroupOf(r.Context(), cp.ID, id)
}

func (s *Server) apiFrameworks(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var fs []pinggu.Framework
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { fs, err = tx.Frameworks(r.Context()); return })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"frameworks": fs})
}

func (s *Server) apiFramework(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	f, err := s.frameworkOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

// apiFrameworkImport takes a framework document (the JSON export) and saves
// it as the next version of the template with its code, or a new one.
func (s *Server) apiFrameworkImport(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return pinggu.Internal(err)
	}
	f, err := framework.Read("api.json", data)
	if err != nil {
		return err
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return saveImported(r, tx, f) })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}
