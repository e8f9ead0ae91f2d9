-- +goose Up
-- Pre-aggregated answers: how many responses of a unit (and the category
-- their codes carried) gave each level to each question ("overall" for the
-- overall rating; level -1 is 不了解). Updated by the transaction that moves
-- responses out of the inbox, never by the one that spends a code, so a
-- tally row's transaction links to a mixed batch, not to one respondent.
CREATE TABLE tallies (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    category    TEXT NOT NULL DEFAULT '',
    question    TEXT NOT NULL,
    level       INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, unit_id, category, question, level)
);

-- Checklist assessment (清单式评估): an evaluator's grade of one evaluated
-- unit on one indicator item, on the campaign's scale (a level index, 0
-- best), with the evidence noted.
CREATE TABLE checklist_grades (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    item        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    entered_by  BIGINT NOT NULL REFERENCES users (id),
    entered_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, unit_id, item)
);

-- One evaluation report per county and per municipal unit: the group's
-- text by section, its state, and the respondent-minimum justification.
CREATE TABLE reports (
    campaign_id   BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    state         TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0,
    sections      TEXT NOT NULL,
    justification TEXT NOT NULL DEFAULT '',
    return_reason TEXT NOT NULL DEFAULT '',
    updated_by    BIGINT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    submitted_at  TIMESTAMPTZ,
    PRIMARY KEY (campaign_id, unit_id)
);

-- Every submitted version, kept whole: a returned report is resubmitted
-- as the next version and the earlier ones stay readable.
CREATE TABLE report_versions (
    campaign_id   BIGINT NOT NULL,
    unit_id       BIGINT NOT NULL,
    version       INTEGER NOT NULL,
    sections      TEXT NOT NULL,
    justification TEXT NOT NULL DEFAULT '',
    submitted_by  BIGINT NOT NULL,
    submitted_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, unit_id, version),
    FOREIGN KEY (campaign_id, unit_id) REFERENCES reports (campaign_id, unit_id)
);

-- +goose Down
DROP TABLE report_versions;
DROP TABLE reports;
DROP TABLE checklist_grades;
DROP TABLE tallies;
