-- Scheduled downtime (docs/downtime.md): planned absences and change windows, per user or per group, one-off or
-- weekly. Every downtime has an end (ends_at); ending one early moves ends_at to that moment, so what happened
-- stays for the reports. Recurring ones carry the weekly window (days "mon,tue", local HH:mm, IANA time zone).

CREATE TABLE downtimes (
    id           TEXT PRIMARY KEY,
    group_type   TEXT NULL,
    group_name   TEXT NULL,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL,
    days         TEXT NULL,
    day_start    TEXT NULL,
    day_end      TEXT NULL,
    time_zone    TEXT NULL,
    reason       TEXT NOT NULL,
    author       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    ended_by     TEXT NULL
);
CREATE INDEX ix_downtimes_ends ON downtimes (ends_at, starts_at);

-- The people of a downtime given as a list of users (none for a group downtime).
CREATE TABLE downtime_users (
    downtime_id  TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    PRIMARY KEY (downtime_id, user_id)
);
CREATE INDEX ix_downtime_users_user ON downtime_users (user_id);
