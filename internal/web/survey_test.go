package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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
	count := func() int { return responsesAt(f) }
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
	// After the campaign closes, submits are refused and nothing is stored:
	// its keys are gone, so its codes are unknown.
	f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error {
		for _, to := range []pinggu.CampaignState{pinggu.StateFieldwork, pinggu.StateClosed} {
			if _, err := tx.AdvanceCampaign(ctx, f.campaigns["published"].ID, to); err != nil {
				return err
			}
		}
		return nil
	})
	if res, body := post(codes[1], good); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "测评结束后，其测评码不再有效") || count() != 1 {
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
	hashOf := func(code string) (h string) {
		f.db.View(ctx, func(tx *store.Tx) (err error) { h, err = tx.HashCode(ctx, f.campaigns["published"].ID, code); return })
		return h
	}
	dump := dumpDB(t, f.db.SQL())
	rows := append(dump["responses"], dump["response_inbox"]...)
	if len(rows) != 2 {
		t.Fatalf("%d responses", len(rows))
	}
	for _, c := range codes {
		h := hashOf(c)
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
	res, body = f.do("evaluator", "POST", path, url.Values{"n": {"2"}, "format": {"paper"}})
	if res.StatusCode != http.StatusOK || strings.Count(body, `<article class="paper">`) != 2 || strings.Count(body, `<td class="box">`) < 2*20 {
		t.Errorf("paper ballots: %d, %d ballots", res.StatusCode, strings.Count(body, `<article class="paper">`))
	}
	if res, body := f.do("evaluator", "POST", path, url.Values{"n": {"0"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "一次可生成") {
		t.Errorf("zero codes: %d", res.StatusCode)
	}
}

// TestPaperBallotsDoubleKeyed keys paper ballots twice: agreeing keyings
// count once, disagreeing ones wait for a third person, and nobody keys
// the same ballot twice or settles their own disagreement.
func TestPaperBallotsDoubleKeyed(t *testing.T) {
	f := newFixture(t)
	codes := issue(t, f, 3)
	base := "/campaigns/" + itoa(f.campaigns["published"].ID) + "/ballots"
	key := func(login, code string, form url.Values) (int, string) {
		v := url.Values{"code": {strings.ToLower(pinggu.FormatCode(code))}, "keyed": {"1"}}
		for k, vs := range form {
			v[k] = vs
		}
		res, body := f.do(login, "POST", base, v)
		return res.StatusCode, body
	}
	count := func() int { return responsesAt(f) }
	good := answers(f, t)
	// Opening a code shows its unit's form.
	if res, body := f.do("evaluator", "POST", base, url.Values{"code": {codes[0]}}); res.StatusCode != http.StatusOK || !strings.Contains(body, "东关街道") || !strings.Contains(body, "领导班子成员认真学习必读书目") {
		t.Fatalf("open: %d", res.StatusCode)
	}
	if st, body := key("evaluator", codes[0], good); st != http.StatusOK || !strings.Contains(body, "等待另一名工作人员") || count() != 0 {
		t.Fatalf("first keying: %d, %d responses", st, count())
	}
	if st, body := key("evaluator", codes[0], good); st != http.StatusConflict || !strings.Contains(body, "需由另一名工作人员录入") {
		t.Errorf("same clerk twice: %d", st)
	}
	if st, body := key("admin", codes[0], good); st != http.StatusOK || !strings.Contains(body, "已计入结果") || count() != 1 {
		t.Errorf("matching keying: %d, %d responses", st, count())
	}
	if st, body := key("admin", codes[0], good); !strings.Contains(body, "已经使用过") || count() != 1 {
		t.Errorf("a spent code keyed again: %d, %d responses", st, count())
	}
	// A missing answer is marked and nothing is recorded.
	partial := url.Values{}
	for k, v := range good {
		partial[k] = v
	}
	partial.Del("L1.1")
	if st, _ := key("evaluator", codes[1], partial); st != http.StatusUnprocessableEntity {
		t.Errorf("a partial keying: %d", st)
	}
	// Two keyings that disagree on one answer go to reconciliation.
	other := url.Values{}
	for k, v := range good {
		other[k] = v
	}
	other.Set("L1.1", "3")
	key("evaluator", codes[1], good)
	if st, body := key("admin", codes[1], other); st != http.StatusOK || !strings.Contains(body, "交第三人核对") || count() != 1 {
		t.Fatalf("disagreeing keying: %d, %d responses", st, count())
	}
	if st, body := key("viewer", codes[2], good); st != http.StatusForbidden {
		t.Errorf("a viewer keyed a ballot: %d %s", st, body)
	}
	_, body := f.do("admin", "GET", base+"/reconcile", nil)
	if !strings.Contains(body, "东关街道") || !strings.Contains(body, "有 1 处不一致") || !strings.Contains(body, "两次录入分别为：差 / 好") {
		t.Fatal("the reconcile list lacks the disagreement")
	}
	hashOf := func(code string) (h string) {
		f.db.View(ctx, func(tx *store.Tx) (err error) { h, err = tx.HashCode(ctx, f.campaigns["published"].ID, code); return })
		return h
	}
	settle := url.Values{"hash": {hashOf(codes[1])}}
	for k, v := range other {
		settle[k] = v
	}
	f.do("admin", "POST", base+"/reconcile", settle)
	if count() != 1 {
		t.Fatal("a clerk settled their own disagreement")
	}
	third := &pinggu.User{Login: "third", Name: "核对人", Role: pinggu.RoleAdmin, PasswordHash: f.users["admin"].PasswordHash}
	f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error { return tx.CreateUser(ctx, third) })
	f.users["third"] = third
	f.do("third", "POST", base+"/reconcile", settle)
	if count() != 2 {
		t.Fatalf("after reconciliation %d responses, want 2", count())
	}
	if _, body := f.do("admin", "GET", base+"/reconcile", nil); !strings.Contains(body, "没有需要核对的测评表") {
		t.Error("the settled ballot is still listed")
	}
	// A disagreement whose code is then answered online leaves the list:
	// the online answer counts, the paper one cannot.
	key("evaluator", codes[2], good)
	key("admin", codes[2], other)
	if res, _ := f.do("", "POST", "/s/"+codes[2], good); res.StatusCode != http.StatusOK || responsesAt(f) != 3 {
		t.Fatalf("online answer of a ballot in reconciliation: %d, %d responses", res.StatusCode, responsesAt(f))
	}
	settle.Set("hash", hashOf(codes[2]))
	f.do("third", "POST", base+"/reconcile", settle)
	if _, body := f.do("admin", "GET", base+"/reconcile", nil); responsesAt(f) != 3 || !strings.Contains(body, "没有需要核对的测评表") {
		t.Errorf("a spent code was settled or listed: %d responses", responsesAt(f))
	}
	// A code of another campaign is refused, and nothing is recorded.
	var second *pinggu.Campaign
	f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) (err error) {
		second, err = tx.AdvanceCampaign(ctx, f.campaigns["draft"].ID, pinggu.StatePublished)
		return
	})
	others, _, err := survey.Issue(ctx, f.db, store.Actor{Login: "t"}, second, f.units["321002001"], "", 1)
	if err != nil {
		t.Fatal(err)
	}
	if st, body := key("admin", others[0], good); st != http.StatusUnprocessableEntity || !strings.Contains(body, "不属于本次评估工作") {
		t.Errorf("a code of another campaign: %d", st)
	}
	// No keying entry outlives its ballot, but for the two of the ballot
	// answered online meanwhile, which nothing lists any more.
	if rows := dumpDB(t, f.db.SQL())["ballot_entries"]; len(rows) != 2 {
		t.Errorf("%d keying entries left, want 2", len(rows))
	}
}

// responsesAt counts the published campaign's responses for 东关街道.
func responsesAt(f *fixture) int {
	var n int
	f.db.View(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.CountResponses(ctx, f.campaigns["published"].ID, f.units["321002001"].ID)
		return
	})
	return n
}

// TestSurveyFieldsReused checks that the pre-rendered questions serve every
// code of a form alike, in each language, and never carry another
// respondent's answers or problems.
func TestSurveyFieldsReused(t *testing.T) {
	f := newFixture(t)
	codes := issue(t, f, 3)
	_, a := f.do("", "GET", "/s/"+codes[0], nil)
	_, b := f.do("", "GET", "/s/"+codes[1], nil)
	if strings.ReplaceAll(a, codes[0], "C") != strings.ReplaceAll(b, codes[1], "C") {
		t.Error("two codes of one form get different pages")
	}
	missing := answers(f, t)
	missing.Del("L1.2")
	if _, body := f.do("", "POST", "/s/"+codes[2], missing); !strings.Contains(body, `class="q bad" id="q-L1.2"`) || !strings.Contains(body, " checked") {
		t.Fatal("a refused submit lost its marks or answers")
	}
	if _, c := f.do("", "GET", "/s/"+codes[2], nil); strings.Contains(c, " checked") || strings.Contains(c, "q bad") || strings.ReplaceAll(c, codes[2], "C") != strings.ReplaceAll(a, codes[0], "C") {
		t.Error("the clean form carries an earlier submit's answers or marks")
	}
}

// TestResponsesMixed submits 45 codes of one unit and category over HTTP
// on each engine: once 2k = 40 wait, k = 20 of them move to responses
// together, in random order, by a transaction of their own, so on
// PostgreSQL no response shares its xmin with the spend of a code; the
// other 25 wait, counted, until the campaign closes.
func TestResponsesMixed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixtureOn(t, e.Open(t))
			for _, c := range issue(t, f, 45) {
				if res, _ := f.do("", "POST", "/s/"+c, answers(f, t)); res.StatusCode != http.StatusOK {
					t.Fatalf("submit: %d", res.StatusCode)
				}
			}
			count := func(table string) int {
				var n int
				f.db.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n)
				return n
			}
			k := pinggu.MinAnonymity
			if count("responses") != k || count("response_inbox") != 45-k || responsesAt(f) != 45 {
				t.Errorf("responses %d, inbox %d, counted %d", count("responses"), count("response_inbox"), responsesAt(f))
			}
			if f.db.Dialect() == store.Postgres {
				var shared int
				err := f.db.SQL().QueryRow(`SELECT COUNT(*) FROM responses r JOIN survey_codes c ON r.xmin::text = c.xmin::text`).Scan(&shared)
				if err != nil || shared != 0 {
					t.Errorf("%d responses share a transaction with a spent code (%v)", shared, err)
				}
				// The moved inbox rows were vacuumed away at once. Statistics
				// reach pg_stat_user_tables within a second or so.
				var vacuumed bool
				for i := 0; i < 50 && !vacuumed; i++ {
					f.db.SQL().QueryRow(`SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'response_inbox' AND schemaname = current_schema()`).Scan(&vacuumed)
					if !vacuumed {
						time.Sleep(100 * time.Millisecond)
					}
				}
				if !vacuumed {
					t.Error("the inbox was not vacuumed after the move")
				}
			}
			err := f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error {
				for _, to := range []pinggu.CampaignState{pinggu.StateFieldwork, pinggu.StateClosed} {
					if _, err := tx.AdvanceCampaign(ctx, f.campaigns["published"].ID, to); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil || count("responses") != 45 || count("response_inbox") != 0 {
				t.Errorf("after close: responses %d, inbox %d (%v)", count("responses"), count("response_inbox"), err)
			}
		})
	}
}

// TestSurveyCannotBeClosed: 70 addresses each send 31 unknown codes (2,170
// failures in a minute, past the overall limit); then a valid code from
// each of them, and from an address never seen, gets its form. Nothing is
// refused: failing addresses only wait, a little longer the more they
// fail, never longer than 30 s, and the new address does not wait at all.
func TestSurveyCannotBeClosed(t *testing.T) {
	f := newFixture(t)
	codes := issue(t, f, 71)
	var waits []time.Duration
	f.s.codeBackoff.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	get := func(ip, code string) int {
		r := httptest.NewRequest("GET", "/s/"+code, nil)
		r.RemoteAddr = ip + ":40000"
		res, _ := f.send(r)
		return res.StatusCode
	}
	ip := func(src int) string { return fmt.Sprintf("10.1.%d.%d", src/200, src%200+1) }
	for src := range 70 {
		for range 31 {
			if st := get(ip(src), pinggu.NewCode()); st != http.StatusNotFound {
				t.Fatalf("an unknown code from %s: %d, want 404 (slowed, never refused)", ip(src), st)
			}
		}
	}
	if len(waits) == 0 {
		t.Fatal("nobody was slowed down")
	}
	for src := range 70 {
		if st := get(ip(src), codes[src]); st != http.StatusOK {
			t.Errorf("a valid code from %s after its typos: %d", ip(src), st)
		}
	}
	before := len(waits)
	if st := get("192.0.2.7", codes[70]); st != http.StatusOK || len(waits) != before {
		t.Errorf("a valid code from a new address: %d, waited %v", st, waits[before:])
	}
	longest := slices.Max(waits)
	if longest > 30*time.Second || longest < 2*time.Second {
		t.Errorf("the longest wait is %v: the delay must grow, up to 30 s", longest)
	}
}
