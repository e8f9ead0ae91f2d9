-- +goose Up
CREATE TABLE rosters (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    state       TEXT NOT NULL,
    size        INTEGER NOT NULL,
    members     INTEGER NOT NULL,
    sha256      TEXT NOT NULL DEFAULT '',
    frame       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    uploaded_at TIMESTAMP NOT NULL,
    frozen_at   TIMESTAMP,
    PRIMARY KEY (campaign_id, unit_id)
);

-- The people of a roster. After the campaign, purge blanks name, phone and
-- note and keeps the row, its id and category.
CREATE TABLE roster_people (
    campaign_id INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL,
    row_no      INTEGER NOT NULL,
    person_id   TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    category    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, unit_id, row_no),
    FOREIGN KEY (campaign_id, unit_id) REFERENCES rosters (campaign_id, unit_id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE roster_people;
DROP TABLE rosters;
