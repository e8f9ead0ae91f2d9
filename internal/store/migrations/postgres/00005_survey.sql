-- +goose Up
-- Survey codes are stored only as keyed hashes, with their binding and
-- state. No time is kept: nothing orders a spend against a response.
-- (SQLite keeps these tables WITHOUT ROWID, in key order.)
CREATE TABLE survey_codes (
    hash        TEXT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    category    TEXT NOT NULL DEFAULT '',
    batch       TEXT NOT NULL,
    state       TEXT NOT NULL
);
CREATE INDEX survey_codes_unit ON survey_codes (campaign_id, unit_id, state);

-- Responses carry a random id and the day only; rows sit in id order.
CREATE TABLE responses (
    id          TEXT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    category    TEXT NOT NULL DEFAULT '',
    channel     TEXT NOT NULL,
    day         TEXT NOT NULL,
    answers     TEXT NOT NULL,
    overall     INTEGER NOT NULL,
    comment     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX responses_unit ON responses (campaign_id, unit_id);

-- Paper ballots keyed by clerks, waiting for a second, matching keying.
-- A matching pair becomes a response and both entries are deleted; a
-- mismatch waits here for a third person.
CREATE TABLE ballot_entries (
    code_hash   TEXT NOT NULL,
    clerk_id    BIGINT NOT NULL REFERENCES users (id),
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    answers     TEXT NOT NULL,
    overall     INTEGER NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code_hash, clerk_id)
);

-- +goose Down
DROP TABLE ballot_entries;
DROP TABLE responses;
DROP TABLE survey_codes;
