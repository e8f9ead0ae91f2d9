package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/roster"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
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

// rosterCmd is one run of pinggu roster: its flags, database and
// campaign, with a method per verb.
type rosterCmd struct {
	e            *env
	db           *store.DB
	c            *pinggu.Campaign
	fs           *flag.FlagSet
	unit, reason *string
	dry          *bool
	minShare     *int
}

func runRoster(e *env, args []string) error {
	fs := newFlags(e, "roster", rosterHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	r := &rosterCmd{e: e, fs: fs,
		unit:     fs.String("unit", "", "unit code"),
		dry:      fs.Bool("dry-run", false, "check the file only"),
		reason:   fs.String("reason", "", "why an incomplete roster is frozen anyway"),
		minShare: fs.Int("min-share", 0, "least share of the headcount, in percent, before a reason is needed (default: the campaign's setting, 80)"),
	}
	db, err := e.begin(fs, dsn, args, "upload", "freeze", "list", "purge")
	if err != nil {
		return err
	}
	defer db.Close()
	r.db = db
	if r.c, err = campaignByCode(e, db, *code); err != nil {
		return err
	}
	if *r.minShare == 0 {
		*r.minShare = r.c.Settings.MinShare()
	}
	switch args[0] {
	case "upload":
		return r.upload()
	case "freeze":
		return r.freeze()
	case "list":
		return r.list()
	default:
		return r.purge()
	}
}

// freeze freezes the unit's roster.
func (r *rosterCmd) freeze() error {
	e := r.e
	u, err := unitByElementID(e, r.db, *r.unit)
	if err != nil {
		return err
	}
	ro, err := roster.Freeze(e.ctx, r.db, e.actor(), r.c, u, *r.reason, *r.minShare)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("roster.frozen_ok", "Unit", u.Name, "Size", ro.Size, "Hash", ro.SHA256))
	return nil
}

// upload checks the file and, without --dry-run, stores it as the unit's
// roster.
func (r *rosterCmd) upload() error {
	e, fs := r.e, r.fs
	u, err := unitByElementID(e, r.db, *r.unit)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return ExitError{2}
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", fs.Arg(0))
	}
	people, err := roster.Upload(e.ctx, r.db, e.actor(), r.c, u, filepath.Base(fs.Arg(0)), data, *r.dry)
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
	if *r.dry {
		key = "roster.checked"
	}
	fmt.Fprintln(e.stdout, e.l.T(key, "Unit", u.Name, "Size", len(people), "Members", members, "Headcount", u.Headcount))
	return nil
}

// list prints the campaign's rosters with their state and check.
func (r *rosterCmd) list() error {
	e, ctx := r.e, r.e.ctx
	var rs []pinggu.Roster
	units := map[int64]*pinggu.Unit{}
	err := r.db.View(ctx, func(tx *store.Tx) (err error) {
		if rs, err = tx.Rosters(ctx, r.c.ID); err != nil {
			return err
		}
		for _, ro := range rs {
			if units[ro.UnitID], err = tx.Unit(ctx, ro.UnitID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows := [][]string{{"UNIT", "STATE", "SIZE", "MEMBERS", "HEADCOUNT", "CHECK", "SHA-256"}}
	for _, ro := range rs {
		u := units[ro.UnitID]
		check := "ok"
		if !pinggu.Complete(ro.Members, u.Headcount, *r.minShare) {
			check = e.l.T("roster.flag_short")
		}
		rows = append(rows, []string{u.ElementID() + " " + u.Name, e.l.T("roster.state." + ro.State), strconv.Itoa(ro.Size),
			strconv.Itoa(ro.Members), strconv.Itoa(u.Headcount), check, ro.SHA256})
	}
	tabular.WriteColumns(e.stdout, "", rows)
	return nil
}

// purge deletes names, phones and notes of a closed campaign's rosters.
func (r *rosterCmd) purge() error {
	e := r.e
	if !r.c.State.Closed() {
		return pinggu.Errorf(pinggu.EConflict, "roster.purge_open", "State", string(r.c.State))
	}
	var n int
	err := r.db.Update(e.ctx, e.actor(), func(tx *store.Tx) (err error) { n, err = tx.PurgeRosters(e.ctx, r.c.ID); return })
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("roster.purged", "N", n))
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
