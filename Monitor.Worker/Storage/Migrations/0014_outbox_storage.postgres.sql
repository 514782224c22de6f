-- PostgreSQL only: scripts named *.postgres.sql are not run on SQLite, which has neither setting.
--
-- Every outbox row is updated twice (claimed, then marked sent). Claiming touches no indexed column, so it can stay on
-- the row's page as a HOT update (no new index entries, less WAL) if the page has room: a fillfactor of 50 leaves it.
-- Marking sent changes sent_at, which ix_outbox_due holds, and is never HOT.
ALTER TABLE outbox SET (fillfactor = 50);

-- The rendered message (~5 kB) is compressed into TOAST with lz4, cheaper on the CPU than the default pglz. A server
-- built without lz4 keeps pglz (the statement is run dynamically so that its error can be caught).
DO $$
BEGIN
    EXECUTE 'ALTER TABLE outbox ALTER COLUMN message SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'outbox.message keeps the default compression: %', SQLERRM;
END
$$;
