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
pg_start() { as_pg $PG/pg_ctl -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null; }

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
