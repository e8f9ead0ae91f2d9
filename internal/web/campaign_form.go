package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/store"
)

type campaignFormView struct {
	*Page
	Campaign   *pinggu.Campaign
	Form       map[string]string // field → value as typed
	Errors     map[string]string
	Summary    string
	Problems   []string
	Frameworks map[pinggu.Audience][]pinggu.Framework
	Frozen     bool
}

// Kinds, strata and stages for the template's loops.
func (v campaignFormView) EvaluatedKinds() []pinggu.UnitKind { return pinggu.EvaluatedKinds }
func (v campaignFormView) SampledKinds() []pinggu.UnitKind   { return pinggu.SampledKinds }
func (v campaignFormView) Stages() []pinggu.Stage            { return pinggu.Stages }
func (v campaignFormView) Levels() []int                     { return []int{0, 1, 2, 3} }

// Audience is the audience whose frameworks may judge kind k.
func (v campaignFormView) Audience(k pinggu.UnitKind) []pinggu.Framework {
	return v.Frameworks[pinggu.AudienceOf(k)]
}

// formOfSettings writes a campaign as form values.
func formOfCampaign(cp *pinggu.Campaign) map[string]string {
	st := &cp.Settings
	f := map[string]string{"code": cp.Code, "name": cp.Name, "kmin": strconv.Itoa(st.Kmin),
		"min_county": strconv.Itoa(st.MinCounty), "min_municipal": strconv.Itoa(st.MinMunicipal),
		"roster_min_share": strconv.Itoa(st.MinShare()), "response_rate": strconv.Itoa(st.ExpectedResponse()), "anonymity": strconv.Itoa(st.MixSize()),
		"unknown_label": st.Scale.UnknownLabel}
	if st.Scale.AllowUnknown {
		f["allow_unknown"] = "on"
	}
	for i, l := range st.Scale.Levels {
		f["scale."+strconv.Itoa(i)+".label"] = l.Label
		f["scale."+strconv.Itoa(i)+".score"] = strconv.Itoa(l.Score)
	}
	for k, id := range st.Frameworks {
		f["fw."+string(k)] = strconv.FormatInt(id, 10)
	}
	for k, r := range st.Rates {
		f["rate."+string(k)+".pct"] = strconv.Itoa(r.Pct)
		f["rate."+string(k)+".rule"] = string(r.Rule)
	}
	for st, d := range st.Deadlines {
		f["deadline."+string(st)] = string(d)
	}
	return f
}

// readCampaignForm applies the posted fields over the stored campaign, so
// that fields a frozen campaign does not show keep their stored values.
// Numbers that are not numbers are reported by field.
func readCampaignForm(r *http.Request, stored *pinggu.Campaign) (*pinggu.Campaign, map[string]string, []pinggu.Problem) {
	r.ParseForm()
	cp := cloneCampaign(stored)
	form := formOfCampaign(stored)
	var ps []pinggu.Problem
	has := func(k string) bool { _, ok := r.PostForm[k]; return ok }
	get := func(k string) string { v := strings.TrimSpace(r.PostFormValue(k)); form[k] = v; return v }
	num := func(k, field string, dst *int) {
		if !has(k) {
			return
		}
		v := get(k)
		n, err := strconv.Atoi(v)
		if err != nil {
			ps = append(ps, pinggu.NewProblem(0, field, "field.not_integer", "Value", v))
			return
		}
		*dst = n
	}
	if has("code") {
		cp.Code = get("code")
	}
	if has("name") {
		cp.Name = get("name")
	}
	st := &cp.Settings
	if has("scale.0.label") {
		for i := range st.Scale.Levels {
			st.Scale.Levels[i].Label = get("scale." + strconv.Itoa(i) + ".label")
			num("scale."+strconv.Itoa(i)+".score", "scale.levels["+strconv.Itoa(i)+"].score", &st.Scale.Levels[i].Score)
		}
		st.Scale.AllowUnknown = r.PostFormValue("allow_unknown") == "on"
		form["allow_unknown"] = r.PostFormValue("allow_unknown")
		st.Scale.UnknownLabel = get("unknown_label")
	}
	for _, k := range pinggu.EvaluatedKinds {
		key := "fw." + string(k)
		if has(key) {
			id, _ := strconv.ParseInt(get(key), 10, 64)
			st.Frameworks[k] = id
		}
	}
	for _, k := range pinggu.SampledKinds {
		key := "rate." + string(k)
		if has(key + ".pct") {
			rate := st.Rates[k]
			num(key+".pct", "rates."+string(k), &rate.Pct)
			rate.Rule = pinggu.Rounding(get(key + ".rule"))
			st.Rates[k] = rate
		}
	}
	num("kmin", "kmin", &st.Kmin)
	num("min_county", "min_county", &st.MinCounty)
	num("min_municipal", "min_municipal", &st.MinMunicipal)
	num("response_rate", "response_rate", &st.ResponseRate)
	num("anonymity", "anonymity", &st.Anonymity)
	num("roster_min_share", "roster_min_share", &st.RosterMinShare)
	for _, stage := range pinggu.Stages {
		key := "deadline." + string(stage)
		if has(key) {
			if d := get(key); d == "" {
				delete(st.Deadlines, stage)
			} else {
				st.Deadlines[stage] = pinggu.Date(d)
			}
		}
	}
	return cp, form, ps
}

// cloneCampaign deep-copies through JSON, settings maps included.
func cloneCampaign(c *pinggu.Campaign) *pinggu.Campaign {
	b, _ := json.Marshal(c)
	var out pinggu.Campaign
	json.Unmarshal(b, &out)
	if out.Settings.Frameworks == nil {
		out.Settings.Frameworks = map[pinggu.UnitKind]int64{}
	}
	if out.Settings.Rates == nil {
		out.Settings.Rates = map[pinggu.UnitKind]pinggu.Rate{}
	}
	if out.Settings.Deadlines == nil {
		out.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{}
	}
	return &out
}

func (s *Server) campaignFormView(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign) (campaignFormView, error) {
	v := campaignFormView{Page: s.page(w, r, c), Campaign: cp, Form: formOfCampaign(cp), Frozen: cp.State.Frozen(),
		Frameworks: map[pinggu.Audience][]pinggu.Framework{}}
	err := s.db.View(r.Context(), func(tx *store.Tx) error {
		fs, err := tx.Frameworks(r.Context())
		for _, f := range fs {
			v.Frameworks[f.Audience] = append(v.Frameworks[f.Audience], f)
		}
		return err
	})
	return v, err
}

func (s *Server) campaignEditPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	if cp.State.Closed() {
		return pinggu.Errorf(pinggu.EConflict, "campaign.closed", "State", string(cp.State))
	}
	v, err := s.campaignFormView(w, r, c, cp)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "campaign_edit", v)
}

func (s *Server) campaignUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	stored, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	cp, form, ps := readCampaignForm(r, stored)
	if len(ps) == 0 {
		err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return tx.UpdateCampaign(r.Context(), cp) })
	} else {
		err = pinggu.Invalid("campaign.invalid", ps)
	}
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict) {
		v, verr := s.campaignFormView(w, r, c, stored)
		if verr != nil {
			return verr
		}
		v.Form, v.Errors = form, fieldErrors(c, e)
		v.Summary = c.L.Error(e)
		for _, p := range e.Problems {
			v.Problems = append(v.Problems, c.L.Problem(localizeField(c, p)))
		}
		if e.Code == pinggu.EConflict && len(e.Problems) == 0 {
			v.Errors["code"] = c.L.Error(e)
		}
		return s.render(w, http.StatusUnprocessableEntity, "campaign_edit", v)
	}
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("campaign.saved", "Name", cp.Name))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID))
}

// settingName names a settings field for messages: "rates.township" reads
// "乡镇街道抽样比例".
func settingName(c *reqCtx, field string) string {
	head, rest, _ := strings.Cut(field, ".")
	switch head {
	case "rates":
		return c.L.T("setting.rate", "Kind", c.L.Kind(pinggu.UnitKind(rest)))
	case "frameworks":
		return c.L.T("setting.framework", "Kind", c.L.Kind(pinggu.UnitKind(rest)))
	case "deadlines":
		return c.L.T("stage." + rest)
	case "scale":
		return c.L.T("setting.scale")
	}
	return c.L.FieldName(field)
}
