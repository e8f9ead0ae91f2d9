package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

const framesHelp = `Usage:
  pinggu frames freeze --campaign C
  pinggu frames export --campaign C --out FRAMES.zip [--rosters]

freeze builds the sampling frames from the registry — per county the
county departments, townships and branches, and the municipal units as a
certainty stratum — stores them as canonical CSV (UTF-8, LF, header id,name,
sorted by id) and prints each stratum with its SHA-256, to be published
before the seed exists. Freezing again replaces the frames until the unit
draw has happened. export writes them as a zip of <stratum>.csv files; with
--rosters, the frozen rosters' frames (ids and categories only), which a
respondent draw is verified against.`

func runFrames(e *env, args []string) error {
	fs := newFlags(e, "frames", framesHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	out := fs.String("out", "", "zip file to write (export)")
	rosters := fs.Bool("rosters", false, "export the frozen rosters' frames")
	db, err := e.begin(fs, dsn, args, "freeze", "export")
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	var frames []store.Frame
	if args[0] == "freeze" {
		if frames, err = draw.Freeze(e.ctx, db, e.actor(), c); err != nil {
			return err
		}
	} else if err := db.View(e.ctx, func(tx *store.Tx) (err error) {
		if *rosters {
			frames, err = draw.RosterFrames(e.ctx, tx, c)
		} else {
			frames, err = tx.Frames(e.ctx, c.ID)
		}
		return
	}); err != nil {
		return err
	}
	if args[0] == "export" {
		if len(frames) == 0 {
			return pinggu.Errorf(pinggu.EConflict, "draw.not_frozen")
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
		return draw.WriteFramesZip(w, frames)
	}
	rows := [][]string{{"STRATUM", "N", "SHA-256"}}
	for _, f := range frames {
		rows = append(rows, []string{f.Stratum, strconv.Itoa(f.N), f.SHA256})
	}
	tabular.WriteColumns(e.stdout, "", rows)
	fmt.Fprintln(e.stdout, e.l.T("draw.frozen", "N", len(frames)))
	return nil
}

// campaignByCode loads a campaign by its code.
func campaignByCode(e *env, db *store.DB, code string) (*pinggu.Campaign, error) {
	var c *pinggu.Campaign
	err := db.View(e.ctx, func(tx *store.Tx) (err error) { c, err = tx.CampaignByCode(e.ctx, code); return })
	return c, err
}
