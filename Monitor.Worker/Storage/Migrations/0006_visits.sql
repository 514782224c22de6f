-- Visits (issue 9): who from IT talked to whom, how the person felt, follow-ups; lunches with drawn users.
-- Dates without a time (join date, follow-up date) are ISO text (yyyy-MM-dd), which sorts and compares alike on both stores.

ALTER TABLE users ADD COLUMN joined_on TEXT NULL;

CREATE TABLE visits (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    feeling       DOUBLE PRECISION NULL,
    by_whom       TEXT NOT NULL,
    visited_at    BIGINT NOT NULL,
    notes         TEXT NULL,
    follow_up_on  TEXT NULL,
    lunch_id      TEXT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX ix_visits_user ON visits (user_id, visited_at);
CREATE INDEX ix_visits_time ON visits (visited_at);

CREATE TABLE lunches (
    id         TEXT PRIMARY KEY,
    drawn_at   BIGINT NOT NULL,
    drawn_by   TEXT NOT NULL,
    seed       INTEGER NOT NULL
);

-- attended: NULL until attendance is recorded. A row turns TRUE once, which makes its lunch visit once, on any replica.
CREATE TABLE lunch_invitees (
    lunch_id    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    invited_at  BIGINT NOT NULL,
    attended    BOOLEAN NULL,
    PRIMARY KEY (lunch_id, user_id)
);
CREATE INDEX ix_lunch_invitees_user ON lunch_invitees (user_id, invited_at);
