#!/usr/bin/env bash
# Database fault suite (docs/reliability.md, "## Database faults"). Loopback only, about three minutes.
#   bench/db/faults.sh [down_seconds=5]
# The Release worker on a PostgreSQL of its own, 8 connections of signals through the admin API the whole time
# (bench/db/load.py, every response logged), while PostgreSQL is (1) restarted cleanly, (2) killed (immediate
# stop) and (3) kept down for 4x as long. Then every logged response is compared with the database:
#   lost       = answered 201 but not stored            (must be 0)
#   surprise   = answered 503 (or no answer) but stored (the client retries and gets a duplicate, which the
#                (user, kind, source) key turns into a no-op)
#   recovery   = from PostgreSQL accepting connections again to the worker's first 201
#   errors_5xx = answers other than 201/503 (must be 0: no 500 during an outage)
# Plus /readyz timed while PostgreSQL is down (must answer 503 within ~1 s).
set -euo pipefail
DOWN=${1:-5}; USERS=2000
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sm-faults-XXXXXX); chmod 777 "$WORK"
# free_port, as_pg, pg_init/pg_start/pg_stop, stop_pids.
source "$(dirname "$0")/../lib/loopback.sh"
PIDS=()
cleanup() {
  stop_pids
  pg_stop immediate
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet publish "$ROOT/Monitor.Worker" -c Release -o "$WORK/worker" --nologo -v q >/dev/null
users_csv "$USERS" > "$WORK/users.csv"

pg_init
pg_start
export Storage__Provider=postgres Storage__ConnectionString="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
PUB=$(free_port); INT=$(free_port); KEY=bench-admin-key-0123456789
export Endpoints__Public=http://127.0.0.1:$PUB Endpoints__Internal=http://127.0.0.1:$INT Admin__ApiKey=$KEY \
  Directory__CsvPath=$WORK/users.csv Logging__LogLevel__Default=Warning
(cd "$WORK" && exec dotnet "$WORK/worker/Monitor.Worker.dll" > "$WORK/worker.log" 2>&1) & PIDS+=($!)
until curl -sf "http://127.0.0.1:$INT/readyz" >/dev/null; do sleep 0.5; done

readyz_ms() { curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "http://127.0.0.1:$INT/readyz" | awk '{printf "%s in %d ms", $1, $2*1000}'; }
scenario() { # name stop-mode down-seconds
  local log="$WORK/$1.log" t_up
  python3 "$ROOT/bench/db/load.py" single --port "$INT" --key "$KEY" --users "$USERS" --seconds $(( $3 + 15 )) \
    --connections 8 --log "$log" > "$WORK/$1.json" & local load=$!
  sleep 4
  as_pg $PG/pg_ctl -D "$WORK/pg" -m "$2" -w stop >/dev/null
  sleep 0.5; local ready; ready=$(readyz_ms)
  sleep "$3"; pg_start; t_up=$(date +%s.%N)
  wait $load
  echo "$1 $t_up $ready" >> "$WORK/scenarios"
}
scenario restart fast "$DOWN"
scenario kill immediate "$DOWN"
scenario long_outage fast $(( DOWN * 4 ))

as_pg $PG/psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -At -c "SELECT source FROM signals WHERE source LIKE 'load:%'" > "$WORK/stored"
python3 - "$WORK" <<'PY'
import sys, os
work = sys.argv[1]
stored = set(open(os.path.join(work, "stored")).read().split())
print(f"{'scenario':12} {'requests':>8} {'201':>6} {'503':>6} {'other':>5} {'lost':>4} {'surprise':>8} {'recovery':>9}  readyz while down")
for line in open(os.path.join(work, "scenarios")):
    name, t_up, *ready = line.split()
    rows = [l.strip().split(",") for l in open(os.path.join(work, name + ".log"))]
    ok = [r for r in rows if r[1] == "201"]
    refused = [r for r in rows if r[1] != "201"]
    after = [float(r[2]) for r in ok if float(r[2]) >= float(t_up)]
    recovery = f"{min(after) - float(t_up):.1f} s" if after else "never"
    other = sum(r[1] not in ("201", "503") for r in rows)
    print(f"{name:12} {len(rows):8} {len(ok):6} {sum(r[1] == '503' for r in rows):6} {other:5} "
          f"{sum(r[0] not in stored for r in ok):4} {sum(r[0] in stored for r in refused):8} {recovery:>9}  {' '.join(ready)}")
PY
grep -c "Store unavailable" "$WORK/worker.log" | sed 's/^/outage log lines: /'
