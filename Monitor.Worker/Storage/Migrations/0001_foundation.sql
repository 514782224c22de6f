-- One schema for SQLite and PostgreSQL: times are Unix milliseconds (BIGINT), as Quartz stores them,
-- so that both stores compare and index them the same way.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    department    TEXT NOT NULL,
    site          TEXT NOT NULL,
    manager       TEXT NULL,
    user_rank     TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    locale        TEXT NOT NULL,
    active        BOOLEAN NOT NULL,
    opted_out     BOOLEAN NOT NULL,
    removed_at    BIGINT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX ix_users_email ON users (email);

-- The dedupe key of a signal is (user, kind, source).
CREATE TABLE signals (
    user_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL,
    score        DOUBLE PRECISION NOT NULL,
    weight       DOUBLE PRECISION NOT NULL,
    observed_at  BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    comment      TEXT NULL,
    PRIMARY KEY (user_id, kind, source)
);
CREATE INDEX ix_signals_user_observed ON signals (user_id, observed_at);

-- Users with signals the evaluator has not seen yet.
CREATE TABLE dirty_users (
    user_id    TEXT PRIMARY KEY,
    marked_at  BIGINT NOT NULL
);

CREATE TABLE user_states (
    user_id          TEXT PRIMARY KEY,
    state            INTEGER NOT NULL,
    score            DOUBLE PRECISION NULL,
    last_signal_at   BIGINT NULL,
    flapping         BOOLEAN NOT NULL,
    flap_percent     DOUBLE PRECISION NOT NULL,
    soft_down_count  INTEGER NOT NULL,
    state_since      BIGINT NOT NULL,
    evaluated_at     BIGINT NOT NULL
);
CREATE INDEX ix_user_states_last_signal ON user_states (last_signal_at);

CREATE TABLE state_changes (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    from_state  INTEGER NOT NULL,
    to_state    INTEGER NOT NULL,
    changed_at  BIGINT NOT NULL,
    score       DOUBLE PRECISION NULL,
    causes      TEXT NOT NULL
);
CREATE INDEX ix_state_changes_user ON state_changes (user_id, changed_at);
CREATE INDEX ix_state_changes_time ON state_changes (changed_at);

CREATE TABLE acknowledgements (
    user_id     TEXT PRIMARY KEY,
    by_whom     TEXT NOT NULL,
    comment     TEXT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NULL
);

-- Durable progress marks (e.g. a ticket connector's watermark).
CREATE TABLE watermarks (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Every run of a scheduled job or probe, by node: the probes' health for every replica's metrics,
-- and the evidence that a clustered job ran once per interval.
CREATE TABLE job_runs (
    id           TEXT PRIMARY KEY,
    job          TEXT NOT NULL,
    node         TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    duration_ms  BIGINT NOT NULL,
    success      BOOLEAN NOT NULL,
    message      TEXT NULL
);
CREATE INDEX ix_job_runs_job ON job_runs (job, started_at);
