-- +goose Up
-- No re-draw (S3a): a draw is never deleted or repeated. A mistaken one can
-- only be voided by the admin, with a reason, before any code is issued
-- or anyone is contacted from it; the void stays on the public record.
-- contacted_at is set when the draw's call list is first opened.
-- occasion names the meeting an interviewee draw is for: one draw per unit
-- and occasion.
ALTER TABLE draws ADD COLUMN occasion TEXT NOT NULL DEFAULT '';
ALTER TABLE draws ADD COLUMN contacted_at TIMESTAMP;
ALTER TABLE draws ADD COLUMN voided_at TIMESTAMP;
ALTER TABLE draws ADD COLUMN voided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE draws ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE draws DROP COLUMN void_reason;
ALTER TABLE draws DROP COLUMN voided_by;
ALTER TABLE draws DROP COLUMN voided_at;
ALTER TABLE draws DROP COLUMN contacted_at;
ALTER TABLE draws DROP COLUMN occasion;
