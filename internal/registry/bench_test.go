package registry_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"pinggu/internal/registry"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// bigRegistry is a city of n units: counties, townships and branches.
func bigRegistry(n int) []byte {
	var b bytes.Buffer
	b.WriteString("编码,名称,类型,上级编码,党员人数\n3210,扬州市,市,,0\n")
	units := 1
	for c := 0; units < n; c++ {
		county := fmt.Sprintf("3299%02d", c)
		fmt.Fprintf(&b, "%s,第%d区,县市区,3210,1000\n", county, c)
		units++
		for t := 0; t < 20 && units < n; t++ {
			town := fmt.Sprintf("%s%03d", county, t)
			fmt.Fprintf(&b, "%s,第%d街道,乡镇街道,%s,100\n", town, t, county)
			units++
			for br := 0; br < 20 && units < n; br++ {
				fmt.Fprintf(&b, ",第%d党支部,党支部,%s,20\n", br, town)
				units++
			}
		}
	}
	return b.Bytes()
}

// BenchmarkImport10k imports a 10,000-unit registry into an empty
// database: parse, plan, insert, and one audit row per unit.
func BenchmarkImport10k(b *testing.B) {
	data := bigRegistry(10_000)
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := e.Open(b)
				b.StartTimer()
				if _, err := registry.Import(ctx, db, actor, "big.csv", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReimport10k plans an unchanged 10,000-unit file against a full
// registry: the cost of a preview, or of a re-import that changes nothing.
func BenchmarkReimport10k(b *testing.B) {
	data := bigRegistry(10_000)
	db := storetest.OpenSQLite(b)
	if _, err := registry.Import(ctx, db, actor, "big.csv", data); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := registry.Preview(ctx, db, "big.csv", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineInsert10k is the floor for BenchmarkImport10k measured in
// the same run: 10,000 bare INSERTs of the same rows in one transaction,
// without parsing, checks or audit.
func BenchmarkBaselineInsert10k(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := e.Open(b)
				b.StartTimer()
				if err := bareInserts(db, 10_000); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func bareInserts(db *store.DB, n int) error {
	tx, err := db.SQL().Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC()
	var city int64
	if err := tx.QueryRow(`INSERT INTO units (code, name, kind, headcount, created_at, updated_at)
		VALUES ('B0', 'city', 'city', 0, $1, $1) RETURNING id`, now).Scan(&city); err != nil {
		return err
	}
	for i := 1; i < n; i++ {
		if _, err := tx.Exec(`INSERT INTO units (code, name, kind, parent_id, headcount, created_at, updated_at)
			VALUES ($1, $2, 'county', $3, 10, $4, $4)`, fmt.Sprintf("B%d", i), fmt.Sprintf("unit %d", i), city, now); err != nil {
			return err
		}
	}
	return tx.Commit()
}
