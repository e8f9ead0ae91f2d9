package store_test

import (
	"testing"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// newCampaign creates a draft campaign with complete settings using the
// built-in frameworks.
func newCampaign(t *testing.T, db *store.DB, code string) *pinggu.Campaign {
	t.Helper()
	c := &pinggu.Campaign{Code: code, Name: code + "年主题教育第三方评估", Settings: pinggu.DefaultSettings()}
	err := db.Update(ctx, cli, func(tx *store.Tx) error {
		if err := tx.UseBuiltinFrameworks(ctx, &c.Settings); err != nil {
			return err
		}
		c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{
			pinggu.StageSelfReport: "2026-12-05", pinggu.StageUnitDraw: "2026-12-08", pinggu.StageRosters: "2026-12-12",
			pinggu.StageFieldwork: "2026-12-25", pinggu.StageReports: "2026-12-31",
		}
		return tx.CreateCampaign(ctx, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBuiltinFrameworksInstalledOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.View(ctx, func(tx *store.Tx) error {
			fs, err := tx.Frameworks(ctx)
			if err != nil || len(fs) != 2 || fs[0].Code != "leadership" || len(fs[0].ActiveItems()) != 25 || len(fs[1].ActiveItems()) != 11 {
				t.Errorf("frameworks = %d, %v", len(fs), err)
			}
			return nil
		})
	})
}

func TestPublishFreezesTheFramework(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCampaign(t, db, "2026")
		var lead *pinggu.Framework
		db.View(ctx, func(tx *store.Tx) (err error) { lead, err = tx.FrameworkByCode(ctx, "leadership"); return })
		if _, err := advance(db, c.ID, pinggu.StatePublished); err != nil {
			t.Fatal(err)
		}
		// The template changes after publish: a new version with new wording.
		lead.Dimensions[0].Items[0].Question = "改过的问题？"
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.SaveFramework(ctx, lead) }); err != nil {
			t.Fatal(err)
		}
		db.View(ctx, func(tx *store.Tx) error {
			current, _ := tx.FrameworkByCode(ctx, "leadership")
			if current.Version != 2 || current.Dimensions[0].Items[0].Question != "改过的问题？" {
				t.Errorf("template = version %d", current.Version)
			}
			c, _ := tx.Campaign(ctx, c.ID)
			frozen, err := tx.CampaignFramework(ctx, c, lead.ID)
			if err != nil || frozen.Version != 1 || frozen.Dimensions[0].Items[0].Question == "改过的问题？" {
				t.Errorf("the published campaign's framework changed: %+v %v", frozen.Version, err)
			}
			v1, _ := tx.FrameworkVersion(ctx, lead.ID, 1)
			if v1.Dimensions[0].Items[0].Question != frozen.Dimensions[0].Items[0].Question {
				t.Error("version 1 is not kept")
			}
			return nil
		})
		// What was promised cannot be edited after publish; deadlines can.
		c.Settings.Rates[pinggu.KindTownship] = pinggu.Rate{Pct: 50, Rule: pinggu.RoundAtLeast}
		err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateCampaign(ctx, c) })
		if e := pinggu.AsError(err); e.Code != pinggu.EConflict || e.Problems[0].Column != "rates" {
			t.Errorf("editing rates after publish: %v", err)
		}
		c.Settings.Rates[pinggu.KindTownship] = pinggu.Rate{Pct: 30, Rule: pinggu.RoundAtLeast}
		c.Settings.Frameworks[pinggu.KindCounty] = 999
		err = db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateCampaign(ctx, c) })
		if e := pinggu.AsError(err); e.Code != pinggu.EConflict || e.Problems[0].Column != "frameworks" {
			t.Errorf("changing the framework after publish: %v", err)
		}
		c.Settings.Frameworks[pinggu.KindCounty] = lead.ID
		c.Settings.Deadlines[pinggu.StageReports] = "2027-01-10"
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateCampaign(ctx, c) }); err != nil {
			t.Errorf("moving a deadline after publish: %v", err)
		}
		// Forward one step at a time; closed means closed.
		if _, err := advance(db, c.ID, pinggu.StateClosed); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("published → closed: %v", err)
		}
		advance(db, c.ID, pinggu.StateFieldwork)
		advance(db, c.ID, pinggu.StateClosed)
		c.Name = "改名"
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateCampaign(ctx, c) }); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("editing a closed campaign: %v", err)
		}
	})
}

func advance(db *store.DB, id int64, to pinggu.CampaignState) (*pinggu.Campaign, error) {
	var c *pinggu.Campaign
	err := db.Update(ctx, cli, func(tx *store.Tx) (err error) { c, err = tx.AdvanceCampaign(ctx, id, to); return })
	return c, err
}

func TestPublishNeedsCompleteSettings(t *testing.T) {
	db := storetest.OpenSQLite(t)
	c := newCampaign(t, db, "2026")
	delete(c.Settings.Deadlines, pinggu.StageFieldwork)
	if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateCampaign(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	_, err := advance(db, c.ID, pinggu.StatePublished)
	if e := pinggu.AsError(err); e.Code != pinggu.EInvalid || e.Problems[0].Column != "deadlines.fieldwork" {
		t.Errorf("publish without a deadline: %v", err)
	}
}

func TestGroupsAndEvaluatorScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		gl := mkUnit(t, db, "321002", "广陵区", pinggu.KindCounty, city)
		hj := mkUnit(t, db, "321003", "邗江区", pinggu.KindCounty, city)
		m1 := mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city)
		town := mkUnit(t, db, "321002001", "东关街道", pinggu.KindTownship, gl)
		var ev, ev2, li *pinggu.User
		db.Update(ctx, cli, func(tx *store.Tx) error {
			ev = &pinggu.User{Login: "pg1", Name: "组长", Role: pinggu.RoleEvaluator, PasswordHash: "x"}
			ev2 = &pinggu.User{Login: "pg2", Name: "组员", Role: pinggu.RoleEvaluator, PasswordHash: "x"}
			li = &pinggu.User{Login: "ll1", Name: "联络员", Role: pinggu.RoleLiaison, Scope: []int64{town.ID}, PasswordHash: "x"}
			tx.CreateUser(ctx, ev)
			tx.CreateUser(ctx, ev2)
			return tx.CreateUser(ctx, li)
		})
		c26 := newCampaign(t, db, "2026")
		c27 := newCampaign(t, db, "2027")
		g := &pinggu.Group{CampaignID: c26.ID, Name: "第一评估组", LeaderID: ev.ID, Members: []int64{ev2.ID}, Units: []int64{gl.ID, m1.ID}}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateGroup(ctx, g) }); err != nil {
			t.Fatal(err)
		}
		// The same county cannot go to a second group of the same campaign.
		g2 := &pinggu.Group{CampaignID: c26.ID, Name: "第二评估组", Units: []int64{gl.ID, hj.ID}}
		err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateGroup(ctx, g2) })
		if e := pinggu.AsError(err); e.Code != pinggu.EInvalid || e.Problems[0].Key != "group.unit_taken" {
			t.Errorf("county in two groups: %v", err)
		}
		// A liaison cannot be a member; a township cannot be assigned.
		bad := &pinggu.Group{CampaignID: c26.ID, Name: "x", Members: []int64{li.ID}, Units: []int64{town.ID}}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateGroup(ctx, bad) }); pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("liaison member / township: %v", err)
		}
		// Naming a group of another campaign is refused.
		db.View(ctx, func(tx *store.Tx) error {
			if _, err := tx.GroupOf(ctx, c27.ID, g.ID); pinggu.AsError(err).Key != "group.other_campaign" {
				t.Errorf("group of another campaign: %v", err)
			}
			return nil
		})
		g27 := &pinggu.Group{CampaignID: c27.ID, Name: "第一评估组", LeaderID: ev2.ID, Units: []int64{hj.ID}}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateGroup(ctx, g27) }); err != nil {
			t.Fatal(err)
		}
		// pg2 sees the union of both campaigns' assignments.
		scope := func(id int64) (*pinggu.User, []int64) {
			var u *pinggu.User
			db.View(ctx, func(tx *store.Tx) (err error) { u, err = tx.User(ctx, id); return })
			return u, u.Scope
		}
		u, s := scope(ev2.ID)
		if len(s) != 3 || len(u.CampaignScope[c26.ID]) != 2 || len(u.CampaignScope[c27.ID]) != 1 {
			t.Errorf("pg2 scope = %v %v", s, u.CampaignScope)
		}
		if !pinggu.InCampaignScope(u, c27.ID, pinggu.UnitPath{Unit: *hj}) || pinggu.InCampaignScope(u, c27.ID, pinggu.UnitPath{Unit: *gl}) {
			t.Error("campaign scope")
		}
		if _, s := scope(li.ID); len(s) != 1 || s[0] != town.ID {
			t.Errorf("liaison scope = %v", s)
		}
		var unassigned []pinggu.Unit
		db.View(ctx, func(tx *store.Tx) (err error) { unassigned, err = tx.Unassigned(ctx, c26.ID); return })
		if len(unassigned) != 1 || unassigned[0].ID != hj.ID {
			t.Errorf("unassigned = %+v", unassigned)
		}
		// Archiving 2026 drops its assignments from the evaluators' scope.
		for _, to := range pinggu.CampaignStates[1:] {
			if _, err := advance(db, c26.ID, to); err != nil {
				t.Fatal(err)
			}
		}
		if _, s := scope(ev.ID); len(s) != 0 {
			t.Errorf("scope after archiving = %v", s)
		}
	})
}
