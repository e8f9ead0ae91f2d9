package store_test

import (
	"testing"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// TestDrawsAndRosters runs the draw and roster storage on both engines.
func TestDrawsAndRosters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		m1 := mkUnit(t, db, "M001", "市委办公室", pinggu.KindMunicipalUnit, city)
		c := newCampaign(t, db, "2026")
		frame := sampling.CanonicalCSV([]sampling.FrameRow{{ID: "M001", Name: "市委办公室"}})
		frames := []store.Frame{{Stratum: "3210/municipal_unit", Kind: pinggu.KindMunicipalUnit, CSV: frame, SHA256: sampling.Hash(frame), N: 1}}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.ReplaceFrames(ctx, c.ID, frames) }); err != nil {
			t.Fatal(err)
		}
		rec, err := sampling.Draw("12345678901234567890", "2026-units", 1, []sampling.Stratum{{Label: "3210/municipal_unit", Frame: frame, Rule: "all"}})
		if err != nil {
			t.Fatal(err)
		}
		var unitDraw int64
		if err := db.Update(ctx, cli, func(tx *store.Tx) (err error) { unitDraw, err = tx.SaveDraw(ctx, c.ID, "units", rec); return }); err != nil {
			t.Fatal(err)
		}
		if _, err := saveDraw(db, c.ID, rec); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("reused label: %v", err)
		}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.ReplaceFrames(ctx, c.ID, frames) }); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("refreeze after the draw: %v", err)
		}
		db.View(ctx, func(tx *store.Tx) error {
			got, err := tx.SampledUnits(ctx, c.ID)
			if err != nil || !got["M001"] {
				t.Errorf("sampled = %v %v", got, err)
			}
			_, back, err := tx.DrawRecord(ctx, unitDraw)
			if err != nil || sampling.Verify(back, map[string][]byte{"3210/municipal_unit": frame}) != nil {
				t.Errorf("stored record does not verify: %v", err)
			}
			return nil
		})

		// A roster: saved, frozen, drawn from, replaced, purged.
		people := []pinggu.Person{}
		for i := 1; i <= 6; i++ {
			people = append(people, pinggu.Person{Row: i + 1, Name: "人" + string(rune('0'+i)), Phone: "1380000000" + string(rune('0'+i)), Category: "党员"})
		}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.SaveRoster(ctx, c.ID, m1.ID, people) }); err != nil {
			t.Fatal(err)
		}
		var r *pinggu.Roster
		db.View(ctx, func(tx *store.Tx) (err error) { r, err = tx.Roster(ctx, c.ID, m1.ID, true); return })
		rows := []sampling.FrameRow{}
		for i := range r.People {
			r.People[i].ID = "M001-000" + string(rune('1'+i))
			rows = append(rows, sampling.FrameRow{ID: r.People[i].ID, Name: "党员"})
		}
		rf := sampling.CanonicalCSV(rows)
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.FreezeRoster(ctx, r, rf, sampling.Hash(rf)) }); err != nil {
			t.Fatal(err)
		}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.SaveRoster(ctx, c.ID, m1.ID, people) }); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("upload after freeze: %v", err)
		}
		resp, _ := sampling.Draw("99999999999999999999", "2026-resp", 1, []sampling.Stratum{{Label: "M001", Frame: rf, Rule: "quota", K: 3}})
		respID, err := saveDraw(db, c.ID, resp)
		if err != nil {
			t.Fatal(err)
		}
		first, fourth := resp.Strata[0].Order[0].ID, resp.Strata[0].Order[3].ID
		var next string
		if err := db.Update(ctx, cli, func(tx *store.Tx) (err error) {
			next, err = tx.Replace(ctx, respID, "M001", first, "refused", "")
			return
		}); err != nil || next != fourth {
			t.Errorf("replacement released %q (%v), want %q", next, err, fourth)
		}
		db.View(ctx, func(tx *store.Tx) error {
			_, back, _ := tx.DrawRecord(ctx, respID)
			if m := sampling.Verify(back, map[string][]byte{"M001": rf}); m != nil || back.Strata[0].Order[0].Status != "non_response:refused" {
				t.Errorf("after replacement: %v %s", m, back.Strata[0].Order[0].Status)
			}
			// RR1: the invited are the 3 drawn and the released one, the
			// replaced non-response included.
			if got, err := tx.RespondentSamples(ctx, c.ID); err != nil || got["M001"] != 4 {
				t.Errorf("invited %v (%v), want 4", got, err)
			}
			return nil
		})
		var purged int
		if err := db.Update(ctx, cli, func(tx *store.Tx) (err error) { purged, err = tx.PurgeRosters(ctx, c.ID); return }); err != nil || purged != 6 {
			t.Errorf("purge: %d %v", purged, err)
		}
		db.View(ctx, func(tx *store.Tx) error {
			r, _ := tx.Roster(ctx, c.ID, m1.ID, true)
			if r.State != pinggu.RosterPurged || r.People[0].Name != "" || r.People[0].ID == "" || r.SHA256 == "" {
				t.Errorf("after purge: %+v", r.People[0])
			}
			return nil
		})
	})
}

func saveDraw(db *store.DB, campaign int64, rec *sampling.Record) (int64, error) {
	var id int64
	err := db.Update(ctx, cli, func(tx *store.Tx) (err error) { id, err = tx.SaveDraw(ctx, campaign, "respondents", rec); return })
	return id, err
}
