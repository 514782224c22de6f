-- Campaigns: a question set asked, for a while, of some departments and ranks instead of Pulse:QuestionSet.
-- departments and ranks are JSON arrays of names; an empty array means every department (rank).

CREATE TABLE campaigns (
    id            TEXT PRIMARY KEY,
    question_set  TEXT NOT NULL,
    departments   TEXT NOT NULL,
    ranks         TEXT NOT NULL,
    starts_at     BIGINT NOT NULL,
    ends_at       BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX ix_campaigns_period ON campaigns (ends_at, starts_at);

-- The value answers are read by kind and time window.
CREATE INDEX ix_signals_kind_observed ON signals (kind, observed_at);
