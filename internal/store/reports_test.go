package store_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// TestTalliesEqualRecompute submits 437 random responses across three
// units and two categories, moving the inbox now and then as the server
// does, and a few with 不了解; the tallies read by dashboards must equal a
// count made here by hand and a full recompute from the raw answers.
func TestTalliesEqualRecompute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		units := []*pinggu.Unit{
			mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city),
			mkUnit(t, db, "M002", "市委组织部", pinggu.KindMunicipalUnit, city),
			mkUnit(t, db, "M003", "市委宣传部", pinggu.KindMunicipalUnit, city),
		}
		c := newCampaign(t, db, "2026")
		rng := rand.New(rand.NewPCG(7, 11))
		want := map[store.TallyKey]int{}
		wantProfiles := map[store.ProfileKey]int{}
		const n = 437
		for i := range n {
			u := units[rng.IntN(len(units))]
			cat := []string{"党员", "群众"}[rng.IntN(2)]
			r := &pinggu.Response{CampaignID: c.ID, UnitID: u.ID, Category: cat, Channel: "online", Day: "2026-12-10", Answers: map[string]int{}}
			for _, q := range []string{"L1.1", "L1.2", "L2.1"} {
				a := rng.IntN(5) - 1 // -1 is 不了解
				r.Answers[q] = a
				want[store.TallyKey{Unit: u.ID, Category: cat, Question: q, Level: a}]++
			}
			r.Overall = rng.IntN(4)
			want[store.TallyKey{Unit: u.ID, Category: cat, Question: pinggu.OverallCode, Level: r.Overall}]++
			// Profiles: per dimension of the built-in leadership framework
			// (L1.1 and L1.2 in L1, L2.1 in L2), the count of each level.
			for _, dim := range []string{"L1", "L2"} {
				var c [4]int
				for q, a := range r.Answers {
					if strings.HasPrefix(q, dim+".") && a >= 0 {
						c[a]++
					}
				}
				if c != [4]int{} {
					wantProfiles[store.ProfileKey{Unit: u.ID, Dimension: dim, Profile: fmt.Sprintf("%d,%d,%d,%d", c[0], c[1], c[2], c[3])}]++
				}
			}
			err := db.Update(ctx, cli, func(tx *store.Tx) error {
				hash, err := tx.HashCodes(ctx, c.ID, []string{fmt.Sprintf("h%04d", i)})
				if err != nil {
					return err
				}
				if err := tx.IssueCodes(ctx, c.ID, u.ID, cat, "b", hash); err != nil {
					return err
				}
				_, err = tx.Submit(ctx, hash[0], r)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if rng.IntN(30) == 0 {
				db.Update(ctx, cli, func(tx *store.Tx) error { _, err := tx.MoveResponses(ctx, c.ID, false); return err })
			}
		}
		var before []store.TallyRow
		db.View(ctx, func(tx *store.Tx) (err error) { before, err = tx.Tallies(ctx, c.ID); return })
		if got := total(before) / 4; got >= n {
			t.Errorf("tallies count %d responses before the last move, want fewer than %d (the inbox is not counted)", got, n)
		}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { _, err := tx.MoveResponses(ctx, c.ID, true); return err }); err != nil {
			t.Fatal(err)
		}
		var got, again []store.TallyRow
		var profiles, profilesAgain []store.ProfileRow
		db.View(ctx, func(tx *store.Tx) error {
			var err error
			if got, err = tx.Tallies(ctx, c.ID); err != nil {
				return err
			}
			if profiles, err = tx.Profiles(ctx, c.ID); err != nil {
				return err
			}
			if profilesAgain, err = tx.RecomputeProfiles(ctx, c.ID); err != nil {
				return err
			}
			again, err = tx.RecomputeTallies(ctx, c.ID)
			return err
		})
		profileMap := map[store.ProfileKey]int{}
		for _, r := range profiles {
			profileMap[r.ProfileKey] = r.N
		}
		if len(wantProfiles) < 20 || !reflect.DeepEqual(profileMap, wantProfiles) {
			t.Errorf("profiles differ from the hand count: %d cells vs %d", len(profileMap), len(wantProfiles))
		}
		if !reflect.DeepEqual(profiles, profilesAgain) {
			t.Errorf("profiles (%d cells) differ from the recompute (%d cells)", len(profiles), len(profilesAgain))
		}
		gotMap := map[store.TallyKey]int{}
		for _, r := range got {
			gotMap[r.TallyKey] = r.N
		}
		if !reflect.DeepEqual(gotMap, want) {
			t.Errorf("tallies differ from the hand count: %d cells vs %d", len(gotMap), len(want))
		}
		if !reflect.DeepEqual(got, again) || total(got) != 4*n {
			t.Errorf("tallies (%d cells, %d answers) differ from the recompute (%d cells)", len(got), total(got), len(again))
		}
	})
}

func total(rows []store.TallyRow) int {
	n := 0
	for _, r := range rows {
		n += r.N
	}
	return n
}

// TestReportWorkflow walks a report through draft, submit, return,
// resubmit and accept, with the locks and the respondent minimum.
func TestReportWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		m1 := mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city)
		c := newCampaign(t, db, "2026")
		ev := &pinggu.User{Login: "pg1", Name: "组长", Role: pinggu.RoleEvaluator, PasswordHash: "x"}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateUser(ctx, ev) }); err != nil {
			t.Fatal(err)
		}
		as := store.ActorOf(ev)
		update := func(fn func(tx *store.Tx) error) error { return db.Update(ctx, as, fn) }
		r := &pinggu.Report{CampaignID: c.ID, UnitID: m1.ID, Sections: map[string]string{"achievements": "- 学习扎实"}}
		if err := update(func(tx *store.Tx) error { return tx.CreateReport(ctx, r) }); err != nil {
			t.Fatal(err)
		}
		if err := update(func(tx *store.Tx) error { return tx.CreateReport(ctx, r) }); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("a second report for the unit: %v", err)
		}
		bad := *r
		bad.Sections = map[string]string{"problems": "a\x00b", "nonsense": "x", "causes": strings.Repeat("长", pinggu.MaxSectionText+1)}
		err := update(func(tx *store.Tx) error { return tx.SaveReport(ctx, &bad) })
		if pe, ok := err.(*pinggu.Error); !ok || len(pe.Problems) != 3 {
			t.Errorf("bad text: %v", err)
		}
		r.Sections["problems"] = "1. 调研不深\n2. 整改不实 <b>&amp;"
		if err := update(func(tx *store.Tx) error { return tx.SaveReport(ctx, r) }); err != nil {
			t.Fatal(err)
		}
		// The minimum is unmet: a justification is required.
		if err := update(func(tx *store.Tx) error { _, err := tx.SubmitReport(ctx, c.ID, m1.ID, false); return err }); pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("submit without justification: %v", err)
		}
		r.Justification = "该单位在职党员 24 人，已全部参评。"
		update(func(tx *store.Tx) error { return tx.SaveReport(ctx, r) })
		if err := update(func(tx *store.Tx) error { _, err := tx.SubmitReport(ctx, c.ID, m1.ID, false); return err }); err != nil {
			t.Fatal(err)
		}
		if err := update(func(tx *store.Tx) error { _, err := tx.SubmitReport(ctx, c.ID, m1.ID, true); return err }); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("submitting twice: %v", err)
		}
		r.Sections["problems"] = "改过"
		if err := update(func(tx *store.Tx) error { return tx.SaveReport(ctx, r) }); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("editing a submitted report: %v", err)
		}
		if err := update(func(tx *store.Tx) error { _, err := tx.ReviewReport(ctx, c.ID, m1.ID, false, ""); return err }); pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("returning without a reason: %v", err)
		}
		if err := update(func(tx *store.Tx) error {
			_, err := tx.ReviewReport(ctx, c.ID, m1.ID, false, "问题分析不够具体")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := update(func(tx *store.Tx) error { return tx.SaveReport(ctx, r) }); err != nil {
			t.Errorf("editing a returned report: %v", err)
		}
		var got *pinggu.Report
		var versions []store.ReportVersion
		update(func(tx *store.Tx) (err error) {
			if _, err = tx.SubmitReport(ctx, c.ID, m1.ID, false); err != nil {
				return err
			}
			if _, err = tx.ReviewReport(ctx, c.ID, m1.ID, true, ""); err != nil {
				return err
			}
			got, _ = tx.Report(ctx, c.ID, m1.ID)
			versions, err = tx.ReportVersions(ctx, c.ID, m1.ID)
			return err
		})
		if got.State != pinggu.ReportAccepted || got.Version != 2 || len(versions) != 2 ||
			versions[0].Sections["problems"] != "1. 调研不深\n2. 整改不实 <b>&amp;" || versions[1].Sections["problems"] != "改过" || versions[1].SubmittedBy != "pg1" {
			t.Errorf("report %+v, versions %+v", got, versions)
		}
		if err := update(func(tx *store.Tx) error { _, err := tx.ReviewReport(ctx, c.ID, m1.ID, false, "再改"); return err }); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("returning an accepted report: %v", err)
		}
	})
}

// TestChecklistGrades: a grade replaces the earlier one, and the audit
// log keeps both.
func TestChecklistGrades(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		m1 := mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city)
		c := newCampaign(t, db, "2026")
		ev := &pinggu.User{Login: "pg1", Name: "组长", Role: pinggu.RoleEvaluator, PasswordHash: "x"}
		db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateUser(ctx, ev) })
		for _, lv := range []int{1, 0, 0} {
			g := &pinggu.Grade{CampaignID: c.ID, UnitID: m1.ID, Item: "L1.1", Level: lv, Note: "查阅学习记录 12 本"}
			if err := db.Update(ctx, store.ActorOf(ev), func(tx *store.Tx) error { return tx.SetGrade(ctx, g) }); err != nil {
				t.Fatal(err)
			}
		}
		db.View(ctx, func(tx *store.Tx) error {
			gs, _ := tx.Grades(ctx, c.ID, 0)
			if len(gs) != 1 || gs[0].Level != 0 || gs[0].EnteredBy != "pg1" || gs[0].Note != "查阅学习记录 12 本" {
				t.Errorf("grades = %+v", gs)
			}
			all, _ := tx.AuditEntries(ctx, store.AuditFilter{ObjectType: "unit"})
			var entries []pinggu.AuditEntry
			for _, e := range all {
				if e.Action == "checklist.grade" {
					entries = append(entries, e)
				}
			}
			if len(entries) != 2 {
				t.Errorf("%d audit rows, want 2 (an unchanged grade writes none)", len(entries))
			}
			return nil
		})
	})
}
