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

func replace(e *env, db *store.DB, c *pinggu.Campaign, label, stratum, id, reason, text string) error {
	var next string
	err := db.Update(e.ctx, e.actor(), func(tx *store.Tx) error {
		draws, err := tx.Draws(e.ctx, c.ID)
		if err != nil {
			return err
		}
		for _, d := range draws {
			if d.Label == label {
				next, err = tx.Replace(e.ctx, d.ID, stratum, id, reason, text)
				return err
			}
		}
		return pinggu.Errorf(pinggu.ENotFound, "draw.not_found")
	})
	if err != nil {
		return err
	}
	if next == "" {
		fmt.Fprintln(e.stdout, e.l.T("draw.queue_empty", "ID", id))
	} else {
		fmt.Fprintln(e.stdout, e.l.T("draw.released", "ID", id, "Next", next))
	}
	return nil
}

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

func runDraw(e *env, args []string) error {
	fs := newFlags(e, "draw", drawHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	seed := fs.String("seed", "", "dice digits (at least 20)")
	label := fs.String("label", "", "draw label, e.g. 2026-units")
	out := fs.String("out", "", "record file to write")
	stratum := fs.String("stratum", "", "stratum (the unit's id), for replace")
	id := fs.String("id", "", "the person's id, for replace")
	reason := fs.String("reason", "", "non-response reason, for replace")
	text := fs.String("text", "", "the reason in words, for --reason other")
	unit := fs.String("unit", "", "unit, for interviewees")
	occasion := fs.String("occasion", "", "the symposium an interviewee draw is for, e.g. \"3 月 5 日座谈会\"")
	var quotas multi
	fs.Var(&quotas, "quota", "CATEGORY=N, repeatable, for interviewees")
	db, err := e.begin(fs, dsn, args, "units", "respondents", "interviewees", "replace", "record", "void")
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	var rec *sampling.Record
	switch args[0] {
	case "units":
		rec, err = draw.Units(e.ctx, db, e.actor(), c, strings.TrimSpace(*seed), *label)
	case "respondents":
		var missing []pinggu.Unit
		rec, missing, err = draw.Respondents(e.ctx, db, e.actor(), c, strings.TrimSpace(*seed), *label)
		for _, u := range missing {
			fmt.Fprintln(e.stderr, e.l.T("draw.missing_roster", "Unit", u.Name))
		}
	case "interviewees":
		u, uerr := unitByElementID(e, db, *unit)
		if uerr != nil {
			return uerr
		}
		q := map[string]int{}
		for _, x := range quotas {
			cat, n, _ := strings.Cut(x, "=")
			k, convErr := strconv.Atoi(n)
			if convErr != nil {
				return pinggu.Invalid("draw.invalid", []pinggu.Problem{pinggu.NewProblem(0, "quota", "field.not_integer", "Value", n)})
			}
			q[cat] = k
		}
		rec, err = draw.Interviewees(e.ctx, db, e.actor(), c, u, strings.TrimSpace(*seed), *label, *occasion, q)
	case "replace":
		return replace(e, db, c, *label, *stratum, *id, *reason, *text)
	case "void":
		return voidDraw(e, db, c, *label, *reason)
	case "record":
		err = db.View(e.ctx, func(tx *store.Tx) error {
			draws, err := tx.Draws(e.ctx, c.ID)
			if err != nil {
				return err
			}
			for _, d := range draws {
				if d.Label == *label {
					_, rec, err = tx.DrawRecord(e.ctx, d.ID)
					return err
				}
			}
			return pinggu.Errorf(pinggu.ENotFound, "draw.not_found")
		})
	}
	if err != nil {
		return err
	}
	var w io.Writer = e.stdout
	if *out != "" {
		f, err := os.Create(*out)
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
	if args[0] != "record" {
		selected := 0
		for _, s := range rec.Strata {
			selected += s.K
		}
		fmt.Fprintln(e.stderr, e.l.T("draw.done", "Label", rec.Draw, "Strata", len(rec.Strata), "Selected", selected))
	}
	e.anchorNow(db, *dsn)
	return nil
}

// voidDraw voids the draw labelled label, with the reason.
func voidDraw(e *env, db *store.DB, c *pinggu.Campaign, label, reason string) error {
	var id int64
	err := db.View(e.ctx, func(tx *store.Tx) error {
		draws, err := tx.Draws(e.ctx, c.ID)
		for _, d := range draws {
			if d.Label == label {
				id = d.ID
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if id == 0 {
		return pinggu.Errorf(pinggu.ENotFound, "draw.not_found")
	}
	if err := draw.Void(e.ctx, db, e.actor(), c, id, reason); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("draw.voided_done", "Label", label))
	return nil
}
