-- +goose Up
-- API tokens expire (at most a year; 90 days unless chosen). A token made
-- before this column had none: it expires 90 days after its creation.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN expires_at;
