package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/store"
)

func TestLoginLogoutAndLockout(t *testing.T) {
	f := newFixture(t)
	// Wrong password: 401, a message, no session.
	res, body := f.do("", "POST", "/login", url.Values{"login": {"admin"}, "password": {"wrong password"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "登录名或密码不正确") {
		t.Fatalf("wrong password: %d %.300s", res.StatusCode, body)
	}
	// Right password: a session cookie and a redirect to next.
	res, _ = f.do("", "POST", "/login", url.Values{"login": {"Admin "}, "password": {testPassword}, "next": {"/units"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/units" {
		t.Fatalf("login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "pinggu_session" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", cookie)
	}
	r := httptest.NewRequest("GET", "/units", nil)
	r.AddCookie(cookie)
	if res, _ := f.send(r); res.StatusCode != http.StatusOK {
		t.Fatalf("after login: %d", res.StatusCode)
	}
	// Logout ends the session server-side: the old cookie no longer works.
	r = httptest.NewRequest("POST", "/logout", nil)
	r.AddCookie(cookie)
	f.send(r)
	r = httptest.NewRequest("GET", "/units", nil)
	r.AddCookie(cookie)
	if res, _ := f.send(r); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("after logout: %d", res.StatusCode)
	}
	// An open redirect through next is refused.
	res, _ = f.do("", "POST", "/login", url.Values{"login": {"admin"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if res.Header.Get("Location") != "/" {
		t.Errorf("next=//evil.example/ redirected to %q", res.Header.Get("Location"))
	}
	// Wrong passwords lock nothing: after five, an unknown login and a
	// known one get the same answer, and the right password still works.
	for _, b := range []*auth.Backoff{f.s.auth.Pairs, f.s.auth.Sources, f.s.auth.Accounts} {
		b.Sleep = func(context.Context, time.Duration) error { return nil }
	}
	for range 5 {
		f.do("", "POST", "/login", url.Values{"login": {"viewer"}, "password": {"nope nope nope"}})
	}
	_, known := f.do("", "POST", "/login", url.Values{"login": {"viewer"}, "password": {"nope nope nope"}})
	_, unknown := f.do("", "POST", "/login", url.Values{"login": {"viewer-x"}, "password": {"nope nope nope"}})
	if !strings.Contains(known, "登录名或密码不正确") || strings.Contains(known, "锁定") || !strings.Contains(unknown, "登录名或密码不正确") {
		t.Errorf("answers differ or speak of a lock: %.300s / %.300s", known, unknown)
	}
	res, _ = f.do("", "POST", "/login", url.Values{"login": {"viewer"}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("the right password after wrong ones: %d", res.StatusCode)
	}
}

func TestClientThrottle(t *testing.T) {
	l := auth.NewLimiter(3, time.Minute)
	for i := 0; i < 3; i++ {
		if !l.Allow("10.0.0.1") {
			t.Fatalf("attempt %d refused", i)
		}
		l.Fail("10.0.0.1")
	}
	if l.Allow("10.0.0.1") {
		t.Error("fourth attempt allowed")
	}
	if !l.Allow("10.0.0.2") {
		t.Error("another address was throttled")
	}
}

func TestDisableAndRoleChangeEndSessions(t *testing.T) {
	f := newFixture(t)
	cookie := f.session("evaluator")
	get := func() int {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(cookie)
		res, _ := f.send(r)
		return res.StatusCode
	}
	if get() != http.StatusOK {
		t.Fatal("session does not work")
	}
	u := *f.users["evaluator"]
	u.Disabled = true
	if err := f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error { return tx.UpdateUser(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	if get() != http.StatusSeeOther {
		t.Error("a disabled account's session still works")
	}
	// Re-enabled, the old session stays dead.
	u.Disabled = false
	f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error { return tx.UpdateUser(ctx, &u) })
	if get() != http.StatusSeeOther {
		t.Error("the old session came back after re-enabling")
	}
}

func TestIdleTimeout(t *testing.T) {
	f := newFixture(t)
	s, err := New(f.db, slog.New(slog.DiscardHandler), Config{IdleTimeout: time.Second, Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f.s = s
	cookie := f.session("admin")
	time.Sleep(1500 * time.Millisecond)
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(cookie)
	if res, _ := f.send(r); res.StatusCode != http.StatusSeeOther {
		t.Errorf("idle session still valid: %d", res.StatusCode)
	}
}

func TestSecurityHeadersAndCrossOrigin(t *testing.T) {
	f := newFixture(t)
	res, _ := f.do("", "GET", "/login", nil)
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	r := httptest.NewRequest("POST", "/units", strings.NewReader("name=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.AddCookie(f.session("admin"))
	if res, _ := f.send(r); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", res.StatusCode)
	}
	r = httptest.NewRequest("POST", "/units", strings.NewReader("name=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(f.session("admin"))
	if res, _ := f.send(r); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("same-origin POST: %d, want 422 (validation)", res.StatusCode)
	}
}

func upload(t *testing.T, f *fixture, name, content string) (*http.Response, string) {
	return uploadTo(t, f, "/import", name, content)
}

// multipartWriter writes a one-file form and returns its content type.
func multipartWriter(buf *bytes.Buffer, name, content string) string {
	mw := multipart.NewWriter(buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	return mw.FormDataContentType()
}

func TestImportThroughTheWeb(t *testing.T) {
	f := newFixture(t)
	count := func() int {
		var n int
		f.db.View(ctx, func(tx *store.Tx) error { us, _ := tx.Units(ctx); n = len(us); return nil })
		return n
	}
	before := count()
	// A bad file: every problem located, nothing changed.
	res, body := upload(t, f, "bad.csv", "编码,名称,类型,上级编码,党员人数\n321002002,,乡镇街道,321002,3\n321002003,文峰街道,乡镇街道,999999,-1\n")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d", res.StatusCode)
	}
	for _, want := range []string{"第 2 行“名称”列：不能为空", "第 3 行“党员人数”列：党员人数不能为负数", "名录没有任何改动"} {
		if !strings.Contains(body, want) {
			t.Errorf("bad-file page lacks %q", want)
		}
	}
	// A good file: a preview, then nothing until confirmed.
	res, body = upload(t, f, "good.csv", "编码,名称,类型,上级编码,党员人数\n321002002,汶河街道,乡镇街道,321002,88\n321002,广陵区,县市区,3210,1300\n")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "汶河街道") || count() != before {
		t.Fatalf("preview: %d, units %d→%d", res.StatusCode, before, count())
	}
	i := strings.Index(body, `name="upload" value="`)
	id := body[i+len(`name="upload" value="`):]
	id = id[:strings.Index(id, `"`)]
	res, _ = f.do("admin", "POST", "/import/confirm", url.Values{"upload": {id}})
	if res.StatusCode != http.StatusSeeOther || count() != before+1 {
		t.Fatalf("confirm: %d, units %d→%d", res.StatusCode, before, count())
	}
	// The same preview cannot be applied twice.
	res, _ = f.do("admin", "POST", "/import/confirm", url.Values{"upload": {id}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("second confirm: %d, want 409", res.StatusCode)
	}
}

func TestMarkupIsInert(t *testing.T) {
	f := newFixture(t)
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	u := pinggu.Unit{Code: "M666", Name: evil, Kind: pinggu.KindMunicipalUnit, ParentID: f.units["3210"].ID}
	if err := f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error { return tx.CreateUnit(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/units", "/units?q=M666", "/units/" + itoa(u.ID), "/units/" + itoa(u.ID) + "/edit", "/audit"} {
		_, body := f.do("admin", "GET", path, nil)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s renders the name as markup", path)
		}
		if !strings.Contains(body, "&lt;script&gt;") && !strings.Contains(body, `\u003cscript`) && !strings.Contains(body, "&lt;script") {
			t.Errorf("%s does not show the escaped name", path)
		}
	}
	_, body := f.do("admin", "GET", "/api/v1/units/"+itoa(u.ID), nil)
	if strings.Contains(body, "<script>") {
		t.Error("API JSON carries raw markup")
	}
}

func TestEnglishSwitch(t *testing.T) {
	f := newFixture(t)
	res, _ := f.do("", "GET", "/lang?to=en&next=/units", nil)
	var lang *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "lang" {
			lang = c
		}
	}
	if lang == nil || lang.Value != "en" || res.Header.Get("Location") != "/units" {
		t.Fatalf("lang cookie %+v, location %q", lang, res.Header.Get("Location"))
	}
	r := httptest.NewRequest("GET", "/units", nil)
	r.AddCookie(lang)
	r.AddCookie(f.session("admin"))
	_, body := f.send(r)
	if !strings.Contains(body, "Registry") || !strings.Contains(body, `lang="en"`) {
		t.Error("English page not in English")
	}
	_, body = f.do("admin", "GET", "/units", nil)
	if !strings.Contains(body, "单位名录") || !strings.Contains(body, `lang="zh-CN"`) {
		t.Error("default page not in Chinese")
	}
}

func TestScopedListingsAndAPITokens(t *testing.T) {
	f := newFixture(t)
	secret, hash := auth.NewToken()
	var tok *store.APIToken
	f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) (err error) {
		tok, err = tx.CreateToken(ctx, f.users["evaluator"].ID, "test", hash, 0)
		return
	})
	api := func(path, bearer string) (*http.Response, string) {
		r := httptest.NewRequest("GET", path, nil)
		if bearer != "" {
			r.Header.Set("Authorization", "Bearer "+bearer)
		}
		return f.send(r)
	}
	res, body := api("/api/v1/units", secret)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("token: %d %s", res.StatusCode, body)
	}
	var list struct {
		Count int           `json:"count"`
		Units []pinggu.Unit `json:"units"`
	}
	json.Unmarshal([]byte(body), &list)
	for _, u := range list.Units {
		if u.Code == "321003" || u.Code == "321003001" || u.Code == "M001" || u.Code == "3210" {
			t.Errorf("evaluator of 广陵区 sees %s %s", u.Code, u.Name)
		}
	}
	if list.Count != 3 { // 广陵区, 东关街道, its branch
		t.Errorf("evaluator sees %d units, want 3", list.Count)
	}
	if res, _ := api("/api/v1/units/"+itoa(f.units["321003"].ID), secret); res.StatusCode != http.StatusNotFound {
		t.Errorf("out-of-scope unit by API: %d, want 404", res.StatusCode)
	}
	if res, _ := api("/api/v1/me", "pgt_wrong"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("bad token: %d", res.StatusCode)
	}
	// A token works on the API only, not on pages.
	r := httptest.NewRequest("GET", "/units", nil)
	r.Header.Set("Authorization", "Bearer "+secret)
	if res, _ := f.send(r); res.StatusCode != http.StatusSeeOther {
		t.Errorf("token on a page: %d", res.StatusCode)
	}
	// Another account cannot revoke it: the revoke route matches by owner.
	f.do("liaison", "POST", "/account/tokens/"+itoa(tok.ID)+"/revoke", url.Values{})
	if res, _ := api("/api/v1/me", secret); res.StatusCode != http.StatusOK {
		t.Errorf("another account revoked the token: %d", res.StatusCode)
	}
	f.do("evaluator", "POST", "/account/tokens/"+itoa(tok.ID)+"/revoke", url.Values{})
	if res, _ := api("/api/v1/me", secret); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", res.StatusCode)
	}
}

func TestEditFormKeepsInputAndLocatesErrors(t *testing.T) {
	f := newFixture(t)
	id := itoa(f.units["321002001"].ID)
	res, body := f.do("admin", "POST", "/units/"+id, url.Values{"code": {"321002001"}, "name": {"东关街道（改）"},
		"parent_code": {"321003"}, "headcount": {"-5"}, "liaison_phone": {"12345"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{`value="东关街道（改）"`, "党员人数不能为负数", "电话“12345”格式不对"} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	// Moving a township under a municipal unit is refused at the parent field.
	_, body = f.do("admin", "POST", "/units/"+id, url.Values{"code": {"321002001"}, "name": {"东关街道"}, "parent_code": {"M001"}, "headcount": {"300"}})
	if !strings.Contains(body, "乡镇街道不能放在市直单位之下") {
		t.Error("wrong-parent message missing")
	}
	// A valid change saves and is audited with before and after.
	res, _ = f.do("admin", "POST", "/units/"+id, url.Values{"code": {"321002001"}, "name": {"东关街道"}, "parent_code": {"321002"},
		"headcount": {"301"}, "liaison_name": {"陈静"}, "liaison_phone": {"13812345678"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid edit: %d", res.StatusCode)
	}
	_, body = f.do("admin", "GET", "/units/"+id, nil)
	if !strings.Contains(body, "138****5678") || strings.Contains(body, "13812345678\"") {
		t.Error("unit page should show the liaison phone masked")
	}
	if !strings.Contains(body, "党员人数：300 → 301") || !strings.Contains(body, "联络员：— → 陈静") || !strings.Contains(body, "联络电话：— → 138****5678") {
		t.Error("unit history lacks before/after")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	f := newFixture(t)
	res, body := f.do("", "GET", "/healthz", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"status": "ok"`) {
		t.Errorf("healthz: %d %s", res.StatusCode, body)
	}
	f.do("admin", "GET", "/units", nil)
	// Without a metrics token /metrics is not served on the public address;
	// with one, only to it.
	if res, _ := f.do("admin", "GET", "/metrics", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics without a token configured: %d", res.StatusCode)
	}
	f.s.cfg.MetricsToken = "m-secret-1"
	metrics := func(bearer string) (*http.Response, string) {
		r := httptest.NewRequest("GET", "/metrics", nil)
		if bearer != "" {
			r.Header.Set("Authorization", "Bearer "+bearer)
		}
		return f.send(r)
	}
	for _, wrong := range []string{"", "m-secret-2"} {
		if res, _ := metrics(wrong); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("/metrics with token %q: %d", wrong, res.StatusCode)
		}
	}
	res, body = metrics("m-secret-1")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `pinggu_http_requests_total{code="200",route="GET /units"} 1`) || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics lack the request counter: %d %.500s", res.StatusCode, body)
	}
	rec := httptest.NewRecorder()
	f.s.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(rec.Body.String(), "go_goroutines") {
		t.Error("the internal metrics handler serves nothing")
	}
	if RedactPath("/s/ABCDEFGHJK7") != "/s/[redacted]" || RedactPath("/units/1") != "/units/1" {
		t.Error("RedactPath")
	}
}

func TestCreateUnitAndAccountFlows(t *testing.T) {
	f := newFixture(t)
	res, _ := f.do("admin", "POST", "/units", url.Values{"kind": {"township"}, "code": {"321002002"}, "name": {"汶河街道"},
		"parent_code": {"321002"}, "headcount": {"80"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	res, body := f.do("admin", "POST", "/units", url.Values{"kind": {"township"}, "code": {"321002002"}, "name": {"重复"},
		"parent_code": {"321002"}, "headcount": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "编码 321002002 已被其他单位使用") {
		t.Errorf("duplicate code: %d", res.StatusCode)
	}

	// Creating an account shows its password once; the account then exists.
	res, _ = f.do("admin", "POST", "/users", url.Values{"login": {"ll2"}, "name": {"汶河街道联络员"}, "role": {"liaison"}, "scope": {"321002002"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("user create: %d", res.StatusCode)
	}
	var u *pinggu.User
	f.db.View(ctx, func(tx *store.Tx) (err error) { u, err = tx.UserByLogin(ctx, "ll2"); return })
	if u == nil || len(u.Scope) != 1 {
		t.Fatalf("created user = %+v", u)
	}
	// An evaluator's scope comes from the groups, not from the account.
	res, body = f.do("admin", "POST", "/users", url.Values{"login": {"pg2"}, "name": {"评估组"}, "role": {"evaluator"}, "scope": {"321003"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "所在评估组的分工") {
		t.Errorf("evaluator with a typed scope: %d", res.StatusCode)
	}
	res, body = f.do("admin", "POST", "/users", url.Values{"login": {"pg3"}, "name": {"x"}, "role": {"liaison"}, "scope": {"999"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "编码 999 在名录中不存在") || !strings.Contains(body, `value="pg3"`) {
		t.Errorf("unknown scope code: %d", res.StatusCode)
	}
	// An admin cannot lock themselves out.
	res, body = f.do("admin", "POST", "/users/"+itoa(f.users["admin"].ID), url.Values{"name": {"管理员"}, "role": {"viewer"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不能停用自己") {
		t.Errorf("self-demotion: %d", res.StatusCode)
	}

	// Changing one's password: checked, then other sessions end.
	other := f.session("viewer")
	res, body = f.do("viewer", "POST", "/account/password", url.Values{"current": {"wrong"}, "new": {"Slender-West-Lake"}, "confirm": {"Slender-West-Lake"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "当前密码不正确") {
		t.Errorf("wrong current password: %d", res.StatusCode)
	}
	res, body = f.do("viewer", "POST", "/account/password", url.Values{"current": {testPassword}, "new": {"Slender-West-Lake"}, "confirm": {"Slender-West-Lakes"}})
	if !strings.Contains(body, "两次输入的新密码不一致") {
		t.Errorf("mismatch: %d", res.StatusCode)
	}
	res, body = f.do("viewer", "POST", "/account/password", url.Values{"current": {testPassword}, "new": {"viewer12345"}, "confirm": {"viewer12345"}})
	if !strings.Contains(body, "密码不能包含登录名") {
		t.Errorf("policy: %d", res.StatusCode)
	}
	res, _ = f.do("viewer", "POST", "/account/password", url.Values{"current": {testPassword}, "new": {"Slender-West-Lake"}, "confirm": {"Slender-West-Lake"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(other)
	if res, _ := f.send(r); res.StatusCode != http.StatusSeeOther {
		t.Error("another session survived a password change")
	}
	if _, err := auth.New(f.db).Login(ctx, "viewer", "Slender-West-Lake", "192.0.2.1"); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func TestBreadcrumbLinksOnlyWhatTheAccountMayOpen(t *testing.T) {
	f := newFixture(t)
	branch := itoa(f.units["branch-321002001"].ID)
	_, body := f.do("liaison", "GET", "/units/"+branch, nil)
	if strings.Contains(body, `href="/units/`+itoa(f.units["321002"].ID)+`"`) || !strings.Contains(body, "广陵区") {
		t.Error("a liaison's breadcrumb links to the county it may not open")
	}
	if !strings.Contains(body, `href="/units/`+itoa(f.units["321002001"].ID)+`"`) {
		t.Error("a liaison's breadcrumb does not link to its own unit")
	}
	_, body = f.do("admin", "GET", "/units/"+branch, nil)
	if !strings.Contains(body, `href="/units/`+itoa(f.units["321002"].ID)+`"`) {
		t.Error("the admin's breadcrumb does not link to the county")
	}
}
