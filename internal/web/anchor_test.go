package web

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"pinggu/internal/anchor"
	"pinggu/internal/store"
)

// TestDownloadsAreAnchored: an export leaves with the audit head signed
// (its own audit row included), in its header and beside the key.
func TestDownloadsAreAnchored(t *testing.T) {
	f := newFixture(t)
	n, err := anchor.OpenNotary(filepath.Join(t.TempDir(), "anchor.key"))
	if err != nil {
		t.Fatal(err)
	}
	f.s.cfg.Notary = n
	res, _ := f.do("admin", "GET", "/units/export?format=csv", nil)
	h := res.Header.Get("X-Pinggu-Audit-Anchor")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(h, "seq=") {
		t.Fatalf("export: %d, anchor header %q", res.StatusCode, h)
	}
	var seq int64
	var hash string
	f.db.View(ctx, func(tx *store.Tx) (err error) { seq, hash, err = tx.AuditHead(ctx); return })
	files, _ := filepath.Glob(filepath.Join(n.Dir(), "anchor-*.json"))
	if len(files) != 1 {
		t.Fatalf("anchors: %v", files)
	}
	a, err := anchor.Read(files[0])
	if err != nil || a.Seq != seq || a.Hash != hash || a.Verify(nil) != nil || !strings.Contains(h, "hash="+hash) {
		t.Errorf("the anchor %+v (%v) is not the head %d:%s after the export", a, err, seq, hash)
	}
}
