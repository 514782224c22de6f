-- The thank-you page's optional answers, one row per pulse question: what the answer was mostly about (a configured
-- factor key) and the work time lost because of IT lately. sentiment is the answer's side: 'bad' below 0, else 'good'.
CREATE TABLE pulse_feedback (
    pulse_id     TEXT NOT NULL,
    question     INTEGER NOT NULL,
    user_id      TEXT NOT NULL,
    sentiment    TEXT NOT NULL,
    factor       TEXT NULL,
    lost_time    TEXT NULL,
    answered_at  BIGINT NOT NULL,
    PRIMARY KEY (pulse_id, question)
);
CREATE INDEX ix_pulse_feedback_answered ON pulse_feedback (answered_at);
