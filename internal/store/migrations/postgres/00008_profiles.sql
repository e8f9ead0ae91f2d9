-- +goose Up
-- Answer profiles of a dimension (S4 v2): how many respondents of a unit
-- gave each count of each level to the items of one dimension, e.g.
-- profile "2,1,0,0" = two 好 and one 较好 among its items (不了解 left
-- out; a respondent with none of the dimension answered is not counted).
-- A dimension's variance sums each respondent's answers before the unit
-- totals, which per-item tallies cannot give; these histograms can, for
-- any score scale. Updated with the tallies, by the inbox move only.
CREATE TABLE profiles (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    dimension   TEXT NOT NULL,
    profile     TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, unit_id, dimension, profile)
);

-- +goose Down
DROP TABLE profiles;
