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

func runCampaign(e *env, args []string) error {
	fs := newFlags(e, "campaign", campaignHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("code", "", "campaign code, for create")
	name := fs.String("name", "", "campaign name")
	which := fs.String("campaign", "", "campaign code")
	settingsFile := fs.String("settings", "", "JSON file with settings")
	asJSON := fs.Bool("json", false, "print JSON")
	to := fs.String("to", "", "state to move to (default: the next)")
	kmin := fs.Int("kmin", 0, "minimum units drawn per stratum")
	minCounty := fs.Int("min-county", 0, "respondents per county")
	minMunicipal := fs.Int("min-municipal", 0, "respondents per municipal unit")
	var rates, deadlines multi
	fs.Var(&rates, "rate", "KIND=about|at_least:PCT, repeatable")
	fs.Var(&deadlines, "deadline", "STAGE=YYYY-MM-DD, repeatable")
	db, err := e.begin(fs, dsn, args, "list", "create", "show", "set", "publish", "advance")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := e.ctx
	find := func(tx *store.Tx) (*pinggu.Campaign, error) {
		if *which == "" {
			return nil, pinggu.Invalid("campaign.invalid", []pinggu.Problem{pinggu.NewProblem(0, "campaign", "field.required")})
		}
		return tx.CampaignByCode(ctx, *which)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	apply := func(c *pinggu.Campaign) error {
		if *settingsFile != "" {
			data, err := os.ReadFile(*settingsFile)
			if err != nil {
				return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", *settingsFile)
			}
			dec := json.NewDecoder(strings.NewReader(string(data)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&c.Settings); err != nil {
				return pinggu.Errorf(pinggu.EInvalid, "api.bad_json", "Detail", err.Error())
			}
		}
		if set["name"] {
			c.Name = *name
		}
		var ps []pinggu.Problem
		for _, r := range rates {
			kind, spec, _ := strings.Cut(r, "=")
			rule, pct, _ := strings.Cut(spec, ":")
			n, err := strconv.Atoi(pct)
			if err != nil {
				ps = append(ps, pinggu.NewProblem(0, "rates."+kind, "field.not_integer", "Value", pct))
				continue
			}
			if c.Settings.Rates == nil {
				c.Settings.Rates = map[pinggu.UnitKind]pinggu.Rate{}
			}
			c.Settings.Rates[pinggu.UnitKind(kind)] = pinggu.Rate{Pct: n, Rule: pinggu.Rounding(rule)}
		}
		for _, d := range deadlines {
			stage, date, _ := strings.Cut(d, "=")
			if c.Settings.Deadlines == nil {
				c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{}
			}
			c.Settings.Deadlines[pinggu.Stage(stage)] = pinggu.Date(date)
		}
		if set["kmin"] {
			c.Settings.Kmin = *kmin
		}
		if set["min-county"] {
			c.Settings.MinCounty = *minCounty
		}
		if set["min-municipal"] {
			c.Settings.MinMunicipal = *minMunicipal
		}
		if len(ps) > 0 {
			return pinggu.Invalid("campaign.invalid", ps)
		}
		return nil
	}

	switch args[0] {
	case "list":
		var cs []pinggu.Campaign
		if err := db.View(ctx, func(tx *store.Tx) (err error) { cs, err = tx.Campaigns(ctx); return }); err != nil {
			return err
		}
		rows := [][]string{{"CODE", "STATE", "NAME"}}
		for _, c := range cs {
			rows = append(rows, []string{c.Code, e.l.T("state." + string(c.State)), c.Name})
		}
		writeTable(e.stdout, "", rows)
	case "create":
		var c *pinggu.Campaign
		err := db.Update(ctx, e.actor(), func(tx *store.Tx) (err error) {
			c, err = tx.NewCampaign(ctx, *code, *name, apply)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("campaign.created", "Name", c.Name))
	case "show":
		var c *pinggu.Campaign
		var groups []pinggu.Group
		if err := db.View(ctx, func(tx *store.Tx) (err error) {
			if c, err = find(tx); err != nil {
				return err
			}
			groups, err = tx.Groups(ctx, c.ID)
			return err
		}); err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(c)
		}
		showCampaign(e, c, groups)
	case "set":
		err := db.Update(ctx, e.actor(), func(tx *store.Tx) error {
			c, err := find(tx)
			if err != nil {
				return err
			}
			if err := apply(c); err != nil {
				return err
			}
			return tx.UpdateCampaign(ctx, c)
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("campaign.saved", "Name", *which))
	case "publish", "advance":
		var c *pinggu.Campaign
		err := db.Update(ctx, e.actor(), func(tx *store.Tx) error {
			cur, err := find(tx)
			if err != nil {
				return err
			}
			next := cur.State.Next()
			if args[0] == "publish" {
				next = pinggu.StatePublished
			} else if *to != "" {
				next = pinggu.CampaignState(*to)
			}
			c, err = tx.AdvanceCampaign(ctx, cur.ID, next)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("campaign.advanced", "State", e.l.T("state."+string(c.State))))
	}
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
	writeTable(e.stdout, "  ", rows)
}
