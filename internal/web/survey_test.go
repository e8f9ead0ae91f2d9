package web

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
	"pinggu/internal/survey"
)

// answers fills every question of the 东关街道 (township: leadership) form.
func answers(f *fixture, t *testing.T) url.Values {
	var fw *pinggu.Framework
	f.db.View(ctx, func(tx *store.Tx) (err error) { fw, err = tx.FrameworkByCode(ctx, "leadership"); return })
	v := url.Values{"overall": {"1"}, "comment": {"多到基层听听群众意见"}}
	for i, q := range pinggu.BuildForm(fw, pinggu.DefaultScale()).Questions {
		v.Set(q.Code, fmt.Sprint(i%4))
	}
	return v
}

func issue(t *testing.T, f *fixture, n int) []string {
	u := f.units["321002001"]
	codes, _, err := survey.Issue(ctx, f.db, store.Actor{Login: "t"}, f.campaigns["published"], u, "", n)
	if err != nil {
		t.Fatal(err)
	}
	return codes
}

// TestExactlyOnce fires 100 concurrent submits of one code over HTTP on
// each engine and finds exactly one response.
func TestExactlyOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixtureOn(t, e.Open(t))
			srv := httptest.NewServer(f.s)
			defer srv.Close()
			code := issue(t, f, 1)[0]
			form := answers(f, t).Encode()
			var wg sync.WaitGroup
			var mu sync.Mutex
			statuses := map[int]int{}
			for i := 0; i < 100; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					req, _ := http.NewRequest("POST", srv.URL+"/s/"+code, strings.NewReader(form))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					res, err := http.DefaultClient.Do(req)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						statuses[-1]++
						return
					}
					res.Body.Close()
					statuses[res.StatusCode]++
				}()
			}
			wg.Wait()
			var n int
			f.db.View(ctx, func(tx *store.Tx) (err error) {
				n, err = tx.CountResponses(ctx, f.campaigns["published"].ID, f.units["321002001"].ID)
				return
			})
			if n != 1 || statuses[http.StatusOK] != 100 {
				t.Errorf("%d responses stored, statuses %v; want 1 response and 100 OKs", n, statuses)
			}
		})
	}
}

func TestSurveyPageAndBadInput(t *testing.T) {
	f := newFixture(t)
	codes := issue(t, f, 4)
	good := answers(f, t)
	post := func(code string, form url.Values) (*http.Response, string) {
		return f.do("", "POST", "/s/"+code, form)
	}
	// The form: no cookie, no script, small.
	res, body := f.do("", "GET", "/s/"+strings.ToLower(pinggu.FormatCode(codes[0])), nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "领导班子成员认真学习必读书目") || strings.Contains(body, "<script") {
		t.Fatalf("form: %d", res.StatusCode)
	}
	if len(res.Header.Values("Set-Cookie")) != 0 || len(body) > 50<<10 {
		t.Errorf("form sets %d cookies, %d bytes", len(res.Header.Values("Set-Cookie")), len(body))
	}
	count := func() int {
		var n int
		f.db.View(ctx, func(tx *store.Tx) (err error) {
			n, err = tx.CountResponses(ctx, f.campaigns["published"].ID, f.units["321002001"].ID)
			return
		})
		return n
	}
	// A tampered check symbol is refused before any lookup.
	tampered := codes[0][:10] + string("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(strings.IndexByte("0123456789ABCDEFGHJKMNPQRSTVWXYZ", codes[0][10])+1)%32])
	if res, body := post(tampered, good); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "测评码有误") {
		t.Errorf("tampered check symbol: %d", res.StatusCode)
	}
	// A missing answer: marked at its question, what was typed kept.
	missing := url.Values{}
	for k, v := range good {
		missing[k] = v
	}
	missing.Del("L2.3")
	res, body = post(codes[0], missing)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `class="q bad" id="q-L2.3"`) || !strings.Contains(body, "多到基层听听群众意见") {
		t.Errorf("missing answer: %d", res.StatusCode)
	}
	out := url.Values{}
	for k, v := range good {
		out[k] = v
	}
	out.Set("L1.1", "7")
	if res, body := post(codes[0], out); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "这个选项无效") {
		t.Errorf("answer out of range: %d", res.StatusCode)
	}
	long := url.Values{}
	for k, v := range good {
		long[k] = v
	}
	long.Set("comment", strings.Repeat("长", 1<<20/3))
	if res, _ := post(codes[0], long); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MB comment: %d", res.StatusCode)
	}
	if count() != 0 {
		t.Fatal("a refused submit stored a response")
	}
	// Extra fields such as unit_id are ignored: the code decides the unit.
	extra := url.Values{}
	for k, v := range good {
		extra[k] = v
	}
	extra.Set("unit_id", itoa(f.units["321003001"].ID))
	extra.Set("campaign_id", "999")
	if res, body := post(codes[0], extra); res.StatusCode != http.StatusOK || !strings.Contains(body, "提交成功") {
		t.Errorf("submit: %d", res.StatusCode)
	}
	if count() != 1 {
		t.Errorf("responses = %d", count())
	}
	// Again: "already received", nothing stored.
	if res, body := post(codes[0], good); res.StatusCode != http.StatusOK || !strings.Contains(body, "已收到，感谢参与") || count() != 1 {
		t.Errorf("second submit: %d, %d responses", res.StatusCode, count())
	}
	if _, body := f.do("", "GET", "/s/"+codes[0], nil); !strings.Contains(body, "已收到") {
		t.Error("opening a spent code does not say it was received")
	}
	// A code pinggu never issued (well formed) is unknown.
	if res, body := f.do("", "GET", "/s/"+pinggu.NewCode(), nil); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "没有这个测评码") {
		t.Errorf("unknown code: %d", res.StatusCode)
	}
	// After the campaign closes, submits are refused and nothing is stored.
	f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error {
		for _, to := range []pinggu.CampaignState{pinggu.StateFieldwork, pinggu.StateClosed} {
			if _, err := tx.AdvanceCampaign(ctx, f.campaigns["published"].ID, to); err != nil {
				return err
			}
		}
		return nil
	})
	if res, body := post(codes[1], good); res.StatusCode != http.StatusConflict || !strings.Contains(body, "测评已经结束") || count() != 1 {
		t.Errorf("after close: %d", res.StatusCode)
	}
}

// TestAnonymity submits through HTTP, then reads every table and the access
// log: no value links the code (or its hash) to the response.
func TestAnonymity(t *testing.T) {
	f := newFixture(t)
	var logs strings.Builder
	f.s.log = slogTo(&logs)
	codes := issue(t, f, 3)
	for _, c := range codes[:2] {
		if res, _ := f.do("", "POST", "/s/"+c, answers(f, t)); res.StatusCode != http.StatusOK {
			t.Fatalf("submit: %d", res.StatusCode)
		}
	}
	var secret []byte
	f.db.View(ctx, func(tx *store.Tx) (err error) { secret, err = tx.SurveySecret(ctx); return })
	dump := dumpDB(t, f.db.SQL())
	rows := dump["responses"]
	if len(rows) != 2 {
		t.Fatalf("%d responses", len(rows))
	}
	for _, c := range codes {
		h := pinggu.HashCode(secret, c)
		if strings.Contains(strings.Join(rows, "\n"), c) || strings.Contains(strings.Join(rows, "\n"), h) {
			t.Error("a response holds a code or its hash")
		}
		for table, rs := range dump {
			if strings.Contains(strings.Join(rs, "\n"), c) {
				t.Errorf("table %s holds a code in clear", table)
			}
		}
		if strings.Contains(logs.String(), c) {
			t.Error("the log holds a code")
		}
	}
	for _, r := range rows {
		if strings.Contains(r, ":") && strings.Contains(r, "T") && strings.Count(r, ":") > 3 {
			t.Errorf("a response holds a time: %s", r)
		}
	}
	if !strings.Contains(logs.String(), "/s/[redacted]") {
		t.Error("the access log does not show the redacted survey path")
	}
	// The audit log records the issue of codes, never a submission.
	for _, a := range dump["audit_log"] {
		if strings.Contains(a, "respondent") || strings.Contains(a, "responses") {
			t.Errorf("the audit log mentions a submission: %s", a)
		}
	}
}

func dumpDB(t *testing.T, db *sql.DB) map[string][]string {
	out := map[string][]string{}
	tables, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		tables.Scan(&n)
		names = append(names, n)
	}
	tables.Close()
	for _, n := range names {
		rows, err := db.Query("SELECT * FROM " + n)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			out[n] = append(out[n], fmt.Sprint(vals...))
		}
		rows.Close()
	}
	return out
}

func TestProgressBoard(t *testing.T) {
	f := newFixture(t)
	codes := issue(t, f, 5)
	for _, c := range codes[:2] {
		f.do("", "POST", "/s/"+c, answers(f, t))
	}
	path := "/campaigns/" + itoa(f.campaigns["published"].ID) + "/progress"
	_, body := f.do("admin", "GET", path, nil)
	if !strings.Contains(body, "东关街道") || !strings.Contains(body, "40.0%") || !strings.Contains(body, "广陵区") {
		t.Errorf("the board lacks the unit, its 2 of 5 (40.0%%) or its county")
	}
	if res, _ := f.do("liaison", "GET", path, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a liaison opened the progress board: %d", res.StatusCode)
	}
	if _, body := f.do("evaluator", "GET", path, nil); !strings.Contains(body, "东关街道") {
		t.Error("the group does not see its unit")
	}
	var n int
	err := f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) (err error) {
		n, err = tx.VoidBatch(ctx, f.campaigns["published"].ID, f.units["321002001"].ID, "")
		return
	})
	if err != nil || n != 3 {
		t.Errorf("voided %d (%v), want the 3 unspent", n, err)
	}
	if res, body := f.do("", "GET", "/s/"+codes[4], nil); res.StatusCode != http.StatusConflict || !strings.Contains(body, "已作废") {
		t.Errorf("a voided code: %d", res.StatusCode)
	}
}

func TestSlipsFromTheWeb(t *testing.T) {
	f := newFixture(t)
	path := "/campaigns/" + itoa(f.campaigns["published"].ID) + "/units/" + itoa(f.units["321002001"].ID) + "/codes"
	res, body := f.do("evaluator", "POST", path, url.Values{"n": {"3"}, "category": {"党员"}})
	if res.StatusCode != http.StatusOK || strings.Count(body, "<svg") != 3 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("slips: %d, %d QR codes", res.StatusCode, strings.Count(body, "<svg"))
	}
	var p *store.Progress
	f.db.View(ctx, func(tx *store.Tx) error {
		prog, _ := tx.SurveyProgress(ctx, f.campaigns["published"].ID)
		p = prog[f.units["321002001"].ID]
		return nil
	})
	if p == nil || p.Issued != 3 {
		t.Errorf("progress after issuing = %+v", p)
	}
	if res, body := f.do("evaluator", "POST", path, url.Values{"n": {"0"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "一次可生成") {
		t.Errorf("zero codes: %d", res.StatusCode)
	}
}
