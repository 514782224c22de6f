-- "You said, we did": what IT changed because of feedback, the signals (feedback) each change answers,
-- and the people told about it, with the follow-up pulse that asks them whether it helped.

CREATE TABLE actions (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    owner        TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    shipped_at   BIGINT NULL,
    shipped_by   TEXT NULL,
    notify       BOOLEAN NOT NULL
);
CREATE INDEX ix_actions_shipped ON actions (shipped_at);

-- A signal is identified by its dedupe key (user, kind, source); the link outlives the signal's retention.
CREATE TABLE action_signals (
    action_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    source     TEXT NOT NULL,
    linked_by  TEXT NOT NULL,
    linked_at  BIGINT NOT NULL,
    PRIMARY KEY (action_id, user_id, kind, source)
);
CREATE INDEX ix_action_signals_signal ON action_signals (user_id, kind, source);

-- One row per person told about a shipped action: the key makes "ship twice, mail twice" impossible on
-- any replica; follow_up_at is claimed by one replica before it creates the follow-up pulse.
CREATE TABLE action_notifications (
    action_id           TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    notified_at         BIGINT NOT NULL,
    follow_up_at        BIGINT NULL,
    follow_up_pulse_id  TEXT NULL,
    PRIMARY KEY (action_id, user_id)
);
CREATE INDEX ix_action_notifications_follow_up ON action_notifications (follow_up_at);
