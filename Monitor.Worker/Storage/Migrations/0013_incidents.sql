-- Incidents: a parent (a site, a department, a service of Dependencies:MappingFile) marked down, declared by IT or
-- read from a ticket system's major incident. id is the monitor's own number, the one metrics and alerts carry.
-- No user id is stored: who was under an incident, and which signals it tags, are derived when read.

CREATE TABLE incidents (
    id            BIGINT PRIMARY KEY,
    parent        TEXT NOT NULL,
    title         TEXT NOT NULL,
    source        TEXT NOT NULL,
    external_ref  TEXT NULL,
    opened_at     BIGINT NOT NULL,
    opened_by     TEXT NOT NULL,
    resolved_at   BIGINT NULL,
    resolved_by   TEXT NULL
);
-- A ticket's major incident is one incident however many replicas read it.
CREATE UNIQUE INDEX ux_incidents_external ON incidents (source, external_ref);
CREATE INDEX ix_incidents_open ON incidents (resolved_at, opened_at);
