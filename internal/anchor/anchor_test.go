package anchor

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSignVerifyAndKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "anchor.key")
	key, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreateKey(path)
	if err != nil || !again.Equal(key) {
		t.Fatalf("the key file is not reused: %v", err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	a := Sign(key, 42, "abc", time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
	if err := a.Verify(key.Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("a fresh anchor: %v", err)
	}
	for name, bad := range map[string]func(*Anchor){
		"seq":  func(x *Anchor) { x.Seq = 41 },
		"hash": func(x *Anchor) { x.Hash = "abd" },
		"time": func(x *Anchor) { x.At = x.At.Add(time.Second) },
	} {
		b := a
		bad(&b)
		if b.Verify(nil) == nil {
			t.Errorf("an anchor with its %s changed verifies", name)
		}
	}
	other, _ := LoadOrCreateKey(filepath.Join(t.TempDir(), "other.key"))
	if Sign(other, 42, "abc", a.At).Verify(key.Public().(ed25519.PublicKey)) == nil {
		t.Error("an anchor signed by another key verifies against this installation's")
	}
}
