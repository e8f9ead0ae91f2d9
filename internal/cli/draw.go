package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

const drawHelp = `Usage:
  pinggu draw units --campaign C --seed DIGITS --label L [--out RECORD.json]
  pinggu draw respondents --campaign C --seed DIGITS --label L [--out RECORD.json]
  pinggu draw interviewees --campaign C --unit U --seed DIGITS --label L --occasion O --quota 两代表一委员=3 --quota 党员=5 --quota 群众=5
  pinggu draw replace --campaign C --label L --stratum S --id ID --reason R [--text T]
  pinggu draw record --campaign C --label L [--out RECORD.json]
  pinggu draw void --campaign C --label L --reason R

Draws the whole city's units from the frozen frames with pinggu-v1: in each
county stratum the first k by ticket order (k by the campaign's rate and
rounding), and every municipal unit. The seed is the dice digits of the
public ceremony, at least 20; without --seed, the seed of the completed
commit–reveal registered for the label (pinggu seed). There is no re-draw:
one unit draw per campaign, a label and a seed are used once, each unit's
respondents are drawn once. The record (抽样记录) is printed as JSON, or
written to --out.

respondents is the second ceremony, with a fresh seed: from every drawn
unit's frozen roster, min(30, N) per municipal unit and at least 100 per
county, allocated over the county's units by the largest-remainder rule.
A later ceremony (a roster frozen late) draws only the units not yet drawn.

interviewees draws the people invited to a unit's symposium from its frozen
roster, each category its own stratum <unit>/<category> with its quota:
one draw per unit and --occasion (the symposium's name and date).

void voids a mistaken draw with a --reason, before any code is issued or
anyone is contacted from it; the void stays on the record. Admins only.

replace marks a drawn person as a non-response with a protocol reason —
no_answer_3_attempts, refused, ineligible_left, ineligible_duplicate,
ineligible_deceased, or other with --text — and releases the next person in
ticket order. record prints a draw's record as it stands now, with every
replacement.`

// drawCmd is one run of pinggu draw: its flags, database and campaign,
// with a method per verb.
type drawCmd struct {
	e                                           *env
	db                                          *store.DB
	c                                           *pinggu.Campaign
	dsn                                         *string
	seed, label, out, stratum, id, reason, text *string
	unit, occasion                              *string
	quotas                                      multi
}

func runDraw(e *env, args []string) error {
	fs := newFlags(e, "draw", drawHelp)
	d := &drawCmd{e: e, dsn: dbFlag(e, fs, "pinggu.db")}
	code := fs.String("campaign", "", "campaign code")
	d.seed = fs.String("seed", "", "dice digits (at least 20)")
	d.label = fs.String("label", "", "draw label, e.g. 2026-units")
	d.out = fs.String("out", "", "record file to write")
	d.stratum = fs.String("stratum", "", "stratum (the unit's id), for replace")
	d.id = fs.String("id", "", "the person's id, for replace")
	d.reason = fs.String("reason", "", "non-response reason, for replace")
	d.text = fs.String("text", "", "the reason in words, for --reason other")
	d.unit = fs.String("unit", "", "unit, for interviewees")
	d.occasion = fs.String("occasion", "", "the symposium an interviewee draw is for, e.g. \"3 月 5 日座谈会\"")
	fs.Var(&d.quotas, "quota", "CATEGORY=N, repeatable, for interviewees")
	db, err := e.begin(fs, d.dsn, args, "units", "respondents", "interviewees", "replace", "record", "void")
	if err != nil {
		return err
	}
	defer db.Close()
	d.db = db
	if d.c, err = campaignByCode(e, db, *code); err != nil {
		return err
	}
	var rec *sampling.Record
	switch args[0] {
	case "units":
		rec, err = draw.Units(e.ctx, db, e.actor(), d.c, strings.TrimSpace(*d.seed), *d.label)
	case "respondents":
		rec, err = d.respondents()
	case "interviewees":
		rec, err = d.interviewees()
	case "record":
		rec, err = d.record()
	case "replace":
		return d.replace()
	case "void":
		return d.void()
	}
	if err != nil {
		return err
	}
	return d.write(rec, args[0] != "record")
}

// respondents draws the respondents of every drawn unit with a frozen
// roster, and names on stderr the units still without one.
func (d *drawCmd) respondents() (*sampling.Record, error) {
	e := d.e
	rec, missing, err := draw.Respondents(e.ctx, d.db, e.actor(), d.c, strings.TrimSpace(*d.seed), *d.label)
	for _, u := range missing {
		fmt.Fprintln(e.stderr, e.l.T("draw.missing_roster", "Unit", u.Name))
	}
	return rec, err
}

// interviewees draws a unit's symposium invitees by the --quota of each
// category.
func (d *drawCmd) interviewees() (*sampling.Record, error) {
	e := d.e
	u, err := unitByElementID(e, d.db, *d.unit)
	if err != nil {
		return nil, err
	}
	q := map[string]int{}
	for _, x := range d.quotas {
		cat, n, _ := strings.Cut(x, "=")
		k, err := strconv.Atoi(n)
		if err != nil {
			return nil, pinggu.Invalid("draw.invalid", []pinggu.Problem{pinggu.NewProblem(0, "quota", "field.not_integer", "Value", n)})
		}
		q[cat] = k
	}
	return draw.Interviewees(e.ctx, d.db, e.actor(), d.c, u, strings.TrimSpace(*d.seed), *d.label, *d.occasion, q)
}

// byLabel is the ID of the campaign's draw labelled --label.
func (d *drawCmd) byLabel(tx *store.Tx) (int64, error) {
	draws, err := tx.Draws(d.e.ctx, d.c.ID)
	if err != nil {
		return 0, err
	}
	for _, x := range draws {
		if x.Label == *d.label {
			return x.ID, nil
		}
	}
	return 0, pinggu.Errorf(pinggu.ENotFound, "draw.not_found")
}

// record is the draw's record as it stands now, with every replacement.
func (d *drawCmd) record() (rec *sampling.Record, err error) {
	err = d.db.View(d.e.ctx, func(tx *store.Tx) error {
		id, err := d.byLabel(tx)
		if err != nil {
			return err
		}
		_, rec, err = tx.DrawRecord(d.e.ctx, id)
		return err
	})
	return rec, err
}

// write prints the record as JSON, or writes it to --out; a new draw is
// summed up on stderr. The audit head is then signed.
func (d *drawCmd) write(rec *sampling.Record, fresh bool) error {
	e := d.e
	var w io.Writer = e.stdout
	if *d.out != "" {
		f, err := os.Create(*d.out)
		if err != nil {
			return pinggu.Internal(err)
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		return err
	}
	if fresh {
		selected := 0
		for _, s := range rec.Strata {
			selected += s.K
		}
		fmt.Fprintln(e.stderr, e.l.T("draw.done", "Label", rec.Draw, "Strata", len(rec.Strata), "Selected", selected))
	}
	e.anchorNow(d.db, *d.dsn)
	return nil
}

// replace marks a drawn person a non-response and releases the next.
func (d *drawCmd) replace() error {
	e := d.e
	var next string
	err := d.db.Update(e.ctx, e.actor(), func(tx *store.Tx) error {
		id, err := d.byLabel(tx)
		if err != nil {
			return err
		}
		next, err = tx.Replace(e.ctx, id, *d.stratum, *d.id, *d.reason, *d.text)
		return err
	})
	if err != nil {
		return err
	}
	if next == "" {
		fmt.Fprintln(e.stdout, e.l.T("draw.queue_empty", "ID", *d.id))
	} else {
		fmt.Fprintln(e.stdout, e.l.T("draw.released", "ID", *d.id, "Next", next))
	}
	return nil
}

// void voids the draw labelled --label, with the --reason.
func (d *drawCmd) void() error {
	e := d.e
	var id int64
	err := d.db.View(e.ctx, func(tx *store.Tx) (err error) { id, err = d.byLabel(tx); return })
	if err != nil {
		return err
	}
	if err := draw.Void(e.ctx, d.db, e.actor(), d.c, id, *d.reason); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("draw.voided_done", "Label", *d.label))
	return nil
}
