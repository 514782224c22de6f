-- pgbench: the durable work of one pulse answer (bench/pulse/answers.sh), on the worker's own tables and indexes.
-- Read the pulse (bench_pulses only maps pgbench's random number to a pulse id), upsert the answer signal, mark
-- the user for the evaluator, mark the pulse answered; one transaction.
\set n random(1, :pulses)
\set now 1795000000000 + random(0, 86400000)
BEGIN;
SELECT p.id AS pid, p.user_id AS uid FROM pulses p JOIN bench_pulses b ON b.id = p.id WHERE b.n = :n \gset
INSERT INTO signals (user_id, kind, source, score, weight, observed_at, comment, received_at)
VALUES (:uid, 'pulse_answer', 'pulse:' || :pid, 1.0, 1.0, :now, NULL, :now)
ON CONFLICT (user_id, kind, source) DO UPDATE SET score = excluded.score, weight = excluded.weight,
    observed_at = excluded.observed_at, received_at = excluded.received_at
RETURNING comment;
INSERT INTO dirty_users (user_id, marked_at) VALUES (:uid, :now) ON CONFLICT (user_id) DO NOTHING;
UPDATE pulses SET answered_at = COALESCE(answered_at, :now) WHERE id = :pid;
END;
