package store

import (
	"context"
	"time"

	"pinggu"
)

// Upload is a file kept between an import's preview and its confirmation.
type Upload struct {
	ID       string
	UserID   int64
	Filename string
	Data     []byte
}

// SaveUpload stores an upload and drops uploads older than a day.
func (tx *Tx) SaveUpload(ctx context.Context, up *Upload) error {
	if _, err := tx.exec(ctx, "DELETE FROM uploads WHERE created_at < $1", tx.Now.Add(-24*time.Hour)); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO uploads (id, user_id, filename, data, created_at) VALUES ($1, $2, $3, $4, $5)",
		up.ID, up.UserID, up.Filename, up.Data, tx.Now)
	return err
}

// TakeUpload returns and deletes the upload id of user.
func (tx *Tx) TakeUpload(ctx context.Context, userID int64, id string) (*Upload, error) {
	up := &Upload{ID: id, UserID: userID}
	err := tx.queryRow(ctx, "SELECT filename, data FROM uploads WHERE id = $1 AND user_id = $2", id, userID).
		Scan(&up.Filename, &up.Data)
	// A missing upload is a stale page, not a missing resource: conflict.
	if err := scanOne(err, "import.upload_gone"); pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
		return nil, pinggu.Errorf(pinggu.EConflict, "import.upload_gone")
	} else if err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, "DELETE FROM uploads WHERE id = $1", id); err != nil {
		return nil, err
	}
	return up, nil
}
