#!/usr/bin/env bash
# Peak memory and scrape time of the real worker at N users (docs/benchmarks.md, "Memory at 100,000 users").
# Loopback only, bounded in time (about 10 minutes per store at 100,000 users with a comparison).
#   bench/memory/run.sh [users=100000] [store=sqlite|postgres] [git revision to compare with, e.g. bda76bc]
# 1. Seeds one store with N users and 10 signals each (bench/Monitor.Bench.Foundation, which also evaluates them).
# 2. For each worker (the revision given, then this tree): a fresh copy of the seeded store, the published
#    Release worker on it with the same N-user CSV directory; waits until /metrics shows every user, then
#    scrapes /metrics 12 times, 5 s apart (so over several refreshes and the first group publication), and
#    reads the peak resident set (VmHWM) and the resident set (VmRSS) from /proc.
# Prints one line per worker: peak and steady memory in MB (10^6 bytes) and as a ratio to the 400 MB aim,
# and the scrape times (first, median, max). With GCDUMP=1, also the managed heap's largest types after the
# scrapes (dotnet-gcdump, `dotnet tool install -g dotnet-gcdump`).
set -euo pipefail
USERS=${1:-100000}; STORE=${2:-sqlite}; BEFORE=${3:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sm-mem-XXXXXX); chmod 777 "$WORK"
# free_port, as_pg, pg_init/pg_start/pg_stop, stop_pids.
source "$(dirname "$0")/../lib/loopback.sh"
LIMIT_MB=400
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system time of a process, in clock ticks
WORKER_PID=
cleanup() {
  if [ -n "$WORKER_PID" ]; then kill "$WORKER_PID" 2>/dev/null || true; sleep 2; kill -9 "$WORKER_PID" 2>/dev/null || true; fi
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

publish() { # source tree, output folder
  dotnet publish "$1/Monitor.Worker" -c Release -o "$2" --nologo -v q >/dev/null
}
NAMES=(); DIRS=()
if [ -n "$BEFORE" ]; then
  mkdir -p "$WORK/src-before"; git -C "$ROOT" archive "$BEFORE" | tar -x -C "$WORK/src-before"
  publish "$WORK/src-before" "$WORK/worker-before"; NAMES+=("before ($BEFORE)"); DIRS+=("$WORK/worker-before")
fi
publish "$ROOT" "$WORK/worker-after"
NAMES+=("after ($(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo '+changes'))")
DIRS+=("$WORK/worker-after")
dotnet build "$ROOT/bench/Monitor.Bench.Foundation" -c Release --nologo -v q >/dev/null
SEED="$ROOT/bench/Monitor.Bench.Foundation/bin/Release/net10.0/Monitor.Bench.Foundation.dll"

if [ "$STORE" = postgres ]; then
  pg_init; pg_start
  PGCS="Host=127.0.0.1;Port=$PGPORT;Username=postgres"
  as_pg $PG/psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE seeded" >/dev/null
  dotnet "$SEED" postgres "$PGCS;Database=seeded" "$USERS" 10 "$WORK/users.csv" > "$WORK/seed.log"
else
  dotnet "$SEED" sqlite "Data Source=$WORK/seeded.db" "$USERS" 10 "$WORK/users.csv" > "$WORK/seed.log"
fi
grep -E "seeded|exposition|peak" "$WORK/seed.log" | sed 's/^/  seed: /'

for i in "${!DIRS[@]}"; do
  if [ "$STORE" = postgres ]; then
    as_pg $PG/psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE run$i TEMPLATE seeded" >/dev/null
    export Storage__Provider=postgres Storage__ConnectionString="$PGCS;Database=run$i"
  else
    cp "$WORK/seeded.db" "$WORK/run$i.db"
    export Storage__Provider=sqlite Storage__ConnectionString="Data Source=$WORK/run$i.db"
  fi
  PUB=$(free_port); INT=$(free_port)
  export Endpoints__Public=http://127.0.0.1:$PUB Endpoints__Internal=http://127.0.0.1:$INT Admin__ApiKey=bench-admin-key-0123456789 \
    Directory__CsvPath=$WORK/users.csv Logging__LogLevel__Default=Warning
  (cd "$WORK" && exec dotnet "${DIRS[$i]}/Monitor.Worker.dll" > "$WORK/worker$i.log" 2>&1) & WORKER_PID=$!
  T0=$(date +%s)
  # The resident set every 0.5 s with the phase it falls in, to tell where the peak comes from.
  ( while [ -r "/proc/$WORKER_PID/status" ]; do
      echo "$(date +%s.%N) $(awk '/VmRSS/ {print $2}' "/proc/$WORKER_PID/status" 2>/dev/null) $(cat "$WORK/phase" 2>/dev/null)"
      sleep 0.5
    done > "$WORK/rss$i.txt" ) &
  echo start > "$WORK/phase"
  until curl -sf "http://127.0.0.1:$INT/readyz" >/dev/null; do
    sleep 1; [ $(( $(date +%s) - T0 )) -lt 300 ] || { echo "worker not ready in 300 s"; tail "$WORK/worker$i.log"; exit 1; }
  done
  echo ready > "$WORK/phase"
  until [ "$(curl -sf "http://127.0.0.1:$INT/metrics" | grep -c '^satisfaction_user_state{')" -ge "$USERS" ]; do
    sleep 2; [ $(( $(date +%s) - T0 )) -lt 300 ] || { echo "not every user on /metrics in 300 s"; exit 1; }
  done
  PID=$WORKER_PID  # exec: the subshell became the worker
  echo scrapes > "$WORK/phase"
  TIMES=(); CPU0=$(cpu_ticks "$PID")
  for _ in $(seq 1 12); do
    TIMES+=("$(curl -s -o "$WORK/scrape.txt" -w '%{time_total}' "http://127.0.0.1:$INT/metrics")")
    sleep 5
  done
  CPU1=$(cpu_ticks "$PID")
  grep -E '^dotnet_total_memory_bytes|^dotnet_collection_count_total' "$WORK/scrape.txt" | sed 's/^/  /'
  # CPU time does not depend on the machine's load as wall time does: compare it between the two workers.
  echo "  worker CPU over the 12 scrapes and the refreshes between them: $(( (CPU1 - CPU0) * 1000 / TICKS )) ms;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "${GCDUMP:-}" = 1 ]; then
    "$HOME/.dotnet/tools/dotnet-gcdump" collect -p "$PID" -o "$WORK/heap$i.gcdump" >/dev/null
    "$HOME/.dotnet/tools/dotnet-gcdump" report "$WORK/heap$i.gcdump" | head -30 | sed 's/^/  heap: /'
  fi
  HWM=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status"); RSS=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
  echo after-reading > "$WORK/phase"  # what the sampler sees from here on is past the figures printed
  SERIES=$(grep -vc '^#' "$WORK/scrape.txt"); BYTES=$(stat -c %s "$WORK/scrape.txt")
  python3 - "$STORE" "$USERS" "${NAMES[$i]}" "$HWM" "$RSS" "$SERIES" "$BYTES" "$LIMIT_MB" "${TIMES[@]}" <<'EOF'
import statistics, sys
store, users, name, hwm, rss, series, size, limit = sys.argv[1:9]
times = [float(t) * 1000 for t in sys.argv[9:]]
mb = lambda kib: int(kib) * 1024 / 1e6
print(f"{store} {int(users):,} users, {name}: peak {mb(hwm):.0f} MB = {mb(hwm) / float(limit):.2f} x {limit} MB, "
      f"resident after {mb(rss):.0f} MB = {mb(rss) / float(limit):.2f} x; scrape of {int(series):,} series, "
      f"{int(size) / 1e6:.1f} MB: first {times[0]:.0f} ms, median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
EOF
  # The largest resident set of each phase (start-up until /readyz, ready until every user is on /metrics, scrapes).
  awk '{ if ($2 > max[$3]) { max[$3] = $2; at[$3] = $1 } } NR == 1 { t0 = $1 }
       END { for (p in max) printf "  phase %s: resident max %.0f MB at %.0f s\n", p, max[p] * 1024 / 1e6, at[p] - t0 }' \
    "$WORK/rss$i.txt" | sort
  [ -n "${KEEP:-}" ] && cp "$WORK/rss$i.txt" "$KEEP.rss$i.txt"
  kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true; WORKER_PID=
done
