package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/store"
)

func TestCampaignSettingsThroughTheWeb(t *testing.T) {
	f := newFixture(t)
	res, _ := f.do("admin", "POST", "/campaigns", url.Values{"code": {"2028"}, "name": {"2028年评估"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	var c *pinggu.Campaign
	f.db.View(ctx, func(tx *store.Tx) (err error) { c, err = tx.CampaignByCode(ctx, "2028"); return })
	id := itoa(c.ID)
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for k, x := range formOfCampaign(c) {
			v.Set(k, x)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"rate 0", form("rate.township.pct", "0"), "抽样比例应在 1–100 之间（0）"},
		{"rate 101", form("rate.branch.pct", "101"), "抽样比例应在 1–100 之间（101）"},
		{"rate not a number", form("rate.branch.pct", "十"), "“十”不是整数"},
		{"deadline order", form("deadline.unit_draw", "2026-12-10", "deadline.rosters", "2026-12-09"), "不能早于上一阶段（2026-12-10）的截止日期"},
		{"scores", form("scale.1.score", "100"), "分值必须从高到低"},
	}
	for _, x := range cases {
		res, body := f.do("admin", "POST", "/campaigns/"+id, x.form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, x.want) {
			t.Errorf("%s: %d, want a 422 saying %q", x.name, res.StatusCode, x.want)
		}
		if x.name == "rate not a number" && !strings.Contains(body, `value="十"`) {
			t.Error("the form did not keep what was typed")
		}
	}
	var after *pinggu.Campaign
	f.db.View(ctx, func(tx *store.Tx) (err error) { after, err = tx.Campaign(ctx, c.ID); return })
	if after.Settings.Rates[pinggu.KindTownship].Pct != 30 {
		t.Error("a refused form changed the campaign")
	}
	// Publishing needs deadlines; the page lists what is missing.
	_, body := f.do("admin", "GET", "/campaigns/"+id, nil)
	if !strings.Contains(body, "发布前还需完成") || !strings.Contains(body, "自查报告") {
		t.Error("the campaign page does not say what publishing needs")
	}
	res, _ = f.do("admin", "POST", "/campaigns/"+id, form("deadline.self_report", "2026-12-05", "deadline.unit_draw", "2026-12-08",
		"deadline.rosters", "2026-12-12", "deadline.fieldwork", "2026-12-25", "deadline.reports", "2026-12-31", "rate.branch.pct", "12"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid settings: %d", res.StatusCode)
	}
	if res, _ = f.do("admin", "POST", "/campaigns/"+id+"/advance", url.Values{"to": {"published"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	f.db.View(ctx, func(tx *store.Tx) (err error) { after, err = tx.Campaign(ctx, c.ID); return })
	if after.State != pinggu.StatePublished || after.Settings.Rates[pinggu.KindBranch].Pct != 12 {
		t.Fatalf("after publish: %s %+v", after.State, after.Settings.Rates)
	}
	// The published form shows frozen fields disabled; a crafted post that
	// changes one is refused.
	_, body = f.do("admin", "GET", "/campaigns/"+id+"/edit", nil)
	if !strings.Contains(body, "<fieldset class=\"card\" disabled>") {
		t.Error("frozen settings are not disabled on the form")
	}
	c = after
	res, body = f.do("admin", "POST", "/campaigns/"+id, form("fw.county", "999"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "已发布的评估工作不能修改此项") {
		t.Errorf("changing the framework of a published campaign: %d", res.StatusCode)
	}
	res, _ = f.do("admin", "POST", "/campaigns/"+id, url.Values{"name": {"2028年主题教育评估"}, "deadline.reports": {"2027-01-08"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("renaming and moving a deadline after publish: %d", res.StatusCode)
	}
	// Jumping a state is refused with the reason.
	admin := f.session("admin")
	f.doAs(admin, "POST", "/campaigns/"+id+"/advance", url.Values{"to": {"archived"}})
	_, body = f.doAs(admin, "GET", "/campaigns/"+id, nil)
	if !strings.Contains(body, "逐步推进") {
		t.Error("an illegal transition gave no reason")
	}
}

func TestFrameworkEditor(t *testing.T) {
	f := newFixture(t)
	var fw *pinggu.Framework
	f.db.View(ctx, func(tx *store.Tx) (err error) { fw, err = tx.FrameworkByCode(ctx, "branch"); return })
	id := itoa(fw.ID)
	edit := func(v int, kv ...string) (*http.Response, string) {
		form := url.Values{"version": {itoa(int64(v))}}
		for i := 0; i+1 < len(kv); i += 2 {
			form.Set(kv[i], kv[i+1])
		}
		return f.do("admin", "POST", "/frameworks/"+id+"/edit", form)
	}
	res, _ := edit(1, "op", "add_item", "dim", "B2", "code", "B2.4", "text", "是否开展“三会一课”", "question", "支部落实“三会一课”制度的情况怎么样？")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add item: %d", res.StatusCode)
	}
	edit(2, "op", "item_up", "dim", "B2", "item", "B2.4")
	edit(3, "op", "retire_item", "dim", "B1", "item", "B1.3")
	f.db.View(ctx, func(tx *store.Tx) (err error) { fw, err = tx.Framework(ctx, fw.ID); return })
	if fw.Version != 4 || fw.Dimensions[1].Items[2].Code != "B2.4" || !fw.Dimensions[0].Items[2].Retired {
		t.Errorf("after three edits: v%d %+v", fw.Version, fw.Dimensions[1].Items)
	}
	// Dimensions move and rename; then back, so later steps read as before.
	edit(4, "op", "dimension_down", "dim", "B1")
	edit(5, "op", "edit_dimension", "dim", "B1", "name", "理论学习")
	f.db.View(ctx, func(tx *store.Tx) (err error) { fw, err = tx.Framework(ctx, fw.ID); return })
	if fw.Dimensions[1].Code != "B1" || fw.Dimensions[1].Name != "理论学习" {
		t.Errorf("dimension move and rename: %+v", fw.Dimensions[1].Name)
	}
	edit(6, "op", "dimension_up", "dim", "B1")
	edit(7, "op", "edit_dimension", "dim", "B1", "name", "学习教育")
	// A stale page is refused rather than merged.
	edit(2, "op", "retire_item", "dim", "B1", "item", "B1.1")
	f.db.View(ctx, func(tx *store.Tx) (err error) { fw, err = tx.Framework(ctx, fw.ID); return })
	if fw.Version != 8 {
		t.Errorf("an edit of a stale version was saved: v%d", fw.Version)
	}
	// Retiring every item of a dimension would leave it empty: refused.
	edit(8, "op", "retire_item", "dim", "B1", "item", "B1.1")
	res, body := edit(9, "op", "retire_item", "dim", "B1", "item", "B1.2")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "维度“学习教育”没有启用的条目") {
		t.Errorf("emptying a dimension: %d", res.StatusCode)
	}
	res, body = edit(9, "op", "save_item", "dim", "B2", "item", "B2.1", "code", "B2.2", "text", "x", "question", "x？")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "条目编码 B2.2 重复") {
		t.Errorf("duplicate code: %d", res.StatusCode)
	}
	// Export and import round-trip as a new version.
	res, body = f.do("admin", "GET", "/frameworks/"+id+"/export?format=json", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"B2.4"`) {
		t.Fatalf("export: %d", res.StatusCode)
	}
	res, _ = uploadTo(t, f, "/frameworks/import", "branch.json", body)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("import: %d", res.StatusCode)
	}
	f.db.View(ctx, func(tx *store.Tx) (err error) { fw, err = tx.Framework(ctx, fw.ID); return })
	if fw.Version != 10 {
		t.Errorf("import made version %d, want 10", fw.Version)
	}
}

func uploadTo(t *testing.T, f *fixture, path, name, content string) (*http.Response, string) {
	var buf bytes.Buffer
	mw := multipartWriter(&buf, name, content)
	r := httptest.NewRequest("POST", path, &buf)
	r.Header.Set("Content-Type", mw)
	r.AddCookie(f.session("admin"))
	return f.send(r)
}

func TestGroupsAndDeadlinesByRole(t *testing.T) {
	f := newFixture(t)
	cid := itoa(f.campaigns["published"].ID)
	res, body := f.do("admin", "POST", "/campaigns/"+cid+"/groups", url.Values{"name": {"第二评估组"}, "units": {itoa(f.units["321002"].ID), itoa(f.units["321003"].ID)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "广陵区已分配给“第一评估组”") {
		t.Errorf("a county in two groups: %d", res.StatusCode)
	}
	_, body = f.do("admin", "GET", "/campaigns/"+cid, nil)
	if !strings.Contains(body, "尚有 2 个评估对象未分配评估组") {
		t.Error("unassigned units are not flagged")
	}
	rows := func(login string) []string {
		_, body := f.do(login, "GET", "/api/v1/campaigns/"+cid+"/deadlines", nil)
		var out struct {
			Units []struct{ Unit string } `json:"units"`
		}
		json.Unmarshal([]byte(body), &out)
		var names []string
		for _, u := range out.Units {
			names = append(names, u.Unit)
		}
		return names
	}
	for login, want := range map[string]string{"admin": "广陵区 邗江区 市委办公室", "viewer": "广陵区 邗江区 市委办公室",
		"evaluator": "广陵区", "liaison": "东关街道"} {
		if got := strings.Join(rows(login), " "); got != want {
			t.Errorf("%s sees %q on the board, want %q", login, got, want)
		}
	}
	_, body = f.do("evaluator", "GET", "/campaigns/"+cid+"/deadlines", nil)
	if !strings.Contains(body, "还有") && !strings.Contains(body, "已逾期") {
		t.Error("the board shows no standing")
	}
}

// TestSetupRefusedForScopedRoles: a liaison or evaluator trying any setup
// action through the API, with a valid token, is refused and nothing changes.
func TestSetupRefusedForScopedRoles(t *testing.T) {
	f := newFixture(t)
	cid := itoa(f.campaigns["draft"].ID)
	for _, login := range []string{"liaison", "evaluator"} {
		secret, hash := auth.NewToken()
		f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error {
			_, err := tx.CreateToken(ctx, f.users[login].ID, "t", hash, 0)
			return err
		})
		for _, req := range []struct{ path, body string }{
			{"/api/v1/campaigns", `{"code":"x","name":"x"}`},
			{"/api/v1/campaigns/" + cid, `{"name":"改"}`},
			{"/api/v1/campaigns/" + cid + "/advance", `{"to":"published"}`},
			{"/api/v1/campaigns/" + cid + "/groups", `{"name":"自建组"}`},
			{"/api/v1/frameworks", `{"code":"x"}`},
		} {
			r := httptest.NewRequest("POST", req.path, strings.NewReader(req.body))
			r.Header.Set("Authorization", "Bearer "+secret)
			r.Header.Set("Content-Type", "application/json")
			res, body := f.send(r)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, `"forbidden"`) {
				t.Errorf("%s POST %s: %d %s", login, req.path, res.StatusCode, body)
			}
		}
	}
	var c *pinggu.Campaign
	f.db.View(ctx, func(tx *store.Tx) (err error) { c, err = tx.Campaign(ctx, f.campaigns["draft"].ID); return })
	if c.Name != "draft 评估" || c.State != pinggu.StateDraft {
		t.Error("a refused request changed the campaign")
	}
	// The admin may, through the same API.
	secret, hash := auth.NewToken()
	f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error {
		_, err := tx.CreateToken(ctx, f.users["admin"].ID, "t", hash, 0)
		return err
	})
	r := httptest.NewRequest("POST", "/api/v1/campaigns/"+cid+"/groups", strings.NewReader(`{"name":"第一评估组","leader":"evaluator","units":["321003"]}`))
	r.Header.Set("Authorization", "Bearer "+secret)
	if res, body := f.send(r); res.StatusCode != http.StatusCreated {
		t.Errorf("admin creates a group by API: %d %s", res.StatusCode, body)
	}
	r = httptest.NewRequest("POST", "/api/v1/campaigns/"+cid+"/groups/"+itoa(f.group.ID), strings.NewReader(`{"units":["321003"]}`))
	r.Header.Set("Authorization", "Bearer "+secret)
	if res, body := f.send(r); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "另一项评估工作") {
		t.Errorf("assigning to a group of another campaign: %d %s", res.StatusCode, body)
	}
}
