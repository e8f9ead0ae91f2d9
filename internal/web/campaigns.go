package web

import (
	"net/http"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/store"
)

// campaignOf loads the campaign named by {cid}. Drafts are the office's
// work in progress: other roles get "not found".
func (s *Server) campaignOf(r *http.Request, c *reqCtx) (*pinggu.Campaign, error) {
	id, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil {
		return nil, pinggu.Errorf(pinggu.ENotFound, "campaign.not_found")
	}
	var cp *pinggu.Campaign
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { cp, err = tx.Campaign(r.Context(), id); return }); err != nil {
		return nil, err
	}
	if cp.State == pinggu.StateDraft && pinggu.Authorize(c.User, pinggu.PermCampaignSetup, nil) != nil {
		return nil, pinggu.Errorf(pinggu.ENotFound, "campaign.not_found")
	}
	return cp, nil
}

// visibleCampaigns lists the campaigns the account may see.
func (s *Server) visibleCampaigns(r *http.Request, c *reqCtx) ([]pinggu.Campaign, error) {
	var all []pinggu.Campaign
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { all, err = tx.Campaigns(r.Context()); return }); err != nil {
		return nil, err
	}
	setup := pinggu.Authorize(c.User, pinggu.PermCampaignSetup, nil) == nil
	out := []pinggu.Campaign{}
	for _, cp := range all {
		if cp.State != pinggu.StateDraft || setup {
			out = append(out, cp)
		}
	}
	return out, nil
}

type campaignListView struct {
	*Page
	Campaigns []pinggu.Campaign
}

func (s *Server) campaignList(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	list, err := s.visibleCampaigns(r, c)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "campaigns", campaignListView{Page: s.page(w, r, c), Campaigns: list})
}

type campaignNewView struct {
	*Page
	Code, Name string
	Errors     map[string]string
}

func (s *Server) campaignNewPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.render(w, http.StatusOK, "campaign_new", campaignNewView{Page: s.page(w, r, c)})
}

// campaignCreate makes a draft with the plan's defaults and the built-in
// frameworks, then opens its settings.
func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var cp *pinggu.Campaign
	err := s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) (err error) {
		cp, err = tx.NewCampaign(r.Context(), strings.TrimSpace(r.PostFormValue("code")), strings.TrimSpace(r.PostFormValue("name")), nil)
		return err
	})
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict) {
		v := campaignNewView{Page: s.page(w, r, c), Code: cp.Code, Name: cp.Name, Errors: fieldErrors(c, e)}
		if e.Code == pinggu.EConflict {
			v.Errors["code"] = c.L.Error(e)
		}
		return s.render(w, http.StatusUnprocessableEntity, "campaign_new", v)
	}
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("campaign.created", "Name", cp.Name))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/edit")
}

// fieldErrors maps an error's problems to messages by field.
func fieldErrors(c *reqCtx, e *pinggu.Error) map[string]string {
	m := map[string]string{}
	for _, p := range e.Problems {
		if _, dup := m[p.Column]; !dup {
			m[p.Column] = c.L.T(p.Key, argsOf(p.Args)...)
		}
	}
	return m
}

type groupRow struct {
	pinggu.Group
	Leader  string
	Members []string
	Units   []string
}

type frameworkUse struct {
	Kind      pinggu.UnitKind
	Framework *pinggu.Framework
}

type campaignView struct {
	*Page
	Campaign   *pinggu.Campaign
	Uses       []frameworkUse
	Groups     []groupRow
	Unassigned []pinggu.Unit
	Next       pinggu.CampaignState
	Problems   []string // what publishing would still need
	Deadlines  []pinggu.Deadline
}

// States and SampledKinds feed the template's loops.
func (v campaignView) States() []pinggu.CampaignState  { return pinggu.CampaignStates }
func (v campaignView) SampledKinds() []pinggu.UnitKind { return pinggu.SampledKinds }

func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := campaignView{Page: s.page(w, r, c), Campaign: cp, Next: cp.State.Next()}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		cache := map[int64]*pinggu.Framework{}
		for _, k := range pinggu.EvaluatedKinds {
			id := cp.Settings.Frameworks[k]
			if id != 0 && cache[id] == nil {
				f, err := tx.CampaignFramework(ctx, cp, id)
				if err != nil && pinggu.ErrorCodeOf(err) != pinggu.ENotFound {
					return err
				}
				cache[id] = f
			}
			v.Uses = append(v.Uses, frameworkUse{Kind: k, Framework: cache[id]})
		}
		groups, err := tx.Groups(ctx, cp.ID)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if g.VisibleTo(c.User) {
				v.Groups = append(v.Groups, describeGroup(tx, r, g))
			}
		}
		if pinggu.Authorize(c.User, pinggu.PermCampaignSetup, nil) == nil {
			if v.Unassigned, err = tx.Unassigned(ctx, cp.ID); err != nil {
				return err
			}
			if cp.State == pinggu.StateDraft {
				err := tx.CheckPublishable(ctx, cp)
				if e := pinggu.AsError(err); err != nil && e.Code == pinggu.EInvalid {
					for _, p := range e.Problems {
						v.Problems = append(v.Problems, c.L.Problem(localizeField(c, p)))
					}
				} else if err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	v.Deadlines = campaignDeadlines(cp, s.loc)
	return s.render(w, http.StatusOK, "campaign", v)
}

// localizeField names a settings field in the user's language.
func localizeField(c *reqCtx, p pinggu.Problem) pinggu.Problem {
	p.Column = settingName(c, p.Column)
	return p
}

func describeGroup(tx *store.Tx, r *http.Request, g pinggu.Group) groupRow {
	row := groupRow{Group: g}
	if g.LeaderID != 0 {
		if u, err := tx.User(r.Context(), g.LeaderID); err == nil {
			row.Leader = u.Name
		}
	}
	for _, id := range g.Members {
		if u, err := tx.User(r.Context(), id); err == nil {
			row.Members = append(row.Members, u.Name)
		}
	}
	for _, id := range g.Units {
		if u, err := tx.Unit(r.Context(), id); err == nil {
			row.Units = append(row.Units, u.Name)
		}
	}
	return row
}

// campaignAdvance moves the campaign one step forward.
func (s *Server) campaignAdvance(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	to := pinggu.CampaignState(r.PostFormValue("to"))
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		_, err := tx.AdvanceCampaign(r.Context(), cp.ID, to)
		return err
	})
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict) {
		msg := c.L.Error(e)
		for _, p := range e.Problems {
			msg += " " + c.L.Problem(localizeField(c, p))
		}
		s.setFlash(r, "error", msg)
		return redirect(w, r, "/campaigns/"+itoa(cp.ID))
	}
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("campaign.advanced", "State", c.L.T("state."+string(to))))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID))
}
