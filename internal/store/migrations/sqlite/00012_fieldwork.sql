-- +goose Up
-- Files kept as evidence (self-assessment reports, a finding's photos and
-- documents), under a server-made id: the bytes with their author
-- metadata removed, their SHA-256 and that of the bytes as received, and
-- their extracted text. The uploader's file name is shown, never used.
CREATE TABLE files (
    id          TEXT PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    received    TEXT NOT NULL,
    stripped    TEXT NOT NULL DEFAULT '',
    data        BLOB NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX files_unit ON files (campaign_id, unit_id);

-- Every submitted version of a unit's self-assessment (自查报告) and the
-- group's decision on it. The state is derived from the latest version
-- and the campaign's deadline.
CREATE TABLE self_checks (
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    version      INTEGER NOT NULL,
    file_id      TEXT REFERENCES files (id),
    sections     TEXT NOT NULL DEFAULT '{}',
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    decision     TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    quality      TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    PRIMARY KEY (campaign_id, unit_id, version)
);

-- Hearing records (听取意见) of a county or municipal unit: kind, date,
-- place, evaluators, participants per category, the interviewee draw the
-- people came from and who came, a summary.
CREATE TABLE hearings (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    kind         TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    place        TEXT NOT NULL,
    evaluators   TEXT NOT NULL,
    participants TEXT NOT NULL DEFAULT '{}',
    draw_id      INTEGER REFERENCES draws (id),
    attendance   TEXT NOT NULL DEFAULT '{}',
    inspected    TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    updated_by   TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX hearings_unit ON hearings (campaign_id, unit_id);

-- A finding of a hearing: an evaluated object, an indicator item, an
-- achievement or a problem, and its evidence files.
CREATE TABLE findings (
    id         INTEGER PRIMARY KEY,
    hearing_id INTEGER NOT NULL REFERENCES hearings (id),
    object_id  INTEGER NOT NULL REFERENCES units (id),
    item       TEXT NOT NULL,
    nature     TEXT NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX findings_hearing ON findings (hearing_id);
CREATE TABLE finding_files (
    finding_id INTEGER NOT NULL REFERENCES findings (id),
    file_id    TEXT NOT NULL REFERENCES files (id),
    PRIMARY KEY (finding_id, file_id)
);

-- Each attempt to reach a drawn person by phone (S3a.5): the outcome and
-- the day in Beijing, so that "three attempts on two days" is counted.
CREATE TABLE call_attempts (
    id        INTEGER PRIMARY KEY,
    draw_id   INTEGER NOT NULL REFERENCES draws (id),
    person_id TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    day       TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    called_by TEXT NOT NULL,
    called_at TIMESTAMP NOT NULL
);
CREATE INDEX call_attempts_person ON call_attempts (draw_id, person_id);

-- +goose Down
DROP TABLE call_attempts;
DROP TABLE finding_files;
DROP TABLE findings;
DROP TABLE hearings;
DROP TABLE self_checks;
DROP TABLE files;
