package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
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

	"pinggu"
)

// The survey keys live outside the database (docs/anonymity.md): whoever
// holds the database, its files or its backups without this file can
// neither turn an issued code into the hash stored for it nor read a
// response still waiting in the inbox. Each campaign has its own pair,
// destroyed when the campaign closes, so that no copy of anything kept,
// old or new, links a response to a code afterwards.

// KeysPath is where the survey keys live by default: beside a SQLite file
// ("pinggu.db" → "pinggu.db.keys"), or "pinggu.keys" in the working folder
// for PostgreSQL. PINGGU_KEYS names another file. It belongs in the
// backups of the server's files, never in the database's.
func KeysPath(dsn string) string {
	if IsPostgres(dsn) {
		return "pinggu.keys"
	}
	return dsn + ".keys"
}

// campaignKeys are one campaign's survey keys.
type campaignKeys struct {
	Code  []byte `json:"code"`  // HMAC-SHA256 key of its code hashes
	Inbox []byte `json:"inbox"` // AES-256-GCM key of its waiting responses
}

type keyFile struct {
	Note      string                   `json:"note"`
	Campaigns map[string]*campaignKeys `json:"campaigns"`
}

const keyFileNote = "pinggu survey keys: keep this file out of the database's backups; losing it voids every unspent code and every response still waiting in the inbox"

// keyring reads and writes the key file. Lookups re-read it when it has
// changed on disk, so that several instances on one PostgreSQL share it.
type keyring struct {
	path string
	mu   sync.Mutex
	keys map[int64]*campaignKeys
	seen time.Time // the file's modification time when last read
	size int64
}

func openKeyring(path string) (*keyring, error) {
	k := &keyring{path: path, keys: map[int64]*campaignKeys{}}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// reload reads the file if it changed since the last read. A missing file
// is an empty keyring.
func (k *keyring) reload() error {
	st, err := os.Stat(k.path)
	if errors.Is(err, os.ErrNotExist) {
		k.keys, k.seen, k.size = map[int64]*campaignKeys{}, time.Time{}, 0
		return nil
	}
	if err != nil {
		return err
	}
	if st.ModTime().Equal(k.seen) && st.Size() == k.size {
		return nil
	}
	b, err := os.ReadFile(k.path)
	if err != nil {
		return err
	}
	var f keyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("%s is not a pinggu key file: %w", k.path, err)
	}
	keys := map[int64]*campaignKeys{}
	for id, ck := range f.Campaigns {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || len(ck.Code) != 32 || len(ck.Inbox) != 32 {
			return fmt.Errorf("%s: campaign %q has no valid keys", k.path, id)
		}
		keys[n] = ck
	}
	k.keys, k.seen, k.size = keys, st.ModTime(), st.Size()
	return nil
}

// save writes the keyring whole: a new file, synced, renamed over the old.
func (k *keyring) save() error {
	f := keyFile{Note: keyFileNote, Campaigns: map[string]*campaignKeys{}}
	for id, ck := range k.keys {
		f.Campaigns[strconv.FormatInt(id, 10)] = ck
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	dir := filepath.Dir(k.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(k.path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), k.path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	k.seen = time.Time{} // the next lookup reads what was written
	return k.reload()
}

// get returns a campaign's keys, or nil when it has none (never had, or
// they were destroyed at its close).
func (k *keyring) get(campaign int64) (*campaignKeys, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return nil, err
	}
	return k.keys[campaign], nil
}

// live returns every campaign's keys.
func (k *keyring) live() (map[int64]*campaignKeys, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return nil, err
	}
	return k.keys, nil
}

// ensure returns a campaign's keys, making them when it has none. code, if
// not nil, is the code key to keep (a database's former single secret).
func (k *keyring) ensure(campaign int64, code []byte) (*campaignKeys, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return nil, err
	}
	if ck := k.keys[campaign]; ck != nil {
		return ck, nil
	}
	ck := &campaignKeys{Code: code, Inbox: make([]byte, 32)}
	if ck.Code == nil {
		ck.Code = make([]byte, 32)
		rand.Read(ck.Code)
	}
	rand.Read(ck.Inbox)
	keys := make(map[int64]*campaignKeys, len(k.keys)+1)
	for id, v := range k.keys {
		keys[id] = v
	}
	keys[campaign] = ck
	k.keys = keys
	return ck, k.save()
}

// shred destroys the keys of the given campaigns.
func (k *keyring) shred(campaigns ...int64) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return err
	}
	keys := make(map[int64]*campaignKeys, len(k.keys))
	for id, v := range k.keys {
		keys[id] = v
	}
	changed := false
	for _, id := range campaigns {
		if keys[id] != nil {
			delete(keys, id)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	k.keys = keys
	return k.save()
}

// hash is a code's stored form under the campaign's code key.
func (ck *campaignKeys) hash(code string) string { return pinggu.HashCode(ck.Code, code) }

// seal encrypts a waiting response's content, bound to the row's clear
// columns (ad) so that it cannot be moved to another row.
func (ck *campaignKeys) seal(plain, ad []byte) []byte {
	g := ck.gcm()
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	return g.Seal(nonce, nonce, plain, ad)
}

func (ck *campaignKeys) open(sealed, ad []byte) ([]byte, error) {
	g := ck.gcm()
	if len(sealed) < g.NonceSize() {
		return nil, errors.New("sealed response too short")
	}
	return g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], ad)
}

func (ck *campaignKeys) gcm() cipher.AEAD {
	b, err := aes.NewCipher(ck.Inbox)
	if err != nil {
		panic(err) // the key's length is checked on reading
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		panic(err)
	}
	return g
}

// upgradeSurveyKeys brings a database to the key file, on every open: the
// single code-hash key that databases kept in their settings becomes the
// code key of each campaign not yet closed and leaves the database;
// responses that waited in the clear (response_inbox_legacy) move, each
// campaign's together; and the keys of campaigns closed since they were
// last used are destroyed (a close that committed before its keys were).
func (db *DB) upgradeSurveyKeys(ctx context.Context) error {
	return db.Update(ctx, Actor{Login: "system"}, func(tx *Tx) error {
		campaigns, err := tx.Campaigns(ctx)
		if err != nil {
			return err
		}
		legacy, err := tx.Setting(ctx, legacySecretKey)
		if err != nil {
			return err
		}
		if legacy != "" {
			secret, err := hex.DecodeString(legacy)
			if err != nil {
				return err
			}
			for _, c := range campaigns {
				if c.State != pinggu.StateClosed {
					if _, err := db.keys.ensure(c.ID, secret); err != nil {
						return err
					}
				}
			}
			if _, err := tx.exec(ctx, "DELETE FROM settings WHERE key = $1", legacySecretKey); err != nil {
				return err
			}
			if err := tx.Audit(ctx, pinggu.ActionSurveyKeysMoved, "settings", 0, nil, map[string]any{"file": db.keys.path}); err != nil {
				return err
			}
		}
		if err := tx.moveLegacyInbox(ctx); err != nil {
			return err
		}
		var closed []int64
		for _, c := range campaigns {
			if c.State == pinggu.StateClosed {
				closed = append(closed, c.ID)
			}
		}
		tx.afterCommit(func() {
			if err := db.keys.shred(closed...); err != nil {
				db.log.Error("destroy closed campaigns' survey keys", "err", err)
			}
		})
		return nil
	})
}

// moveLegacyInbox moves the responses that waited in the clear before the
// inbox was sealed, each campaign's in one batch.
func (tx *Tx) moveLegacyInbox(ctx context.Context) error {
	rows, err := tx.query(ctx, "DELETE FROM response_inbox_legacy RETURNING "+responseColumns)
	if err != nil {
		return err
	}
	var moved []responseRow
	for rows.Next() {
		var r responseRow
		if err := rows.Scan(r.fields()...); err != nil {
			rows.Close()
			return pinggu.Internal(err)
		}
		r.id, r.day = randomID(), Day(tx.Now)
		moved = append(moved, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(moved) == 0 {
		return err
	}
	return tx.storeMoved(ctx, moved)
}
