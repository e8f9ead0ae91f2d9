package store

import (
	"context"
	"database/sql"
	"strings"

	"pinggu"
)

// File is a stored evidence file with where it belongs and its bytes.
type File struct {
	pinggu.StoredFile
	CampaignID int64
	UnitID     int64
	Data       []byte // nil unless asked for
	Text       string // "" unless asked for
}

// SaveFile stores a checked file of a unit under a new server-made id,
// which it sets in f with the uploader and the time.
func (tx *Tx) SaveFile(ctx context.Context, campaign, unit int64, f *pinggu.StoredFile, data []byte, text string) error {
	f.ID, f.By, f.At, f.Size, f.HasText = randomID(), tx.Actor.Login, tx.Now, len(data), text != ""
	_, err := tx.exec(ctx, `INSERT INTO files (id, campaign_id, unit_id, name, type, size, sha256, received, stripped, data, text, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		f.ID, campaign, unit, f.Name, f.Type, f.Size, f.SHA256, f.Received, strings.Join(f.Stripped, ","), data, text, f.By, f.At)
	return err
}

const fileColumns = "f.id, f.campaign_id, f.unit_id, f.name, f.type, f.size, f.sha256, f.received, f.stripped, f.text <> '', f.created_by, f.created_at"

func scanFile(s interface{ Scan(...any) error }, extra ...any) (*File, error) {
	var f File
	var stripped string
	var at sql.NullTime // NULL through a left join
	err := s.Scan(append([]any{&f.ID, &f.CampaignID, &f.UnitID, &f.Name, &f.Type, &f.Size, &f.SHA256, &f.Received, &stripped, &f.HasText, &f.By, &at}, extra...)...)
	if err != nil {
		return nil, err
	}
	f.At = at.Time
	if stripped != "" {
		f.Stripped = strings.Split(stripped, ",")
	}
	f.At = f.At.UTC()
	return &f, nil
}

// FileByID returns a stored file with its bytes and its text.
func (tx *Tx) FileByID(ctx context.Context, id string) (*File, error) {
	var data []byte
	var text string
	f, err := scanFile(tx.queryRow(ctx, "SELECT "+fileColumns+", f.data, f.text FROM files f WHERE f.id = $1", id), &data, &text)
	if err := scanOne(err, "file.not_found"); err != nil {
		return nil, err
	}
	f.Data, f.Text = data, text
	return f, nil
}

// FileTexts returns the extracted text of the files ids, by id.
func (tx *Tx) FileTexts(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		var text string
		if err := scanOne(tx.queryRow(ctx, "SELECT text FROM files WHERE id = $1", id).Scan(&text), "file.not_found"); err != nil {
			return nil, err
		}
		out[id] = text
	}
	return out, nil
}
