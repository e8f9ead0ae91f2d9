package similar

import (
	"fmt"
	"testing"
)

// BenchmarkScan scans generated corpora of 1,000 and 4,000 documents of
// about 4,000 characters, a third of them near-copies at 30 %:
// go test ./internal/similar -run '^$' -bench Scan -benchtime 1x
func BenchmarkScan(b *testing.B) {
	for _, sources := range []int{167, 667} {
		docs, names, _ := corpus(1, sources, 2, 0.3)
		chars := 0
		for _, d := range docs {
			chars += len([]rune(d.Text))
		}
		b.Run(fmt.Sprintf("%d-docs", len(docs)), func(b *testing.B) {
			var st Stats
			for range b.N {
				_, st = Scan(docs, Options{Stock: planQuotes, Names: names})
			}
			b.ReportMetric(float64(chars)/float64(len(docs)), "chars/doc")
			b.ReportMetric(float64(st.Candidates), "compared")
			b.ReportMetric(float64(st.Confirmed), "flagged")
		})
	}
}
