-- +goose Up
-- A response is first written here, in the transaction that spends its
-- code, and moved to responses later, together with others, in random
-- order, by another transaction. So no stored response shares a
-- transaction with the spend of its code: on PostgreSQL a row's xmin
-- names the transaction that wrote it, and would otherwise join a spent
-- code to its response in one query.
CREATE TABLE response_inbox (
    id          TEXT PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    category    TEXT NOT NULL DEFAULT '',
    channel     TEXT NOT NULL,
    day         TEXT NOT NULL,
    answers     TEXT NOT NULL,
    overall     INTEGER NOT NULL,
    comment     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX response_inbox_unit ON response_inbox (campaign_id, unit_id);

-- +goose Down
DROP TABLE response_inbox;
