-- The audit log (Privacy): who (a signed-in person or the admin API key) viewed, exported or erased which
-- individual's data. Read by time (GET /api/audit?since=) and by person (an access request, an export).
-- There is no pseudonym table: the pseudonym is a keyed hash computed on the fly, so erasure has no mapping to remove.

CREATE TABLE audit_log (
    id               TEXT PRIMARY KEY,
    at               BIGINT NOT NULL,
    actor            TEXT NOT NULL,
    action           TEXT NOT NULL,
    subject_user_id  TEXT NULL,
    detail           TEXT NULL
);
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE INDEX ix_audit_log_subject ON audit_log (subject_user_id, at);
