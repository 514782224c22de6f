-- The retention job (Retention:*) deletes by age. Each table it prunes is read by that age through an
-- index: job_runs by (job, started_at), outbox by (sent_at, …), pulses by (closed_at, …), state_changes
-- by changed_at. Link fetches had none.
CREATE INDEX ix_pulse_link_hits_time ON pulse_link_hits (hit_at);

-- signals deliberately gets no index on observed_at: every signal write would pay for it, and the
-- hourly pruning scan is cheap next to the evaluator's sweep, which reads the whole window anyway.
