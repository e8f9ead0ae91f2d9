package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"pinggu"
	"pinggu/internal/draw"
)

const drawHelp = `Usage:
  pinggu draw units --campaign C --seed DIGITS --label L [--out RECORD.json]

Draws the whole city's units from the frozen frames with pinggu-v1: in each
county stratum the first k by ticket order (k by the campaign's rate and
rounding), and every municipal unit. The seed is the dice digits of the
public ceremony, at least 20. A label is used once per campaign: there is no
re-roll. The record (抽样记录) is printed as JSON, or written to --out.`

func runDraw(e *env, args []string) error {
	fs := newFlags(e, "draw", drawHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	seed := fs.String("seed", "", "dice digits (at least 20)")
	label := fs.String("label", "", "draw label, e.g. 2026-units")
	out := fs.String("out", "", "record file to write")
	db, err := e.begin(fs, dsn, args, "units")
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	rec, err := draw.Units(e.ctx, db, e.actor(), c, strings.TrimSpace(*seed), *label)
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
	selected := 0
	for _, s := range rec.Strata {
		selected += s.K
	}
	fmt.Fprintln(e.stderr, e.l.T("draw.done", "Label", rec.Draw, "Strata", len(rec.Strata), "Selected", selected))
	return nil
}
