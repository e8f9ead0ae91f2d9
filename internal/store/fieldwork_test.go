package store_test

import (
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// TestSelfCheckVersions: a file version, a review that sends it back, a
// written version, acceptance; every version kept; the rules refuse a
// review of a version that is not the latest, a second decision, and a
// submission after acceptance.
func TestSelfCheckVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		m := mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city)
		c := newCampaign(t, db, "2026")
		update := func(fn func(tx *store.Tx) error) error { return db.Update(ctx, cli, fn) }
		var file pinggu.StoredFile
		err := update(func(tx *store.Tx) error {
			file = pinggu.StoredFile{Name: "自查报告.docx", Type: pinggu.FileDOCX, SHA256: strings.Repeat("a", 64), Received: strings.Repeat("b", 64), Stripped: []string{"作者"}}
			if err := tx.SaveFile(ctx, c.ID, m.ID, &file, []byte("PK..."), "一、学习情况"); err != nil {
				return err
			}
			return tx.SubmitSelfCheck(ctx, &pinggu.SelfCheck{CampaignID: c.ID, UnitID: m.ID, File: &file})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := update(func(tx *store.Tx) error {
			return tx.SubmitSelfCheck(ctx, &pinggu.SelfCheck{CampaignID: c.ID, UnitID: m.ID})
		}); pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("an empty submission: %v", err)
		}
		review := func(version int, decision, reason string) error {
			return update(func(tx *store.Tx) error {
				return tx.ReviewSelfCheck(ctx, c.ID, m.ID, version, decision, reason, "走过场")
			})
		}
		if err := review(1, pinggu.SelfCheckReturn, ""); pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("returned without a reason: %v", err)
		}
		if err := review(1, pinggu.SelfCheckReturn, "问题查摆不深，请重写第二部分"); err != nil {
			t.Fatal(err)
		}
		if err := review(1, pinggu.SelfCheckAccept, ""); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("a second decision: %v", err)
		}
		if err := update(func(tx *store.Tx) error {
			return tx.SubmitSelfCheck(ctx, &pinggu.SelfCheck{CampaignID: c.ID, UnitID: m.ID, Sections: map[string]string{"L1": "重写的第一部分"}})
		}); err != nil {
			t.Fatal(err)
		}
		if err := review(1, pinggu.SelfCheckAccept, ""); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("a review of an old version: %v", err)
		}
		if err := review(2, pinggu.SelfCheckAccept, ""); err != nil {
			t.Fatal(err)
		}
		if err := update(func(tx *store.Tx) error {
			return tx.SubmitSelfCheck(ctx, &pinggu.SelfCheck{CampaignID: c.ID, UnitID: m.ID, Sections: map[string]string{"L1": "又一版"}})
		}); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("after acceptance: %v", err)
		}
		var all []pinggu.SelfCheck
		var stored *store.File
		db.View(ctx, func(tx *store.Tx) (err error) {
			if all, err = tx.SelfChecks(ctx, c.ID, 0); err != nil {
				return err
			}
			stored, err = tx.FileByID(ctx, file.ID)
			return err
		})
		if len(all) != 2 {
			t.Fatalf("%d versions", len(all))
		}
		v1, v2 := all[0], all[1]
		if v1.File == nil || v1.File.ID != file.ID || v1.File.Name != "自查报告.docx" || !v1.File.HasText || v1.Decision != pinggu.SelfCheckReturn ||
			v1.Reason != "问题查摆不深，请重写第二部分" || v1.Quality != "走过场" || v1.DecidedAt.IsZero() || v1.SubmittedAt.IsZero() {
			t.Errorf("version 1: %+v %+v", v1, v1.File)
		}
		if v2.File != nil || v2.Sections["L1"] != "重写的第一部分" || v2.Decision != pinggu.SelfCheckAccept || v2.Reason != "" {
			t.Errorf("version 2: %+v", v2)
		}
		if got := pinggu.SelfCheckStateOf(&v2, true); got != pinggu.SelfCheckAccepted {
			t.Errorf("state %s", got)
		}
		if stored == nil || string(stored.Data) != "PK..." || stored.Text != "一、学习情况" || stored.Stripped[0] != "作者" || stored.UnitID != m.ID {
			t.Errorf("file %+v", stored)
		}
	})
}

// TestHearings: a record with findings and evidence, an edit, a finding
// deleted; the list gives them back as saved.
func TestHearings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		county := mkUnit(t, db, "321002", "广陵区", pinggu.KindCounty, city)
		town := mkUnit(t, db, "321002001", "东关街道", pinggu.KindTownship, county)
		c := newCampaign(t, db, "2026")
		h := &pinggu.Hearing{CampaignID: c.ID, UnitID: county.ID, Kind: pinggu.HearingSymposium, HeldOn: "2026-12-05", Place: "区委会议室",
			Evaluators: "张三、李四", Participants: map[string]int{"党员": 5, "群众": 4}, Summary: "与会同志认为……"}
		var photo pinggu.StoredFile
		err := db.Update(ctx, cli, func(tx *store.Tx) error {
			if err := tx.SaveHearing(ctx, h); err != nil {
				return err
			}
			photo = pinggu.StoredFile{Name: "现场.jpg", Type: pinggu.FileJPEG, SHA256: "x", Received: "y"}
			if err := tx.SaveFile(ctx, c.ID, county.ID, &photo, []byte{0xFF, 0xD8}, ""); err != nil {
				return err
			}
			for _, f := range []pinggu.Finding{
				{HearingID: h.ID, ObjectID: town.ID, Item: "L1.1", Nature: pinggu.FindingAchievement, Text: "集中学习扎实"},
				{HearingID: h.ID, ObjectID: town.ID, Item: "L2.1", Nature: pinggu.FindingProblem, Text: "整改台账不细"},
			} {
				files := []string(nil)
				if f.Nature == pinggu.FindingProblem {
					files = []string{photo.ID}
				}
				if err := tx.AddFinding(ctx, &f, files); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		bad := *h
		bad.ID, bad.Participants, bad.Kind = 0, nil, "party"
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.SaveHearing(ctx, &bad) }); pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("a bad record: %v", err)
		}
		h.Summary, h.Participants["群众"] = "修改后的摘要", 6
		var list []pinggu.Hearing
		err = db.Update(ctx, cli, func(tx *store.Tx) (err error) {
			if err := tx.SaveHearing(ctx, h); err != nil {
				return err
			}
			got, err := tx.Hearing(ctx, h.ID)
			if err != nil {
				return err
			}
			if err := tx.DeleteFinding(ctx, h.ID, got.Findings[0].ID); err != nil {
				return err
			}
			list, err = tx.Hearings(ctx, c.ID, county.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Summary != "修改后的摘要" || list[0].People() != 11 || len(list[0].Findings) != 1 {
			t.Fatalf("list %+v", list)
		}
		f := list[0].Findings[0]
		if f.Nature != pinggu.FindingProblem || f.Item != "L2.1" || len(f.Evidence) != 1 || f.Evidence[0].ID != photo.ID || f.Evidence[0].Name != "现场.jpg" {
			t.Errorf("finding %+v", f)
		}
	})
}
