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
# free_port, as_pg, pg_init/pg_start/pg_stop, stop_pids.
source "$(dirname "$0")/../lib/loopback.sh"
PIDS=()
cleanup() {
  stop_pids
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet publish "$ROOT/Monitor.Worker" -c Release -o "$WORK/worker" --nologo -v q >/dev/null
users_csv "$USERS" > "$WORK/users.csv"

if [ "$STORE" = postgres ]; then
  pg_init; pg_start
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
