package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/draw"
	"pinggu/internal/registry"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

var ctx = context.Background()

// fixture is a server on a small registry with one account per role.
type fixture struct {
	t         testing.TB
	db        *store.DB
	s         *Server
	users     map[string]*pinggu.User     // by login
	units     map[string]*pinggu.Unit     // by code
	campaigns map[string]*pinggu.Campaign // "published" (the evaluator's group has 广陵区) and "draft"
	group     *pinggu.Group
	draw      int64 // the published campaign's unit draw
}

const fixtureRegistry = `code,name,kind,parent_code,headcount
3210,扬州市,city,,0
321002,广陵区,county,3210,1200
321002001,东关街道,township,321002,300
321003,邗江区,county,3210,1500
321003001,邗上街道,township,321003,200
M001,市委办公室,municipal_unit,3210,60
`

var (
	hashOnce sync.Once
	hashed   string
)

// testPassword is hashed once per test binary: argon2id is slow on purpose.
const testPassword = "correct horse battery"

func newFixture(t testing.TB) *fixture {
	return newFixtureOn(t, storetest.OpenSQLite(t))
}

func newFixtureOn(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	hashOnce.Do(func() { hashed, _ = auth.HashPassword(testPassword) })
	f := &fixture{t: t, db: db, users: map[string]*pinggu.User{}, units: map[string]*pinggu.Unit{}, campaigns: map[string]*pinggu.Campaign{}}
	actor := store.Actor{Login: "cli:test"}
	if _, err := registry.Import(ctx, db, actor, "r.csv", []byte(fixtureRegistry)); err != nil {
		t.Fatal(err)
	}
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		all, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		for i := range all {
			f.units[all[i].Code] = &all[i]
		}
		// A branch in both scoped accounts' scope, and one outside.
		for _, b := range []pinggu.Unit{
			{Name: "第一党支部", Kind: pinggu.KindBranch, ParentID: f.units["321002001"].ID, ParentCode: "321002001"},
			{Name: "第一党支部", Kind: pinggu.KindBranch, ParentID: f.units["321003001"].ID, ParentCode: "321003001"},
		} {
			if err := tx.CreateUnit(ctx, &b); err != nil {
				return err
			}
			f.units["branch-"+b.ParentCode] = &b
		}
		for _, u := range []*pinggu.User{
			{Login: "admin", Name: "管理员", Role: pinggu.RoleAdmin},
			{Login: "viewer", Name: "领导", Role: pinggu.RoleViewer},
			{Login: "evaluator", Name: "评估组", Role: pinggu.RoleEvaluator},
			{Login: "liaison", Name: "联络员", Role: pinggu.RoleLiaison, Scope: []int64{f.units["321002001"].ID}},
			{Login: "target", Name: "被管理的账号", Role: pinggu.RoleViewer},
		} {
			u.PasswordHash = hashed
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			f.users[u.Login] = u
		}
		return f.campaignsIn(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := draw.Freeze(ctx, db, actor, f.campaigns["published"]); err != nil {
		t.Fatal(err)
	}
	if _, err := draw.Units(ctx, db, actor, f.campaigns["published"], "12345678901234567890", "published-units"); err != nil {
		t.Fatal(err)
	}
	db.View(ctx, func(tx *store.Tx) error {
		ds, err := tx.Draws(ctx, f.campaigns["published"].ID)
		f.draw = ds[0].ID
		return err
	})
	f.s, err = New(db, slog.New(slog.DiscardHandler), Config{})
	if err != nil {
		t.Fatal(err)
	}
	// The tests send many failures from one address: the delays that
	// follow are counted, not slept (tests of the delays set their own).
	for _, b := range []*auth.Backoff{f.s.auth.Pairs, f.s.auth.Sources, f.s.auth.Accounts, f.s.codeBackoff} {
		b.Sleep = func(context.Context, time.Duration) error { return nil }
	}
	t.Cleanup(f.s.Close)
	return f
}

// campaignsIn creates a published campaign whose one group, led by the
// evaluator, evaluates 广陵区, and a draft campaign.
func (f *fixture) campaignsIn(tx *store.Tx) error {
	for _, code := range []string{"published", "draft"} {
		c := &pinggu.Campaign{Code: code, Name: code + " 评估", Settings: pinggu.DefaultSettings()}
		if err := tx.UseBuiltinFrameworks(ctx, &c.Settings); err != nil {
			return err
		}
		c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{pinggu.StageSelfReport: "2026-12-05", pinggu.StageUnitDraw: "2026-12-08",
			pinggu.StageRosters: "2026-12-12", pinggu.StageFieldwork: "2026-12-25", pinggu.StageReports: "2026-12-31"}
		if err := tx.CreateCampaign(ctx, c); err != nil {
			return err
		}
		f.campaigns[code] = c
	}
	published, err := tx.AdvanceCampaign(ctx, f.campaigns["published"].ID, pinggu.StatePublished)
	if err != nil {
		return err
	}
	f.campaigns["published"] = published
	f.group = &pinggu.Group{CampaignID: f.campaigns["published"].ID, Name: "第一评估组", LeaderID: f.users["evaluator"].ID,
		Units: []int64{f.units["321002"].ID}}
	return tx.CreateGroup(ctx, f.group)
}

// session returns a cookie for a fresh session of login, made the way the
// login handler makes one, without paying for a password hash.
func (f *fixture) session(login string) *http.Cookie {
	f.t.Helper()
	u := f.users[login]
	c, err := f.s.sessions.Load(ctx, "")
	if err != nil {
		f.t.Fatal(err)
	}
	var fresh *pinggu.User
	f.db.View(ctx, func(tx *store.Tx) (err error) { fresh, err = tx.User(ctx, u.ID); return })
	f.s.sessions.Put(c, sessUserID, u.ID)
	f.s.sessions.Put(c, sessVersion, fresh.SessionVersion)
	token, _, err := f.s.sessions.Commit(c)
	if err != nil {
		f.t.Fatal(err)
	}
	return &http.Cookie{Name: "pinggu_session", Value: token}
}

// do sends a request as login ("" for anonymous) and returns the response
// with its body read.
func (f *fixture) do(login, method, target string, form url.Values) (*http.Response, string) {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if login != "" {
		r.AddCookie(f.session(login))
	}
	return f.send(r)
}

// doAs is do with a given session cookie, for steps that must share one
// session (a flash message shown after a redirect).
func (f *fixture) doAs(cookie *http.Cookie, method, target string, form url.Values) (*http.Response, string) {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.AddCookie(cookie)
	return f.send(r)
}

func (f *fixture) send(r *http.Request) (*http.Response, string) {
	w := httptest.NewRecorder()
	f.s.ServeHTTP(w, r)
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// slogTo is a text logger writing to w, for tests that read the log.
func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
