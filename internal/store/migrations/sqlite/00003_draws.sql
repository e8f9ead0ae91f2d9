-- +goose Up
-- Frozen sampling frames: canonical CSV and its SHA-256, per stratum.
CREATE TABLE frames (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    stratum     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    csv         TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    n           INTEGER NOT NULL,
    frozen_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, stratum)
);

-- A draw: one label per campaign, never repeated.
CREATE TABLE draws (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    label       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    seed        TEXT NOT NULL,
    kmin        INTEGER NOT NULL,
    allocations TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, label)
);

CREATE TABLE draw_strata (
    draw_id      INTEGER NOT NULL REFERENCES draws (id),
    stratum      TEXT NOT NULL,
    frame_sha256 TEXT NOT NULL,
    n            INTEGER NOT NULL,
    rule         TEXT NOT NULL,
    pct          INTEGER NOT NULL,
    k            INTEGER NOT NULL,
    PRIMARY KEY (draw_id, stratum)
);

-- Every element of every stratum in ticket order, with its status;
-- released and non-response rows change status, none is ever deleted.
CREATE TABLE draw_entries (
    draw_id    INTEGER NOT NULL REFERENCES draws (id),
    stratum    TEXT NOT NULL,
    rank       INTEGER NOT NULL,
    element_id TEXT NOT NULL,
    ticket     TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (draw_id, stratum, rank)
);

-- Commit–reveal seeds: each party registers SHA-256(share|salt) before
-- anything is revealed; the seed is the SHA-256 of the shares joined by "|"
-- in registration order.
CREATE TABLE seed_parties (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    label       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    party       TEXT NOT NULL,
    commitment  TEXT NOT NULL,
    share       TEXT NOT NULL DEFAULT '',
    salt        TEXT NOT NULL DEFAULT '',
    committed_at TIMESTAMP NOT NULL,
    revealed_at TIMESTAMP,
    PRIMARY KEY (campaign_id, label, position),
    UNIQUE (campaign_id, label, party)
);

-- +goose Down
DROP TABLE seed_parties;
DROP TABLE draw_entries;
DROP TABLE draw_strata;
DROP TABLE draws;
DROP TABLE frames;
