-- Pulses and their transactional outbox. A pulse row and its message are written in one transaction.

CREATE TABLE pulses (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL,
    question_set     TEXT NOT NULL,
    reason           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    sent_at          BIGINT NULL,
    answered_at      BIGINT NULL,
    honeypot_at      BIGINT NULL,
    closed_at        BIGINT NULL
);
CREATE INDEX ix_pulses_user ON pulses (user_id, created_at);
CREATE INDEX ix_pulses_open ON pulses (closed_at, expires_at);

-- Every GET of an answer link: "every answer of one pulse fetched within seconds" is a scanner.
CREATE TABLE pulse_link_hits (
    pulse_id  TEXT NOT NULL,
    answer    INTEGER NOT NULL,
    hit_at    BIGINT NOT NULL
);
CREATE INDEX ix_pulse_link_hits ON pulse_link_hits (pulse_id, hit_at);

-- Messages waiting for the mail server. A sender claims a batch until claimed_until (its lease);
-- a batch whose sender died is claimed again once the lease has passed.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    pulse_id         TEXT NULL,
    recipient        TEXT NOT NULL,
    message          TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    claimed_by       TEXT NULL,
    claimed_until    BIGINT NULL,
    sent_at          BIGINT NULL,
    last_error       TEXT NULL
);
CREATE INDEX ix_outbox_due ON outbox (sent_at, next_attempt_at);
