#!/usr/bin/env bash
# Ingest through the admin API (docs/benchmarks.md, "## Bulk ingest"). Loopback only, about two minutes.
#   bench/db/ingest.sh [postgres|sqlite] [seconds=20]
# The Release worker on a fresh store with 10,000 users; then, one after the other, the same load generator
# (bench/db/load.py, 8 keep-alive connections) POSTing one signal per request to /api/users/{id}/signals and
# 1,000 signals per request to /api/signals. Prints signals/s of each and their ratio.
set -euo pipefail
STORE=${1:-postgres}; SECONDS_EACH=${2:-20}; USERS=10000
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sm-ingest-XXXXXX); chmod 777 "$WORK"
PG=/usr/lib/postgresql/15/bin
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done; kill -9 "$p" 2>/dev/null || true; done
  [ -d "$WORK/pg" ] && as_pg $PG/pg_ctl -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet publish "$ROOT/Monitor.Worker" -c Release -o "$WORK/worker" --nologo -v q >/dev/null
{ echo "id,email,display_name,department,site,manager,rank,time_zone,locale,active,opted_out"
  for i in $(seq 1 "$USERS"); do printf 'b%06d,b%06d@example.com,Bench %d,Ops,Lyon,,individual_contributor,UTC,en-GB,true,false\n' "$i" "$i" "$i"; done
} > "$WORK/users.csv"

if [ "$STORE" = postgres ]; then
  PGPORT=$(free_port); mkdir -p "$WORK/pg"; chown postgres "$WORK/pg" 2>/dev/null || true
  as_pg $PG/initdb -D "$WORK/pg" -U postgres -A trust -E UTF8 >/dev/null
  as_pg $PG/pg_ctl -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null
  export Storage__Provider=postgres Storage__ConnectionString="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
else
  export Storage__Provider=sqlite Storage__ConnectionString="Data Source=$WORK/monitor.db"
fi
PUB=$(free_port); INT=$(free_port); KEY=bench-admin-key-0123456789
export Endpoints__Public=http://127.0.0.1:$PUB Endpoints__Internal=http://127.0.0.1:$INT Admin__ApiKey=$KEY \
  Directory__CsvPath=$WORK/users.csv Logging__LogLevel__Default=Warning
(cd "$WORK" && exec dotnet "$WORK/worker/Monitor.Worker.dll" > "$WORK/worker.log" 2>&1) & PIDS+=($!)
until curl -sf "http://127.0.0.1:$INT/readyz" >/dev/null; do sleep 0.5; done

LOAD="python3 $ROOT/bench/db/load.py --port $INT --key $KEY --users $USERS --seconds $SECONDS_EACH --connections 8"
WORKER_PID=${PIDS[-1]}
rss() { ps -o rss= -p "$WORKER_PID" | awk '{printf "%.0f MiB", $1/1024}'; }
echo "worker RSS at start: $(rss)"
SINGLE=$($LOAD single); echo "single: $SINGLE"; echo "worker RSS: $(rss)"
BULK=$($LOAD bulk --batch 1000); echo "bulk:   $BULK"; echo "worker RSS: $(rss)"
# Memory per signal: another burst of the same size must leave the resident size where it was.
BULK2=$($LOAD bulk --batch 1000); echo "bulk again: $BULK2"; echo "worker RSS: $(rss)"
python3 - "$SINGLE" "$BULK" <<'PY'
import json, sys
s, b = (json.loads(a) for a in sys.argv[1:3])
print(f"bulk / single = {b['signals_per_s'] / max(1, s['signals_per_s']):.1f}x")
PY
