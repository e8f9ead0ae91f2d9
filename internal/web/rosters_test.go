package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

func TestRosterThroughTheWeb(t *testing.T) {
	f := newFixture(t)
	cid := itoa(f.campaigns["published"].ID)
	own, other := itoa(f.units["321002001"].ID), itoa(f.units["321003001"].ID)
	var rows []string
	for i := 0; i < 300; i++ { // 东关街道 has a headcount of 300
		rows = append(rows, fmt.Sprintf("王%d,138%08d,党员,", i, i))
	}
	file := "姓名,手机号,类别,备注\n" + strings.Join(rows, "\n") + "\n"
	post := func(login, path, name, content string) (*http.Response, string) {
		var buf bytes.Buffer
		ct := multipartWriter(&buf, name, content)
		r := httptest.NewRequest("POST", path, &buf)
		r.Header.Set("Content-Type", ct)
		r.AddCookie(f.session(login))
		return f.send(r)
	}
	// A liaison uploading for another unit is refused, as not found.
	res, _ := post("liaison", "/campaigns/"+cid+"/units/"+other+"/roster", "r.csv", file)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("liaison upload for another unit: %d", res.StatusCode)
	}
	// Three bad phone numbers: each named with its row; nothing is stored.
	bad := strings.Replace(strings.Replace(strings.Replace(file, "13800000001", "1380000001", 1), "13800000002", "12800000002", 1), "13800000003", "138000000031", 1)
	res, body := post("liaison", "/campaigns/"+cid+"/units/"+own+"/roster", "r.csv", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || strings.Count(body, "“手机号”列") != 3 {
		t.Errorf("three bad phones: %d, %d located problems", res.StatusCode, strings.Count(body, "“手机号”列"))
	}
	// A good file: a masked preview, then saved on confirmation.
	liaison := f.session("liaison")
	var buf bytes.Buffer
	ct := multipartWriter(&buf, "r.csv", file)
	r := httptest.NewRequest("POST", "/campaigns/"+cid+"/units/"+own+"/roster", &buf)
	r.Header.Set("Content-Type", ct)
	r.AddCookie(liaison)
	res, body = f.send(r)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "138****0007") || strings.Contains(body, "13800000007") {
		t.Fatalf("preview: %d, masked %v", res.StatusCode, strings.Contains(body, "138****0007"))
	}
	i := strings.Index(body, `name="upload" value="`)
	id := body[i+len(`name="upload" value="`):]
	id = id[:strings.Index(id, `"`)]
	res, _ = f.doAs(liaison, "POST", "/campaigns/"+cid+"/units/"+own+"/roster/confirm", url.Values{"upload": {id}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	// The group's evaluator freezes it; then the liaison cannot replace it.
	res, _ = f.do("evaluator", "POST", "/campaigns/"+cid+"/units/"+own+"/roster/freeze", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("freeze: %d", res.StatusCode)
	}
	res, body = post("liaison", "/campaigns/"+cid+"/units/"+own+"/roster", "r.csv", file)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "名单已冻结") {
		t.Errorf("upload after freeze: %d", res.StatusCode)
	}
	var rs *pinggu.Roster
	f.db.View(ctx, func(tx *store.Tx) (err error) {
		rs, err = tx.Roster(ctx, f.campaigns["published"].ID, f.units["321002001"].ID, true)
		return
	})
	if rs.State != pinggu.RosterFrozen || rs.Size != 300 || rs.People[0].ID != "321002001-0001" {
		t.Errorf("roster = %s %d %q", rs.State, rs.Size, rs.People[0].ID)
	}
	// Every page shows phones masked.
	for _, login := range []string{"admin", "evaluator", "liaison"} {
		_, body := f.do(login, "GET", "/campaigns/"+cid+"/units/"+own+"/roster", nil)
		if strings.Contains(body, "13800000007") || !strings.Contains(body, "138****0007") {
			t.Errorf("%s sees an unmasked phone", login)
		}
	}
	if res, _ := f.do("viewer", "GET", "/campaigns/"+cid+"/units/"+own+"/roster", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer opened a roster: %d", res.StatusCode)
	}

	// The second ceremony, then the call page: full phones for the group
	// only, every view audited; a non-response releases the next in order.
	res, _ = f.do("admin", "POST", "/campaigns/"+cid+"/draws", url.Values{"kind": {"respondents"}, "seed": {"11223344556677889900"}, "label": {"resp"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("respondent draw: %d", res.StatusCode)
	}
	var did int64
	var rec *sampling.Record
	f.db.View(ctx, func(tx *store.Tx) error {
		ds, _ := tx.Draws(ctx, f.campaigns["published"].ID)
		did = ds[len(ds)-1].ID
		_, rec, _ = tx.DrawRecord(ctx, did)
		return nil
	})
	st := rec.Strata[0]
	// 广陵区's 100 completes all from 东关街道, drawn at 85 %: ceil(10000/85) = 118.
	if st.Stratum != "321002001" || st.K != 118 {
		t.Fatalf("respondent stratum = %s k=%d, want 321002001 k=118", st.Stratum, st.K)
	}
	// Fieldwork: 东关街道 has codes and no completes yet, so the progress
	// board shows its alloc-v2 target of 100 short and offers its reserves.
	f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error {
		return tx.IssueCodes(ctx, f.campaigns["published"].ID, f.units["321002001"].ID, "党员", "b", []string{"h-1", "h-2"})
	})
	_, board := f.do("evaluator", "GET", "/campaigns/"+cid+"/progress", nil)
	if !strings.Contains(board, `<td class="num">100</td>`) || !strings.Contains(board, "/draws/"+itoa(did)+"/units/"+own+"/call") {
		t.Error("the progress board does not show 东关街道's target of 100 and its reserves")
	}
	call := "/campaigns/" + cid + "/draws/" + itoa(did) + "/units/" + own
	if res, _ := f.do("liaison", "GET", call+"/call", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("the liaison opened the call list: %d", res.StatusCode)
	}
	audits := func() int {
		n := 0
		f.db.View(ctx, func(tx *store.Tx) error {
			es, _ := tx.AuditEntries(ctx, store.AuditFilter{Limit: 10000})
			for _, e := range es {
				if e.Action == "personal.view" {
					n++
				}
			}
			return nil
		})
		return n
	}
	before := audits()
	evaluator := f.session("evaluator")
	_, body = f.doAs(evaluator, "GET", call+"/call", nil)
	first := st.Order[0]
	if !strings.Contains(body, first.ID) || strings.Contains(body, "tel:") || !strings.Contains(body, "138****") || audits() != before+1 {
		t.Errorf("call page: has %s, numbers masked %v, audited %d", first.ID, !strings.Contains(body, "tel:"), audits()-before)
	}
	// One number shown on request, and the showing audited.
	res, body = f.doAs(evaluator, "POST", call+"/reveal", url.Values{"stratum": {st.Stratum}, "id": {first.ID}})
	if res.StatusCode != 200 || strings.Count(body, "tel:138") != 1 {
		t.Errorf("reveal: %d, %d numbers shown", res.StatusCode, strings.Count(body, "tel:138"))
	}
	var reveals []pinggu.AuditEntry
	f.db.View(ctx, func(tx *store.Tx) error {
		es, err := tx.AuditEntries(ctx, store.AuditFilter{Limit: 10000})
		for _, e := range es {
			if e.Action == pinggu.ActionPhoneReveal {
				reveals = append(reveals, e)
			}
		}
		return err
	})
	if len(reveals) != 1 || !strings.Contains(string(reveals[0].After), first.ID) || reveals[0].Actor != "evaluator" {
		t.Errorf("reveal audit: %+v", reveals)
	}
	// Three unanswered calls on one day do not yet make a non-response
	// (S3a.5 asks for two days); a refusal does, and releases the next.
	for range 3 {
		if res, _ := f.doAs(evaluator, "POST", call+"/attempt", url.Values{"stratum": {st.Stratum}, "id": {first.ID}, "outcome": {"no_answer"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("attempt: %d", res.StatusCode)
		}
	}
	f.db.View(ctx, func(tx *store.Tx) error { _, rec, _ = tx.DrawRecord(ctx, did); return nil })
	if got := rec.Strata[0].Order[0].Status; got != "selected" {
		t.Errorf("after three calls on one day: %s", got)
	}
	res, _ = f.doAs(evaluator, "POST", call+"/attempt", url.Values{"stratum": {st.Stratum}, "id": {first.ID}, "outcome": {"refused"}, "note": {"本人表示不愿参加"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("refusal: %d", res.StatusCode)
	}
	f.db.View(ctx, func(tx *store.Tx) error { _, rec, _ = tx.DrawRecord(ctx, did); return nil })
	if got := rec.Strata[0].Order; got[0].Status != "non_response:refused" || got[st.K].Status != "released" {
		t.Errorf("after the refusal: %s / %s", got[0].Status, got[st.K].Status)
	}
	if res, _ := f.doAs(evaluator, "POST", call+"/attempt", url.Values{"stratum": {st.Stratum}, "id": {first.ID}, "outcome": {"answered"}}); res.StatusCode != 422 {
		t.Errorf("a call to a replaced person: %d", res.StatusCode)
	}
	// The protocol's other reasons stay at hand for what a call does not show.
	second := rec.Strata[0].Order[1]
	res, _ = f.doAs(evaluator, "POST", call+"/replace", url.Values{"stratum": {st.Stratum}, "id": {second.ID}, "reason": {"ineligible_deceased"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("replace: %d", res.StatusCode)
	}
	f.db.View(ctx, func(tx *store.Tx) error { _, rec, _ = tx.DrawRecord(ctx, did); return nil })
	if got := rec.Strata[0].Order; got[1].Status != "non_response:ineligible_deceased" || got[st.K+1].Status != "released" {
		t.Errorf("after replacement: %s / %s", got[1].Status, got[st.K+1].Status)
	}

	// A symposium: 5 members drawn by the group with a fresh seed.
	res, _ = f.doAs(evaluator, "POST", "/campaigns/"+cid+"/units/"+own+"/interviewees",
		url.Values{"quota.党员": {"5"}, "seed": {"31313131313131313131"}, "label": {"symposium-1"}, "occasion": {"3 月 5 日座谈会"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("symposium draw: %d", res.StatusCode)
	}
	f.db.View(ctx, func(tx *store.Tx) error {
		ds, _ := tx.Draws(ctx, f.campaigns["published"].ID)
		_, rec, _ = tx.DrawRecord(ctx, ds[len(ds)-1].ID)
		return nil
	})
	if rec.Strata[0].Stratum != "321002001/党员" || rec.Strata[0].K != 5 {
		t.Errorf("symposium stratum = %s k=%d", rec.Strata[0].Stratum, rec.Strata[0].K)
	}
}
