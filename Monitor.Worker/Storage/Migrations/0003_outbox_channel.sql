-- The outbox serves more than one delivery channel: each message names the channel that rendered it and
-- delivers it. Messages queued before channels existed were e-mails.

ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
