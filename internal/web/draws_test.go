package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

func TestCeremonyThroughTheWeb(t *testing.T) {
	f := newFixture(t)
	cid := itoa(f.campaigns["published"].ID)
	// The fixture already drew "published-units": the frames are final.
	res, body := f.do("admin", "POST", "/campaigns/"+cid+"/frames/freeze", url.Values{})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "抽样框已定稿") {
		t.Errorf("refreeze after the draw: %d", res.StatusCode)
	}
	res, body = f.do("admin", "POST", "/campaigns/"+cid+"/draws", url.Values{"seed": {"1234 5678 9012 3456 789"}, "label": {"second"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "至少 20 位数字") {
		t.Errorf("19-digit seed: %d", res.StatusCode)
	}
	// No second unit draw, whatever the label or seed.
	for _, label := range []string{"published-units", "published-units-2"} {
		res, body = f.do("admin", "POST", "/campaigns/"+cid+"/draws", url.Values{"seed": {"99999999998888888888"}, "label": {label}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不能重新抽取") {
			t.Errorf("second unit draw %s: %d", label, res.StatusCode)
		}
	}
	// The record page, and its JSON, which verifies against the frames zip.
	_, body = f.do("viewer", "GET", "/campaigns/"+cid+"/draws/"+itoa(f.draw), nil)
	if !strings.Contains(body, "12345678901234567890") || !strings.Contains(body, "321002/township") || !strings.Contains(body, "抽中") {
		t.Error("the record page lacks the seed, a stratum or the selection")
	}
	_, js := f.do("viewer", "GET", "/campaigns/"+cid+"/draws/"+itoa(f.draw)+"?format=json", nil)
	var rec sampling.Record
	if err := json.Unmarshal([]byte(js), &rec); err != nil {
		t.Fatal(err)
	}
	var frames []store.Frame
	f.db.View(ctx, func(tx *store.Tx) (err error) { frames, err = tx.Frames(ctx, f.campaigns["published"].ID); return })
	files := map[string][]byte{}
	for _, fr := range frames {
		files[fr.Stratum] = fr.CSV
	}
	if m := sampling.Verify(&rec, files); m != nil {
		t.Errorf("the downloaded record does not verify: %v", m)
	}
	res, xlsx := f.do("viewer", "GET", "/campaigns/"+cid+"/draws/"+itoa(f.draw)+"?format=xlsx", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(xlsx, "PK") {
		t.Errorf("xlsx: %d", res.StatusCode)
	}
	res, zip := f.do("viewer", "GET", "/campaigns/"+cid+"/frames.zip", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(zip, "PK") {
		t.Errorf("frames zip for the viewer: %d", res.StatusCode)
	}
	// A liaison supplies its unit's roster and has no business with the
	// city's frames, the draws or their records (issue 11: a liaison with
	// 8 units in scope downloaded all 906 units and the respondent draw).
	for _, p := range []string{"/frames.zip", "/draws", "/draws/" + itoa(f.draw), "/draws/" + itoa(f.draw) + "?format=json", "/draws/" + itoa(f.draw) + "?format=xlsx"} {
		if res, _ := f.do("liaison", "GET", "/campaigns/"+cid+p, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison GET %s: %d", p, res.StatusCode)
		}
	}
	// An evaluator sees its assignment only (广陵区, 321002): its county's
	// strata of the record, which still verify, and their frames.
	_, js = f.do("evaluator", "GET", "/campaigns/"+cid+"/draws/"+itoa(f.draw)+"?format=json", nil)
	var mine sampling.Record
	if err := json.Unmarshal([]byte(js), &mine); err != nil {
		t.Fatal(err)
	}
	if len(mine.Strata) == 0 || len(mine.Strata) >= len(rec.Strata) {
		t.Errorf("the evaluator's record has %d of %d strata", len(mine.Strata), len(rec.Strata))
	}
	for _, st := range mine.Strata {
		if !strings.HasPrefix(st.Stratum, "321002/") {
			t.Errorf("the evaluator of 321002 sees stratum %s", st.Stratum)
		}
	}
	if m := sampling.Verify(&mine, files); m != nil {
		t.Errorf("the evaluator's record does not verify: %v", m)
	}
	_, page := f.do("evaluator", "GET", "/campaigns/"+cid+"/draws/"+itoa(f.draw), nil)
	if !strings.Contains(page, "321002/township") || strings.Contains(page, "321003/") {
		t.Error("the evaluator's record page shows strata beyond its assignment")
	}
	_, zipMine := f.do("evaluator", "GET", "/campaigns/"+cid+"/frames.zip", nil)
	if !strings.Contains(zipMine, "321002/") || strings.Contains(zipMine, "321003/") || !strings.Contains(zip, "321003/") {
		t.Error("the evaluator's frames zip holds frames beyond its assignment")
	}
	// Groups: the office sees every group, an evaluator its own, a liaison
	// none — on the campaign page and in the API.
	for login, want := range map[string]bool{"admin": true, "evaluator": true, "liaison": false} {
		_, page := f.do(login, "GET", "/campaigns/"+cid, nil)
		_, api := f.do(login, "GET", "/api/v1/campaigns/"+cid, nil)
		if strings.Contains(page, f.group.Name) != want || strings.Contains(api, f.group.Name) != want {
			t.Errorf("%s sees the group: page %v, API %v; want %v", login, strings.Contains(page, f.group.Name), strings.Contains(api, f.group.Name), want)
		}
	}
}

// TestNoRedraw: a re-draw is refused from the web and the API; a mistaken
// draw is voided by the admin with a reason before any code is issued,
// stays on the public record with its void, and only then may the draw be
// made again, with a fresh seed. Once codes are issued no void is possible.
func TestNoRedraw(t *testing.T) {
	f := newFixture(t)
	cp := f.campaigns["published"]
	cid := itoa(cp.ID)
	tokens := map[string]string{}
	for _, login := range []string{"admin", "evaluator"} {
		secret, hash := auth.NewToken()
		f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error {
			_, err := tx.CreateToken(ctx, f.users[login].ID, "test", hash, 0)
			return err
		})
		tokens[login] = secret
	}
	api := func(login, method, path, body string) (int, string) {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tokens[login])
		r.Header.Set("Content-Type", "application/json")
		res, out := f.send(r)
		return res.StatusCode, out
	}
	if code, body := api("admin", "POST", "/api/v1/campaigns/"+cid+"/draws", `{"kind": "units", "seed": "55555555556666666666", "label": "api-units"}`); code != http.StatusConflict || !strings.Contains(body, "不能重新抽取") {
		t.Errorf("API second unit draw: %d %s", code, body)
	}
	// Voiding needs a reason and the admin.
	path := "/campaigns/" + cid + "/draws/" + itoa(f.draw)
	if code, _ := api("evaluator", "POST", "/api/v1"+path+"/void", `{"reason": "x"}`); code != http.StatusForbidden {
		t.Errorf("an evaluator voids: %d", code)
	}
	if code, body := api("admin", "POST", "/api/v1"+path+"/void", `{"reason": " "}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, "不能为空") {
		t.Errorf("void without a reason: %d %s", code, body)
	}
	res, _ := f.do("admin", "POST", path+"/void", url.Values{"reason": {"抽样比例录入错误"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("void from the web: %d", res.StatusCode)
	}
	_, page := f.do("viewer", "GET", path, nil)
	if !strings.Contains(page, "已作废") || !strings.Contains(page, "抽样比例录入错误") {
		t.Error("the record page does not show the void")
	}
	_, js := f.do("viewer", "GET", path+"?format=json", nil)
	var rec sampling.Record
	if err := json.Unmarshal([]byte(js), &rec); err != nil || rec.Voided == nil || rec.Voided.Reason != "抽样比例录入错误" || rec.Voided.By != "admin" {
		t.Errorf("the JSON record's void: %+v %v", rec.Voided, err)
	}
	var audit []pinggu.AuditEntry
	f.db.View(ctx, func(tx *store.Tx) (err error) {
		audit, err = tx.AuditEntries(ctx, store.AuditFilter{ObjectType: "draw", ObjectID: itoa(f.draw)})
		return
	})
	if len(audit) == 0 || audit[0].Action != "draw.void" {
		t.Errorf("the void is not audited: %+v", audit)
	}
	// The voided seed cannot be rolled again; a fresh one draws.
	if code, body := api("admin", "POST", "/api/v1/campaigns/"+cid+"/draws", `{"kind": "units", "seed": "12345678901234567890", "label": "api-units"}`); code != http.StatusConflict || !strings.Contains(body, "该种子已用于") {
		t.Errorf("voided seed again: %d %s", code, body)
	}
	code, body := api("admin", "POST", "/api/v1/campaigns/"+cid+"/draws", `{"kind": "units", "seed": "55555555556666666666", "label": "api-units"}`)
	if code != http.StatusCreated {
		t.Fatalf("draw after the void: %d %s", code, body)
	}
	// Codes issued: the new draw can no longer be voided.
	f.db.Update(ctx, store.Actor{Login: "test"}, func(tx *store.Tx) error {
		return tx.IssueCodes(ctx, cp.ID, f.units["branch-321002001"].ID, "党员", "b1", []string{"hash-1"})
	})
	var draws []store.DrawInfo
	f.db.View(ctx, func(tx *store.Tx) (err error) { draws, err = tx.Draws(ctx, cp.ID); return })
	last := draws[len(draws)-1]
	if code, body := api("admin", "POST", "/api/v1/campaigns/"+cid+"/draws/"+itoa(last.ID)+"/void", `{"reason": "再试一次"}`); code != http.StatusConflict || !strings.Contains(body, "已据此发放 1 个测评码") {
		t.Errorf("void after codes: %d %s", code, body)
	}
}
