-- +goose Up
-- A framework template; doc is the JSON of its current version. Every saved
-- version is kept in framework_versions.
CREATE TABLE frameworks (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    audience   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE framework_versions (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id),
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    actor        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (framework_id, version)
);

-- settings is the JSON of pinggu.Settings.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    state        TEXT NOT NULL,
    settings     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);

-- The frameworks a campaign uses, frozen when it is published.
CREATE TABLE campaign_frameworks (
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    framework_id INTEGER NOT NULL REFERENCES frameworks (id),
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    PRIMARY KEY (campaign_id, framework_id)
);

CREATE TABLE eval_groups (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    name        TEXT NOT NULL,
    leader_id   INTEGER REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, name)
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES eval_groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);

-- A county or municipal unit is evaluated by one group per campaign.
CREATE TABLE group_units (
    group_id    INTEGER NOT NULL REFERENCES eval_groups (id) ON DELETE CASCADE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    PRIMARY KEY (group_id, unit_id),
    UNIQUE (campaign_id, unit_id)
);

-- +goose Down
DROP TABLE group_units;
DROP TABLE group_members;
DROP TABLE eval_groups;
DROP TABLE campaign_frameworks;
DROP TABLE campaigns;
DROP TABLE framework_versions;
DROP TABLE frameworks;
