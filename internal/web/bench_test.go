package web

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"pinggu"
	"pinggu/internal/demo"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// benchPage measures one page for the demo city's admin (about 1,000 units).
// BenchmarkPageHealthz, in the same run, is the floor: routing, middleware
// and one database ping.
func benchPage(b *testing.B, path string) {
	db := storetest.OpenSQLite(b)
	if _, err := demo.Seed(ctx, db); err != nil {
		b.Fatal(err)
	}
	s, err := New(db, slog.New(slog.DiscardHandler), Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	f := &fixture{t: b, db: db, s: s, users: map[string]*pinggu.User{}}
	db.View(ctx, func(tx *store.Tx) (err error) { f.users["admin"], err = tx.UserByLogin(ctx, "admin"); return })
	cookie := f.session("admin")
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(cookie)
		w := httptest.NewRecorder()
		f.s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("%s: %d", path, w.Code)
		}
	}
}

func BenchmarkPageHealthz(b *testing.B) { benchPage(b, "/healthz") }
func BenchmarkPageHome(b *testing.B)    { benchPage(b, "/") }
func BenchmarkPageTree(b *testing.B)    { benchPage(b, "/units") }
func BenchmarkPageSearch(b *testing.B)  { benchPage(b, "/units?q=东关") }
func BenchmarkPageUnit(b *testing.B)    { benchPage(b, "/units/2") }
func BenchmarkAPITree(b *testing.B)     { benchPage(b, "/api/v1/units/tree") }
