package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"pinggu"
	"pinggu/internal/evidence"
	"pinggu/internal/report"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

const selfCheckHelp = `Usage:
  pinggu selfcheck export --campaign C --out DIR

Writes every county's and municipal unit's current self-assessment (自查报告)
into DIR, one file each, named by the unit: "<code>-<name>-自查报告-v<N>.docx"
(or .pdf) as the unit uploaded it, without its author metadata; a version
written in the browser as "<code>-<name>-自查报告-v<N>.txt". An index,
自查报告清单.csv, lists every area with its state, version, file and SHA-256.`

func runSelfCheck(e *env, args []string) error {
	fs := newFlags(e, "selfcheck", selfCheckHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	out := fs.String("out", ".", "output directory")
	db, err := e.begin(fs, dsn, args, "export")
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	return exportSelfChecks(e, db, c, *out)
}

// exportSelfChecks writes each area's latest version and the index.
func exportSelfChecks(e *env, db *store.DB, c *pinggu.Campaign, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return pinggu.Internal(err)
	}
	rows := [][]string{}
	written := 0
	err := db.View(e.ctx, func(tx *store.Tx) error {
		units, err := tx.Units(e.ctx)
		if err != nil {
			return err
		}
		versions, err := tx.SelfChecks(e.ctx, c.ID, 0)
		if err != nil {
			return err
		}
		latest := pinggu.LatestSelfChecks(versions)
		now := time.Now()
		for _, u := range units {
			if !u.Kind.Area() {
				continue
			}
			sc := latest[u.ID]
			state := pinggu.SelfCheckStateAt(sc, c.Settings, now)
			row := []string{u.Code, u.Name, e.l.T("selfcheck.state." + string(state)), "", "", ""}
			if sc != nil {
				base := report.SafeFileName(fmt.Sprintf("%s-%s-自查报告-v%d", u.Code, u.Name, sc.Version))
				var name string
				var data []byte
				if sc.File != nil {
					f, err := tx.FileByID(e.ctx, sc.File.ID)
					if err != nil {
						return err
					}
					name, data = base+evidence.Extension(f.Type), f.Data
					row[5] = f.SHA256
				} else {
					name, data = base+".txt", []byte(sc.Written())
				}
				if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
					return pinggu.Internal(err)
				}
				written++
				row[3], row[4] = strconv.Itoa(sc.Version), name
			}
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(out, "自查报告清单.csv"))
	if err != nil {
		return pinggu.Internal(err)
	}
	defer f.Close()
	if err := tabular.WriteCSV(f, []string{"单位编码", "单位名称", "状态", "版本", "文件", "SHA-256"}, rows); err != nil {
		return pinggu.Internal(err)
	}
	fmt.Fprintln(e.stdout, e.l.T("selfcheck.exported", "N", written, "Areas", len(rows), "Dir", out))
	return nil
}

const hearingHelp = `Usage:
  pinggu hearing list --campaign C [--unit U] [--json]

Lists the hearing records (听取意见) of every county and municipal unit, or of
one (--unit, by code): date, kind, place, people heard, findings. --json
prints them whole, with each finding's object, item, nature, text and
evidence files (name, type, SHA-256).`

func runHearing(e *env, args []string) error {
	fs := newFlags(e, "hearing", hearingHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	unit := fs.String("unit", "", "a county or municipal unit, by code")
	asJSON := fs.Bool("json", false, "print JSON")
	db, err := e.begin(fs, dsn, args, "list")
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	var unitID int64
	if *unit != "" {
		u, err := unitByElementID(e, db, *unit)
		if err != nil {
			return err
		}
		unitID = u.ID
	}
	var hs []pinggu.Hearing
	names := map[int64]pinggu.Unit{}
	err = db.View(e.ctx, func(tx *store.Tx) error {
		if hs, err = tx.Hearings(e.ctx, c.ID, unitID); err != nil {
			return err
		}
		units, err := tx.Units(e.ctx)
		for _, u := range units {
			names[u.ID] = u
		}
		return err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		type finding struct {
			pinggu.Finding
			Object string `json:"object"`
		}
		type hearing struct {
			pinggu.Hearing
			Unit     string    `json:"unit"`
			UnitName string    `json:"unit_name"`
			Findings []finding `json:"findings"`
		}
		out := []hearing{}
		for _, h := range hs {
			x := hearing{Hearing: h, Unit: names[h.UnitID].Code, UnitName: names[h.UnitID].Name, Findings: []finding{}}
			for _, f := range h.Findings {
				x.Findings = append(x.Findings, finding{Finding: f, Object: names[f.ObjectID].Name})
			}
			x.Hearing.Findings = nil
			out = append(out, x)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	rows := [][]string{{"UNIT", "DATE", "KIND", "PLACE", "PEOPLE", "ACHIEVEMENTS", "PROBLEMS"}}
	for _, h := range hs {
		good, bad := 0, 0
		for _, f := range h.Findings {
			if f.Nature == pinggu.FindingAchievement {
				good++
			} else {
				bad++
			}
		}
		rows = append(rows, []string{names[h.UnitID].Name, string(h.HeldOn), h.Kind.Chinese(), h.Place, strconv.Itoa(h.People()), strconv.Itoa(good), strconv.Itoa(bad)})
	}
	tabular.WriteColumns(e.stdout, "", rows)
	return nil
}
