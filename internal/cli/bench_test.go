package cli_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestBenchSurvey runs a small intake benchmark: every flow succeeds, the
// stored responses equal the successes, and submits share commits.
func TestBenchSurvey(t *testing.T) {
	r := pinggu(t, "", "bench", "survey", "--n", "300", "--c", "16", "--duration", "60s")
	if r.code != 0 {
		t.Fatalf("bench: %+v", r)
	}
	for _, want := range []string{`pinggu\s+300\s+0\s`, `net/http\s+300\s+0\s`, `responses stored 300, successful flows 300`} {
		if !regexp.MustCompile(want).MatchString(r.out) {
			t.Errorf("the report lacks %q:\n%s", want, r.out)
		}
	}
	if !regexp.MustCompile(`group commit: 300 submits in \d+ durable commits`).MatchString(r.out) {
		t.Errorf("no group-commit figure:\n%s", r.out)
	}
	if r := pinggu(t, "", "bench", "survey", "--c", "0"); r.code != 1 || !strings.Contains(r.err, "--c") {
		t.Errorf("--c 0: %+v", r)
	}
}
