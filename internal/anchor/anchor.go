// Package anchor signs the head of the audit chain with a key kept outside
// the database (审计锚点): whoever can rewrite the database can also
// rewrite the chain and its recorded head, but not forge a signature
// without the key file. A signed head, kept or sent elsewhere, proves that
// rows up to it existed as they were: deleting rows from the end of the
// chain, or editing any, no longer verifies against it.
package anchor

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Anchor is one signed head of the audit chain.
type Anchor struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	At        time.Time `json:"at"`
	PublicKey string    `json:"public_key"` // hex Ed25519
	Signature string    `json:"signature"`  // hex, over Message
}

// Message is what the signature covers.
func (a Anchor) Message() []byte {
	return []byte("pinggu-audit-anchor-v1|" + strconv.FormatInt(a.Seq, 10) + "|" + a.Hash + "|" + a.At.UTC().Format(time.RFC3339Nano))
}

// Sign makes the anchor of head seq:hash at.
func Sign(key ed25519.PrivateKey, seq int64, hash string, at time.Time) Anchor {
	a := Anchor{Seq: seq, Hash: hash, At: at.UTC(), PublicKey: hex.EncodeToString(key.Public().(ed25519.PublicKey))}
	a.Signature = hex.EncodeToString(ed25519.Sign(key, a.Message()))
	return a
}

// Verify checks the signature, against pinned when given (the installation's
// known public key), else against the key the anchor names.
func (a Anchor) Verify(pinned ed25519.PublicKey) error {
	pub, err := hex.DecodeString(a.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return errors.New("the anchor's public key is malformed")
	}
	if pinned != nil && !pinned.Equal(ed25519.PublicKey(pub)) {
		return errors.New("the anchor was signed by another key than this installation's")
	}
	sig, err := hex.DecodeString(a.Signature)
	if err != nil || !ed25519.Verify(pub, a.Message(), sig) {
		return errors.New("the anchor's signature does not verify")
	}
	return nil
}

// Read reads an anchor file.
func Read(path string) (Anchor, error) {
	var a Anchor
	b, err := os.ReadFile(path)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return a, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// Write writes an anchor file.
func Write(path string, a Anchor) error {
	b, _ := json.MarshalIndent(a, "", "  ")
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// KeyPath is where the installation's signing key lives: PINGGU_ANCHOR_KEY,
// or beside a SQLite file ("pinggu.db" → "pinggu.db.anchor-key"), or
// "pinggu-anchor.key" in the working folder for PostgreSQL. It belongs in
// the backups of the server's files, never in the database's.
func KeyPath(env, dsn string, postgres bool) string {
	switch {
	case env != "":
		return env
	case postgres:
		return "pinggu-anchor.key"
	}
	return dsn + ".anchor-key"
}

// ReadKey reads the key file.
func ReadKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seed, err := hex.DecodeString(string(trim(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%s is not an anchor key", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// LoadOrCreateKey reads the key file, or makes one (mode 0600).
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	key, err := ReadKey(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return key, err
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		os.MkdirAll(dir, 0o700)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(seed) + "\n"); err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

func trim(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// Notary signs heads into a folder beside the key ("<key>.anchors"), one
// file per head, named by its sequence number: at intervals, and whenever
// something leaves the system that a reader may later hold against the
// chain (a draw record, a report, an export).
type Notary struct {
	key ed25519.PrivateKey
	dir string
	mu  sync.Mutex
}

// OpenNotary reads (or makes) the key at keyPath and its anchors folder.
func OpenNotary(keyPath string) (*Notary, error) {
	key, err := LoadOrCreateKey(keyPath)
	if err != nil {
		return nil, err
	}
	dir := keyPath + ".anchors"
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &Notary{key: key, dir: dir}, nil
}

// Dir is the folder the anchors are written to.
func (n *Notary) Dir() string { return n.dir }

// Sign signs head seq:hash now and writes it, unless that head was signed
// already; it returns the head's anchor either way.
func (n *Notary) Sign(seq int64, hash string) (Anchor, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	file := filepath.Join(n.dir, fmt.Sprintf("anchor-%d.json", seq))
	if a, err := Read(file); err == nil && a.Hash == hash && a.Verify(n.key.Public().(ed25519.PublicKey)) == nil {
		return a, nil
	}
	a := Sign(n.key, seq, hash, time.Now())
	return a, Write(file, a)
}

// Header is the anchor as one HTTP header value, for a download to carry
// the head it was made at.
func (a Anchor) Header() string {
	return fmt.Sprintf("seq=%d; hash=%s; at=%s; key=%s; sig=%s", a.Seq, a.Hash, a.At.Format(time.RFC3339Nano), a.PublicKey, a.Signature)
}
