-- The outbox serves more than one delivery channel: each message names the channel that rendered it and
-- delivers it. Messages queued before channels existed were e-mails.

ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';

-- Every replica's metrics refresh now reads the 30-day response ratio: a range on created_at, not a scan.
CREATE INDEX ix_pulses_created ON pulses (created_at);
