package sampling_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/sampling"
)

// The test vector of SAMPLING.md S2.
const (
	seed    = "63454660390103169462"
	draw    = "2024-units"
	stratum = "县A-乡镇"
)

func ids12() []string {
	var ids []string
	for i := 1; i <= 12; i++ {
		ids = append(ids, fmt.Sprintf("T%02d", i))
	}
	return ids
}

func TestVector(t *testing.T) {
	if got, want := sampling.Ticket(seed, draw, stratum, "T01"), "28fadfef08c5b309325fbe6ee5e47d2cb4b3c19d8d2380f6b6fa439afeacc6b2"; got != want {
		t.Fatalf("ticket(T01) = %s, want %s", got, want)
	}
	order, err := sampling.Order(seed, draw, stratum, ids12())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range order {
		got = append(got, e.ID)
	}
	if want := "T11 T04 T05 T12 T01 T07 T03 T08 T09 T10 T06 T02"; strings.Join(got, " ") != want {
		t.Errorf("order = %v, want %s", got, want)
	}
	if !strings.HasPrefix(order[0].Ticket(), "03a0cf45cdd593e2") || !strings.HasPrefix(order[1].Ticket(), "0987fac35d67645f") {
		t.Errorf("tickets = %s, %s", order[0].Ticket(), order[1].Ticket())
	}
	if k := (pinggu.Rate{Pct: 30, Rule: pinggu.RoundAtLeast}).SampleSize(12, 1); k != 4 {
		t.Errorf("k = %d, want 4", k)
	}
}

func idsOf(es []sampling.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// TestProperties checks on random frames that frame order changes nothing,
// that removing an element leaves the others' relative order alone, and that
// a larger k extends a smaller one (the order is one list; a sample is its
// prefix).
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		n := 1 + rng.IntN(300)
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("%d-%d", trial, rng.Int64())
		}
		base, err := sampling.Order(seed, "p", "s", ids)
		if err != nil {
			t.Fatal(err)
		}
		shuffled := slices.Clone(ids)
		rng.Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, _ := sampling.Order(seed, "p", "s", shuffled)
		if !slices.Equal(idsOf(base), idsOf(again)) {
			t.Fatalf("trial %d: row order changed the draw", trial)
		}
		if n > 1 {
			drop := rng.IntN(n)
			less := slices.Delete(slices.Clone(ids), drop, drop+1)
			fewer, _ := sampling.Order(seed, "p", "s", less)
			want := slices.DeleteFunc(idsOf(base), func(id string) bool { return id == ids[drop] })
			if !slices.Equal(idsOf(fewer), want) {
				t.Fatalf("trial %d: removing one element reordered the others", trial)
			}
		}
		for _, pct := range []int{10, 30, 50} {
			small := (pinggu.Rate{Pct: pct, Rule: pinggu.RoundAbout}).SampleSize(n, 1)
			large := (pinggu.Rate{Pct: pct + 20, Rule: pinggu.RoundAbout}).SampleSize(n, 1)
			if large < small || !slices.Equal(idsOf(base)[:small], idsOf(base)[:large][:small]) {
				t.Fatalf("trial %d: k=%d is not a prefix of k=%d", trial, small, large)
			}
		}
	}
}

func TestRefusals(t *testing.T) {
	cases := []struct {
		name                string
		seed, draw, stratum string
		ids                 []string
		key                 string
	}{
		{"duplicate id", seed, draw, stratum, []string{"A", "B", "A"}, "sampling.duplicate_id"},
		{"bar in id", seed, draw, stratum, []string{"A", "第一|支部"}, "sampling.field_bar"},
		{"bar in stratum", seed, draw, "a|b", []string{"A"}, "sampling.field_bar"},
		{"control char", seed, draw, stratum, []string{"A\tB"}, "sampling.field_control"},
		{"not NFC", seed, draw, stratum, []string{"e\u0301"}, "sampling.field_not_nfc"},
		{"empty label", seed, "", stratum, []string{"A"}, "sampling.field_empty"},
	}
	for _, c := range cases {
		_, err := sampling.Order(c.seed, c.draw, c.stratum, c.ids)
		if e := pinggu.AsError(err); err == nil || e.Problems[0].Key != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
	if err := sampling.CheckSeed("6345466039010316946"); err == nil {
		t.Error("a 19-digit seed was accepted")
	}
	if err := sampling.CheckSeed("6345466039010316946x"); err == nil {
		t.Error("a seed with a letter was accepted")
	}
	if err := sampling.CheckSeed(seed); err != nil {
		t.Errorf("a 20-digit seed: %v", err)
	}
}

// BenchmarkOrder5M ranks a 5,000,000-element frame in one stratum (target:
// ≤ 3 s and ≤ 1 GB on 2 cores). BenchmarkTickets5M, in the same run, is the
// floor: the 5,000,000 SHA-256 sums alone, on one core.
func BenchmarkOrder5M(b *testing.B) {
	ids := frame(5_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sampling.Order(seed, "bench", "321002/branch", ids); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTickets5M(b *testing.B) {
	ids := frame(5_000_000)
	for b.Loop() {
		for _, id := range ids {
			_ = sampling.Ticket(seed, "bench", "321002/branch", id)
		}
	}
}

func frame(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("321002-%07d", i)
	}
	return ids
}

func TestDrawAndVerify(t *testing.T) {
	var rows []sampling.FrameRow
	for _, id := range ids12() {
		rows = append(rows, sampling.FrameRow{ID: id, Name: "乡镇 " + id})
	}
	frame := sampling.CanonicalCSV(rows)
	if !strings.HasPrefix(string(frame), "id,name\nT01,乡镇 T01\n") {
		t.Fatalf("canonical CSV = %q", frame[:30])
	}
	frames := map[string][]byte{stratum: frame}
	rec, err := sampling.Draw(seed, draw, 1, []sampling.Stratum{{Label: stratum, Frame: frame, Rule: "at_least", Pct: 30}})
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Strata[0]
	if s.K != 4 || s.N != 12 || s.Order[3].ID != "T12" || s.Order[3].Status != "selected" || s.Order[4].Status != "queued" {
		t.Fatalf("record = %+v", s)
	}
	if m := sampling.Verify(rec, frames); m != nil {
		t.Fatalf("verify: %v", m)
	}
	// One id changed in the frame: the hash no longer matches.
	changed := []byte(strings.Replace(string(frame), "T07,", "T7,", 1))
	if m := sampling.Verify(rec, map[string][]byte{stratum: changed}); m == nil || !strings.Contains(m.What, "SHA-256") {
		t.Errorf("changed frame: %v", m)
	}
	// A record edited to swap two people is caught even with the right frame.
	swapped := *rec
	swapped.Strata = []sampling.StratumRecord{s}
	swapped.Strata[0].Order = slices.Clone(s.Order)
	swapped.Strata[0].Order[3], swapped.Strata[0].Order[4] = swapped.Strata[0].Order[4], swapped.Strata[0].Order[3]
	if m := sampling.Verify(&swapped, frames); m == nil || !strings.Contains(m.What, "rank 4") {
		t.Errorf("swapped record: %v", m)
	}
	// Releasing rank 6 before rank 5 is out of order.
	skipped := *rec
	skipped.Strata = []sampling.StratumRecord{s}
	skipped.Strata[0].Order = slices.Clone(s.Order)
	skipped.Strata[0].Order[5].Status = "released"
	if m := sampling.Verify(&skipped, frames); m == nil || !strings.Contains(m.What, "out of order") {
		t.Errorf("skipped replacement: %v", m)
	}
	skipped.Strata[0].Order[4].Status = "non_response:refused"
	if m := sampling.Verify(&skipped, frames); m != nil {
		t.Errorf("in-order replacement: %v", m)
	}
}

// TestAllocateV1 checks the first rule, which the verifier still applies
// to records made before alloc-v2, against hand-computed cases (comments
// show the arithmetic).
func TestAllocateV1(t *testing.T) {
	quotas := func(a sampling.Allocation) string {
		var s []string
		for _, x := range a.Shares {
			s = append(s, fmt.Sprintf("%s=%d", x.Stratum, x.Quota))
		}
		return strings.Join(s, " ")
	}
	cases := []struct {
		target int
		sizes  []int
		want   string
	}{
		// 100 of 200 in proportion: exact.
		{100, []int{120, 60, 20}, "A=60 B=30 C=10"},
		// 100 of 550: 90 r500, 7 r150, 1 r450 → 98 given; +1 to A (500), +1 to C (450).
		{100, []int{500, 40, 10}, "A=91 B=7 C=2"},
		// 100 of 105: 90 r50, 9 r55 → +1 to B makes 10 = all of B; B leaves,
		// the other 90 go to A.
		{100, []int{95, 10}, "A=90 B=10"},
		// The target reaches the total: everyone.
		{100, []int{50, 30, 20}, "A=50 B=30 C=20"},
		{30, []int{12}, "A=12"},
	}
	for _, c := range cases {
		var shares []sampling.Share
		for i, n := range c.sizes {
			shares = append(shares, sampling.Share{Stratum: string(rune('A' + i)), N: n})
		}
		if got := quotas(sampling.Reallocate(seed, "r", sampling.Allocation{Group: "321002", Target: c.target, Shares: shares})); got != c.want {
			t.Errorf("%d over %v = %s, want %s", c.target, c.sizes, got, c.want)
		}
	}
	// Ties go by ticket: three equal units share 10 of 21 as 4, 3, 3 in the
	// order of their tickets for "allocation/321002".
	a := sampling.Reallocate(seed, "r", sampling.Allocation{Group: "321002", Target: 10, Shares: []sampling.Share{{Stratum: "A", N: 7}, {Stratum: "B", N: 7}, {Stratum: "C", N: 7}}})
	first := "A"
	for _, x := range []string{"B", "C"} {
		if sampling.Ticket(seed, "r", "allocation/321002", x) < sampling.Ticket(seed, "r", "allocation/321002", first) {
			first = x
		}
	}
	for _, x := range a.Shares {
		want := 3
		if x.Stratum == first {
			want = 4
		}
		if x.Quota != want {
			t.Errorf("tie: %s got %d, want %d", x.Stratum, x.Quota, want)
		}
	}
}

// TestAllocate checks alloc-v2 (S3) by hand: min(2, N) to every unit
// first, the rest in proportion to the rosters, then each draw inflated by
// the expected response rate.
func TestAllocate(t *testing.T) {
	shares := func(sizes ...int) []sampling.Share {
		var out []sampling.Share
		for i, n := range sizes {
			out = append(out, sampling.Share{Stratum: string(rune('A' + i)), N: n})
		}
		return out
	}
	show := func(a sampling.Allocation) string {
		var s []string
		for _, x := range a.Shares {
			s = append(s, fmt.Sprintf("%s=%d/%d", x.Stratum, x.Target, x.Quota))
		}
		return strings.Join(s, " ")
	}
	cases := []struct {
		target, rate int
		sizes        []int
		want         string // target/quota
	}{
		// Base 2 each; 94 left over 200: 61 r20, 23 r100, 9 r80 → +1 to B.
		// Targets 63, 26, 11; at 85 %: ceil(6300/85) = 75, 31, 13.
		{100, 85, []int{130, 50, 20}, "A=63/75 B=26/31 C=11/13"},
		{100, 100, []int{130, 50, 20}, "A=63/63 B=26/26 C=11/11"},
		// A roster of 1 gives its one; 95 left over 250: 19 and 76 exactly.
		{100, 100, []int{1, 50, 200}, "A=1/1 B=21/21 C=78/78"},
		// A target below the bases: every unit still gets two.
		{5, 85, []int{10, 10, 10, 10}, "A=2/3 B=2/3 C=2/3 D=2/3"},
		// No draw past a roster: 2 of 2 at 85 % is 2.
		{100, 85, []int{2, 300}, "A=2/2 B=98/116"},
		// A later ceremony with nothing left of the target: two each.
		{0, 85, []int{40}, "A=2/3"},
	}
	for _, c := range cases {
		a := sampling.Allocate(seed, "r", "321002", c.target, c.rate, shares(c.sizes...))
		if got := show(a); got != c.want || a.Rule != sampling.AllocRule || a.ResponseRate != c.rate {
			t.Errorf("%d at %d%% over %v = %s (%s), want %s", c.target, c.rate, c.sizes, got, a.Rule, c.want)
		}
		if again := sampling.Reallocate(seed, "r", a); show(again) != show(a) {
			t.Errorf("reallocating %s gives %s", show(a), show(again))
		}
	}
}

// TestFrameNamesNeutralised: a frame file is opened in spreadsheets by
// auditors, so a name that would run as a formula gets an apostrophe; the
// ids, which the draw uses, are written as they are.
func TestFrameNamesNeutralised(t *testing.T) {
	csv := string(sampling.CanonicalCSV([]sampling.FrameRow{{ID: "A1", Name: "=HYPERLINK(\"x\")"}, {ID: "A2", Name: "普通"}}))
	if !strings.Contains(csv, "A1,\"'=HYPERLINK(\"\"x\"\")\"\n") || !strings.Contains(csv, "A2,普通\n") {
		t.Errorf("frame:\n%s", csv)
	}
}
