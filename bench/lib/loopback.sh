# Shared by the bench scripts (sourced, after WORK is set): loopback ports, a throw-away PostgreSQL 15 cluster under
# $WORK/pg, and stopping what a script started. Everything listens on 127.0.0.1 only.
PG=/usr/lib/postgresql/15/bin

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# PostgreSQL refuses to run as root: as root, run the command as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Creates the cluster in $WORK/pg (trust on loopback, default settings, fsync on) and sets PGPORT; pg_start starts it.
pg_init() {
  PGPORT=$(free_port); mkdir -p "$WORK/pg"; chown postgres "$WORK/pg" 2>/dev/null || true
  as_pg $PG/initdb -D "$WORK/pg" -U postgres -A trust -E UTF8 >/dev/null
}
# PG_OPTS: extra server options for pg_start (e.g. pgstat_opts below); empty by default, the figures of the docs.
pg_start() { as_pg $PG/pg_ctl -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1 ${PG_OPTS:-}" start >/dev/null; }

# Per-statement profile of PostgreSQL over one round (opt-in: it costs the server some CPU of its own).
# PG_OPTS=$(pgstat_opts) before pg_start; pgstat_begin once the schema exists, right before the round; pgstat_dump FILE N
# after it (N: the messages of the round, for the per-message columns). Autovacuum's runs come from the server's log
# (log_autovacuum_min_duration=0), the lines logged since pgstat_begin.
pgstat_opts() { echo "-c shared_preload_libraries=pg_stat_statements -c track_io_timing=on -c log_autovacuum_min_duration=0"; }
pgsql() { as_pg $PG/psql -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q "$@"; }
pgstat_begin() {
  pgsql -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
    -c "SELECT pg_stat_statements_reset(), pg_stat_reset(), pg_stat_reset_shared('bgwriter'), pg_stat_reset_shared('wal')" >/dev/null
  PGSTAT_LOG_FROM=$(wc -l < "$WORK/pg.log")
}
pgstat_dump() {
  local file=$1 n=$2
  {
    echo "# $n messages; pg_stat_statements since the reset, by total_exec_time (per_msg: calls per message)"
    pgsql -P pager=off -c "SELECT calls, round(calls::numeric / $n, 3) AS per_msg, round(total_exec_time::numeric, 1) AS total_ms,
        round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct, rows,
        shared_blks_hit AS hit, shared_blks_read AS read, shared_blks_dirtied AS dirtied, shared_blks_written AS written,
        round(blk_read_time::numeric, 1) AS read_ms, wal_records, wal_fpi, wal_bytes, round((wal_bytes / $n)::numeric) AS wal_per_msg,
        regexp_replace(left(query, 160), '\s+', ' ', 'g') AS query
      FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC"
    echo "# tables (n_tup_* and vacuum/analyze counts since the reset)"
    pgsql -P pager=off -c "SELECT relname, seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del, n_live_tup, n_dead_tup,
        autovacuum_count, autoanalyze_count, last_autovacuum, last_autoanalyze
      FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del + seq_scan + coalesce(idx_scan, 0) > 0 ORDER BY n_tup_upd + n_tup_ins DESC"
    echo "# vacuums in progress now"
    pgsql -P pager=off -c "SELECT relid::regclass, phase, heap_blks_total, heap_blks_scanned, heap_blks_vacuumed FROM pg_stat_progress_vacuum"
    echo "# autovacuum and autoanalyze during the round (server log)"
    tail -n +"$((PGSTAT_LOG_FROM + 1))" "$WORK/pg.log" | grep -A12 "automatic \(vacuum\|analyze\)" || echo "(none)"
    echo "# checkpointer and background writer, WAL"
    pgsql -P pager=off -x -c "SELECT * FROM pg_stat_bgwriter" -c "SELECT * FROM pg_stat_wal" \
      -c "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_returned, tup_fetched, blk_read_time, blk_write_time
          FROM pg_stat_database WHERE datname = 'postgres'"
  } > "$file" 2>&1 || true
}

# pg_stop [fast|immediate|smart]: stops the cluster if there is one; never fails.
pg_stop() { [ -d "$WORK/pg" ] && as_pg $PG/pg_ctl -D "$WORK/pg" -m "${1:-fast}" -w stop >/dev/null 2>&1 || true; }

# Stops every process in PIDS: TERM, up to 20 s each to exit (a worker finishing its batch), then KILL.
stop_pids() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done; kill -9 "$p" 2>/dev/null || true
  done
}

# users_csv N [prefix=b]: a directory CSV of N reachable people in one department and site, on stdout.
users_csv() {
  echo "id,email,display_name,department,site,manager,rank,time_zone,locale,active,opted_out"
  for i in $(seq 1 "$1"); do
    printf '%s%06d,%s%06d@example.com,Bench %d,Ops,Lyon,,individual_contributor,UTC,en-GB,true,false\n' "${2:-b}" "$i" "${2:-b}" "$i" "$i"
  done
}

# PostgreSQL's CPU seconds so far (it shares the cores): the postmaster with its exited children, plus the live
# backends; 0 when no cluster runs under $WORK/pg.
pg_cpu() {
  [ -f "$WORK/pg/postmaster.pid" ] || { echo 0; return; }
  # A process that exits between the glob and its read is skipped (with pipefail, it failed the bench).
  local pm; pm=$(head -1 "$WORK/pg/postmaster.pid")
  { cat "/proc/$pm/stat"; for s in /proc/[0-9]*/stat; do awk -v pm="$pm" '$4 == pm' "$s" 2>/dev/null || true; done; } |
    awk -v hz="$(getconf CLK_TCK)" -v pm="$pm" '{t += $14 + $15; if ($1 == pm) t += $16 + $17} END {print t / hz}'
}
