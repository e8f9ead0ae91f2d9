package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

const campaignHelp = `Usage:
  pinggu campaign list
  pinggu campaign create --code C --name N [--settings FILE.json]
  pinggu campaign show --campaign C [--json]
  pinggu campaign set --campaign C [--name N] [--settings FILE.json]
        [--rate township=at_least:30] [--rate county_dept=about:20] [--rate branch=about:10]
        [--deadline self_report=2026-12-05] ... [--kmin 1] [--min-county 100] [--min-municipal 30]
  pinggu campaign publish --campaign C
  pinggu campaign advance --campaign C [--to fieldwork|closed|archived]

A campaign is created as a draft with the work plan's frameworks and scale.
Publishing needs every deadline and freezes the frameworks, scale, rates and
respondent minimums; deadlines can still move until the campaign closes. A
campaign moves draft → published → fieldwork → closed → archived, one step
at a time. Stages for --deadline: self_report, unit_draw, rosters, fieldwork,
reports. --settings reads a JSON object in the form 'show --json' prints.`

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// campaignCmd is one run of pinggu campaign: its flags and database, with
// a method per verb.
type campaignCmd struct {
	e                             *env
	db                            *store.DB
	code, name, which             *string
	settingsFile, to              *string
	asJSON                        *bool
	kmin, minCounty, minMunicipal *int
	rates, deadlines              multi
	set                           map[string]bool
}

func runCampaign(e *env, args []string) error {
	fs := newFlags(e, "campaign", campaignHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	c := &campaignCmd{e: e, set: map[string]bool{},
		code:         fs.String("code", "", "campaign code, for create"),
		name:         fs.String("name", "", "campaign name"),
		which:        fs.String("campaign", "", "campaign code"),
		settingsFile: fs.String("settings", "", "JSON file with settings"),
		asJSON:       fs.Bool("json", false, "print JSON"),
		to:           fs.String("to", "", "state to move to (default: the next)"),
		kmin:         fs.Int("kmin", 0, "minimum units drawn per stratum"),
		minCounty:    fs.Int("min-county", 0, "respondents per county"),
		minMunicipal: fs.Int("min-municipal", 0, "respondents per municipal unit"),
	}
	fs.Var(&c.rates, "rate", "KIND=about|at_least:PCT, repeatable")
	fs.Var(&c.deadlines, "deadline", "STAGE=YYYY-MM-DD, repeatable")
	db, err := e.begin(fs, dsn, args, "list", "create", "show", "set", "publish", "advance")
	if err != nil {
		return err
	}
	defer db.Close()
	c.db = db
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	switch args[0] {
	case "list":
		return c.list()
	case "create":
		return c.create()
	case "show":
		return c.show()
	case "set":
		return c.update()
	case "publish", "advance":
		return c.advance(args[0] == "publish")
	}
	return nil
}

// find is the campaign --campaign names.
func (c *campaignCmd) find(tx *store.Tx) (*pinggu.Campaign, error) {
	if *c.which == "" {
		return nil, pinggu.Invalid("campaign.invalid", []pinggu.Problem{pinggu.NewProblem(0, "campaign", "field.required")})
	}
	return tx.CampaignByCode(c.e.ctx, *c.which)
}

// apply sets on cp what the flags give: a settings file, then each flag.
func (c *campaignCmd) apply(cp *pinggu.Campaign) error {
	if *c.settingsFile != "" {
		data, err := os.ReadFile(*c.settingsFile)
		if err != nil {
			return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", *c.settingsFile)
		}
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cp.Settings); err != nil {
			return pinggu.Errorf(pinggu.EInvalid, "api.bad_json", "Detail", err.Error())
		}
	}
	if c.set["name"] {
		cp.Name = *c.name
	}
	var ps []pinggu.Problem
	for _, r := range c.rates {
		kind, spec, _ := strings.Cut(r, "=")
		rule, pct, _ := strings.Cut(spec, ":")
		n, err := strconv.Atoi(pct)
		if err != nil {
			ps = append(ps, pinggu.NewProblem(0, "rates."+kind, "field.not_integer", "Value", pct))
			continue
		}
		if cp.Settings.Rates == nil {
			cp.Settings.Rates = map[pinggu.UnitKind]pinggu.Rate{}
		}
		cp.Settings.Rates[pinggu.UnitKind(kind)] = pinggu.Rate{Pct: n, Rule: pinggu.Rounding(rule)}
	}
	for _, d := range c.deadlines {
		stage, date, _ := strings.Cut(d, "=")
		if cp.Settings.Deadlines == nil {
			cp.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{}
		}
		cp.Settings.Deadlines[pinggu.Stage(stage)] = pinggu.Date(date)
	}
	if c.set["kmin"] {
		cp.Settings.Kmin = *c.kmin
	}
	if c.set["min-county"] {
		cp.Settings.MinCounty = *c.minCounty
	}
	if c.set["min-municipal"] {
		cp.Settings.MinMunicipal = *c.minMunicipal
	}
	if len(ps) > 0 {
		return pinggu.Invalid("campaign.invalid", ps)
	}
	return nil
}

func (c *campaignCmd) list() error {
	e := c.e
	var cs []pinggu.Campaign
	if err := c.db.View(e.ctx, func(tx *store.Tx) (err error) { cs, err = tx.Campaigns(e.ctx); return }); err != nil {
		return err
	}
	rows := [][]string{{"CODE", "STATE", "NAME"}}
	for _, cp := range cs {
		rows = append(rows, []string{cp.Code, e.l.T("state." + string(cp.State)), cp.Name})
	}
	tabular.WriteColumns(e.stdout, "", rows)
	return nil
}

func (c *campaignCmd) create() error {
	e := c.e
	var cp *pinggu.Campaign
	err := c.db.Update(e.ctx, e.actor(), func(tx *store.Tx) (err error) {
		cp, err = tx.NewCampaign(e.ctx, *c.code, *c.name, c.apply)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("campaign.created", "Name", cp.Name))
	return nil
}

func (c *campaignCmd) show() error {
	e := c.e
	var cp *pinggu.Campaign
	var groups []pinggu.Group
	if err := c.db.View(e.ctx, func(tx *store.Tx) (err error) {
		if cp, err = c.find(tx); err != nil {
			return err
		}
		groups, err = tx.Groups(e.ctx, cp.ID)
		return err
	}); err != nil {
		return err
	}
	if *c.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cp)
	}
	showCampaign(e, cp, groups)
	return nil
}

// update is set.
func (c *campaignCmd) update() error {
	e := c.e
	err := c.db.Update(e.ctx, e.actor(), func(tx *store.Tx) error {
		cp, err := c.find(tx)
		if err != nil {
			return err
		}
		if err := c.apply(cp); err != nil {
			return err
		}
		return tx.UpdateCampaign(e.ctx, cp)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("campaign.saved", "Name", *c.which))
	return nil
}

// advance is publish (to published) and advance (to --to, or the next).
func (c *campaignCmd) advance(publish bool) error {
	e := c.e
	var cp *pinggu.Campaign
	err := c.db.Update(e.ctx, e.actor(), func(tx *store.Tx) error {
		cur, err := c.find(tx)
		if err != nil {
			return err
		}
		next := cur.State.Next()
		if publish {
			next = pinggu.StatePublished
		} else if *c.to != "" {
			next = pinggu.CampaignState(*c.to)
		}
		cp, err = tx.AdvanceCampaign(e.ctx, cur.ID, next)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("campaign.advanced", "State", e.l.T("state."+string(cp.State))))
	return nil
}

func showCampaign(e *env, c *pinggu.Campaign, groups []pinggu.Group) {
	l := e.l
	fmt.Fprintf(e.stdout, "%s (%s) — %s\n\n", c.Name, c.Code, l.T("state."+string(c.State)))
	rows := [][]string{}
	for _, st := range pinggu.Stages {
		d := string(c.Settings.Deadlines[st])
		if d == "" {
			d = l.T("due.unset")
		}
		rows = append(rows, []string{l.T("stage." + string(st)), d})
	}
	for _, k := range pinggu.SampledKinds {
		r := c.Settings.Rates[k]
		rows = append(rows, []string{l.T("setting.rate", "Kind", l.Kind(k)), l.T("rule."+string(r.Rule), "Pct", r.Pct)})
	}
	rows = append(rows,
		[]string{l.T("fieldname.kmin"), strconv.Itoa(c.Settings.Kmin)},
		[]string{l.T("fieldname.min_county"), l.T("campaign.at_least", "N", c.Settings.MinCounty)},
		[]string{l.T("fieldname.min_municipal"), l.T("campaign.min_municipal_value", "N", c.Settings.MinMunicipal)})
	for _, g := range groups {
		rows = append(rows, []string{g.Name, fmt.Sprintf("%d units", len(g.Units))})
	}
	tabular.WriteColumns(e.stdout, "  ", rows)
}
