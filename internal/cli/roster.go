package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/roster"
	"pinggu/internal/store"
)

const rosterHelp = `Usage:
  pinggu roster upload --campaign C --unit U [--dry-run] FILE
  pinggu roster freeze --campaign C --unit U [--reason TEXT] [--min-share PCT]
  pinggu roster list --campaign C
  pinggu roster purge --campaign C

A roster (名单) is an XLSX or CSV file with the columns 姓名, 手机号, 类别 and
optionally 备注; the categories are 党员, 群众, 两代表一委员, 服务对象, 工作对象 and
其他. Only units drawn in the campaign supply rosters. A file with any bad row
changes nothing. Freezing assigns each person an id <unit>-<0001…> and
publishes the roster's hash; a roster whose Party members are below
--min-share percent of the unit's headcount is frozen only with --reason.
purge deletes names, phones and notes once the campaign is closed, and
keeps ids, categories and hashes. U is a unit code, or parent-code/name for a
branch without a code.`

func runRoster(e *env, args []string) error {
	fs := newFlags(e, "roster", rosterHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	unitID := fs.String("unit", "", "unit code")
	dry := fs.Bool("dry-run", false, "check the file only")
	reason := fs.String("reason", "", "why an incomplete roster is frozen anyway")
	minShare := fs.Int("min-share", 0, "least share of the headcount, in percent, before a reason is needed (default: the campaign's setting, 80)")
	db, err := e.begin(fs, dsn, args, "upload", "freeze", "list", "purge")
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	ctx := e.ctx
	if *minShare == 0 {
		*minShare = c.Settings.MinShare()
	}
	switch args[0] {
	case "upload", "freeze":
		u, err := unitByElementID(e, db, *unitID)
		if err != nil {
			return err
		}
		if args[0] == "freeze" {
			r, err := roster.Freeze(ctx, db, e.actor(), c, u, *reason, *minShare)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.l.T("roster.frozen_ok", "Unit", u.Name, "Size", r.Size, "Hash", r.SHA256))
			return nil
		}
		if fs.NArg() != 1 {
			fs.Usage()
			return ExitError{2}
		}
		data, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", fs.Arg(0))
		}
		people, err := roster.Upload(ctx, db, e.actor(), c, u, filepath.Base(fs.Arg(0)), data, *dry)
		if err != nil {
			return err
		}
		members := 0
		for _, p := range people {
			if p.Category == pinggu.CategoryMember {
				members++
			}
		}
		key := "roster.uploaded"
		if *dry {
			key = "roster.checked"
		}
		fmt.Fprintln(e.stdout, e.l.T(key, "Unit", u.Name, "Size", len(people), "Members", members, "Headcount", u.Headcount))
	case "list":
		var rs []pinggu.Roster
		units := map[int64]*pinggu.Unit{}
		err := db.View(ctx, func(tx *store.Tx) (err error) {
			if rs, err = tx.Rosters(ctx, c.ID); err != nil {
				return err
			}
			for _, r := range rs {
				if units[r.UnitID], err = tx.Unit(ctx, r.UnitID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		rows := [][]string{{"UNIT", "STATE", "SIZE", "MEMBERS", "HEADCOUNT", "CHECK", "SHA-256"}}
		for _, r := range rs {
			u := units[r.UnitID]
			check := "ok"
			if !pinggu.Complete(r.Members, u.Headcount, *minShare) {
				check = e.l.T("roster.flag_short")
			}
			rows = append(rows, []string{draw.ElementID(*u) + " " + u.Name, e.l.T("roster.state." + r.State), strconv.Itoa(r.Size),
				strconv.Itoa(r.Members), strconv.Itoa(u.Headcount), check, r.SHA256})
		}
		writeTable(e.stdout, "", rows)
	case "purge":
		if !c.State.Closed() {
			return pinggu.Errorf(pinggu.EConflict, "roster.purge_open", "State", string(c.State))
		}
		var n int
		err := db.Update(ctx, e.actor(), func(tx *store.Tx) (err error) { n, err = tx.PurgeRosters(ctx, c.ID); return })
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("roster.purged", "N", n))
	}
	return nil
}

// unitByElementID finds a unit by its code, or "parent/name" for a branch
// without one.
func unitByElementID(e *env, db *store.DB, id string) (*pinggu.Unit, error) {
	var u *pinggu.Unit
	err := db.View(e.ctx, func(tx *store.Tx) error {
		parent, name, uncoded := strings.Cut(id, "/")
		if !uncoded {
			var err error
			u, err = tx.UnitByCode(e.ctx, id)
			return err
		}
		p, err := tx.UnitByCode(e.ctx, parent)
		if err != nil {
			return err
		}
		children, err := tx.Children(e.ctx, p.ID)
		for i := range children {
			if children[i].Code == "" && children[i].Name == name {
				u = &children[i]
				return nil
			}
		}
		if err == nil {
			err = pinggu.Errorf(pinggu.ENotFound, "unit.code_not_found", "Code", id)
		}
		return err
	})
	return u, err
}
