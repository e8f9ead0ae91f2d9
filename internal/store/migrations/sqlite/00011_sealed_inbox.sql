-- +goose Up
-- A waiting response is sealed (AES-256-GCM under its campaign's inbox
-- key, which is kept outside the database): whoever reads the database or
-- its files sees that a response waits, for which unit, category and
-- channel — what the spent code's own row already shows — but not what it
-- says. It is opened only when it moves to responses with at least k-1
-- others of its kind (docs/anonymity.md). Responses that waited in the
-- clear before this version are moved from response_inbox_legacy when the
-- database is next opened; the table stays, empty.
DROP INDEX response_inbox_unit;
ALTER TABLE response_inbox RENAME TO response_inbox_legacy;
CREATE TABLE response_inbox (
    id          TEXT PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    category    TEXT NOT NULL DEFAULT '',
    channel     TEXT NOT NULL,
    sealed      BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX response_inbox_kind ON response_inbox (campaign_id, unit_id, category, channel);

-- +goose Down
DROP TABLE response_inbox;
ALTER TABLE response_inbox_legacy RENAME TO response_inbox;
CREATE INDEX response_inbox_unit ON response_inbox (campaign_id, unit_id);
