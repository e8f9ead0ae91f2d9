// Package demo builds the demo city: the real divisions of 扬州市 with
// invented departments, municipal units, reference units, branches and
// headcounts, imported through the same path as a user's file, and one
// account per role.
package demo

import (
	"context"
	_ "embed"
	"fmt"
	"hash/fnv"
	"time"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/draw"
	"pinggu/internal/registry"
	"pinggu/internal/store"
)

//go:embed data/yangzhou-divisions.csv
var divisions []byte

func hashOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// Account is a demo login.
type Account struct {
	Login, Name, Password string
	Role                  pinggu.Role
	Scope                 string // what the account sees, for the printout
}

var accounts = []struct {
	login, name string
	role        pinggu.Role
	scope       []string
	scopeText   string
}{
	{"admin", "市委主题教育办", pinggu.RoleAdmin, nil, "全市"},
	{"pinggu1", "第一评估组组长 周敏", pinggu.RoleEvaluator, nil, "第一评估组：广陵区、邗江区、扬州经济技术开发区和 12 个市直单位"},
	{"pinggu2", "第二评估组组长 王磊", pinggu.RoleEvaluator, nil, "第二评估组：江都区、宝应县和 11 个市直单位"},
	{"pinggu3", "第三评估组组长 李婷", pinggu.RoleEvaluator, nil, "第三评估组：仪征市、高邮市和 11 个市直单位"},
	{"luru1", "第一评估组组员 赵强", pinggu.RoleEvaluator, nil, "第一评估组（组员，录入纸质测评表）"},
	{"lianluo", "广陵区联络员 陈静", pinggu.RoleLiaison, []string{"321002"}, "广陵区（自查报告、抽中单位的名单）"},
	{"lianluo2", "市委组织部联络员 孙悦", pinggu.RoleLiaison, []string{"M004"}, "市委组织部（自查报告被退回重写）"},
	{"lingdao", "市领导（只读）", pinggu.RoleViewer, nil, "全市（只读）"},
}

// seededKey marks a database whose demo city is complete; demoKey marks
// one claimed by the demo while it was still empty.
const (
	seededKey = "demo.seeded"
	demoKey   = "demo.database"
)

// Check refuses, before anything is opened for writing, a database at dsn
// that is neither blank nor a demo: the check Seed repeats inside its
// transaction, made here too because opening a database migrates it.
func Check(ctx context.Context, dsn string) error {
	c, err := store.Inspect(ctx, dsn)
	if err != nil {
		return pinggu.Internal(err)
	}
	if c.Blank || c.Settings[seededKey] != "" || c.Settings[demoKey] != "" {
		return nil
	}
	return pinggu.Errorf(pinggu.EConflict, "demo.not_demo_db", "DB", dsn)
}

// Seed fills an empty database with the demo city, once; later calls keep
// the data. Either way every demo account gets a new random password, which
// is returned for printing. A database that is neither empty nor a demo is
// refused and left untouched: the demo's accounts, with their printed
// passwords, must never land in a real installation.
func Seed(ctx context.Context, db *store.DB) ([]Account, error) {
	actor := store.Actor{Login: "demo"}
	var seeded string
	if err := db.Update(ctx, actor, func(tx *store.Tx) (err error) {
		if seeded, err = tx.Setting(ctx, seededKey); err != nil || seeded != "" {
			return err
		}
		claimed, err := tx.Setting(ctx, demoKey)
		if err != nil || claimed != "" {
			return err
		}
		empty, err := tx.Empty(ctx)
		if err != nil {
			return err
		}
		if !empty {
			return pinggu.Errorf(pinggu.EConflict, "demo.not_empty")
		}
		return tx.SetSetting(ctx, demoKey, "1")
	}); err != nil {
		return nil, err
	}
	if seeded == "" {
		data, err := Registry()
		if err != nil {
			return nil, err
		}
		if _, err := registry.Import(ctx, db, actor, "demo-registry.csv", data); err != nil {
			return nil, fmt.Errorf("demo registry: %w", err)
		}
	}
	var out []Account
	for _, a := range accounts {
		pw := auth.RandomPassword(12)
		var existing *pinggu.User
		err := db.View(ctx, func(tx *store.Tx) (err error) { existing, err = tx.UserByLogin(ctx, a.login); return })
		switch {
		case pinggu.ErrorCodeOf(err) == pinggu.ENotFound:
			u := &pinggu.User{Login: a.login, Name: a.name, Role: a.role}
			if err := db.View(ctx, func(tx *store.Tx) error {
				for _, code := range a.scope {
					unit, err := tx.UnitByCode(ctx, code)
					if err != nil {
						return err
					}
					u.Scope = append(u.Scope, unit.ID)
				}
				return nil
			}); err != nil {
				return nil, err
			}
			err = auth.CreateUser(ctx, db, actor, u, pw, pinggu.DefaultPasswordPolicy)
		case err == nil:
			err = auth.SetPassword(ctx, db, actor, existing.ID, pw, pinggu.DefaultPasswordPolicy)
		}
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.login, err)
		}
		out = append(out, Account{Login: a.login, Name: a.name, Password: pw, Role: a.role, Scope: a.scopeText})
	}
	if seeded == "" {
		err := db.Update(ctx, actor, func(tx *store.Tx) error { return campaign(ctx, tx, time.Now()) })
		if err != nil {
			return nil, fmt.Errorf("demo campaign: %w", err)
		}
		if err := ceremony(ctx, db, actor); err != nil {
			return nil, fmt.Errorf("demo draw: %w", err)
		}
		if err := db.Update(ctx, actor, func(tx *store.Tx) error { return tx.SetSetting(ctx, seededKey, "1") }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DemoSeed is the demo's dice digits (the first 20 decimals of π: no dice
// were rolled for the demo, and it says so).
const DemoSeed = "14159265358979323846"

// ceremony freezes the 2026 frames and draws the units.
func ceremony(ctx context.Context, db *store.DB, actor store.Actor) error {
	var c *pinggu.Campaign
	if err := db.View(ctx, func(tx *store.Tx) (err error) { c, err = tx.CampaignByCode(ctx, "2026"); return }); err != nil {
		return err
	}
	if _, err := draw.Freeze(ctx, db, actor, c); err != nil {
		return err
	}
	if _, err := draw.Units(ctx, db, actor, c, DemoSeed, "2026-units"); err != nil {
		return err
	}
	return rosters(ctx, db, actor, c)
}

// DemoSeed2 is the second ceremony's digits (π's next 20 decimals).
const DemoSeed2 = "26433832795028841971"

// groups of the demo campaign: leader, counties, and a range of municipal
// units (M001–M034).
var groups = []struct {
	name, leader string
	members      []string
	counties     []string
	from, to     int
}{
	{"第一评估组", "pinggu1", []string{"luru1"}, []string{"321002", "321003", "321071"}, 1, 12},
	{"第二评估组", "pinggu2", nil, []string{"321012", "321023"}, 13, 23},
	{"第三评估组", "pinggu3", nil, []string{"321081", "321084"}, 24, 34},
}

// campaign creates the city's published 2026 evaluation with three groups
// covering every county and municipal unit. Deadlines are set around now,
// so that the board shows a stage overdue, one due soon and later ones.
func campaign(ctx context.Context, tx *store.Tx, now time.Time) error {
	day := func(n int) pinggu.Date { return pinggu.Date(now.AddDate(0, 0, n).Format("2006-01-02")) }
	c, err := tx.NewCampaign(ctx, "2026", "2026年“不忘初心、牢记使命”主题教育第三方评估", func(c *pinggu.Campaign) error {
		c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{
			pinggu.StageSelfReport: day(-2), pinggu.StageUnitDraw: day(2), pinggu.StageRosters: day(7),
			pinggu.StageFieldwork: day(21), pinggu.StageReports: day(35),
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range groups {
		leader, err := tx.UserByLogin(ctx, g.leader)
		if err != nil {
			return err
		}
		group := &pinggu.Group{CampaignID: c.ID, Name: g.name, LeaderID: leader.ID}
		for _, login := range g.members {
			m, err := tx.UserByLogin(ctx, login)
			if err != nil {
				return err
			}
			group.Members = append(group.Members, m.ID)
		}
		codes := g.counties
		for i := g.from; i <= g.to; i++ {
			codes = append(codes, fmt.Sprintf("M%03d", i))
		}
		for _, code := range codes {
			u, err := tx.UnitByCode(ctx, code)
			if err != nil {
				return err
			}
			group.Units = append(group.Units, u.ID)
		}
		if err := tx.CreateGroup(ctx, group); err != nil {
			return err
		}
	}
	_, err = tx.AdvanceCampaign(ctx, c.ID, pinggu.StatePublished)
	return err
}
