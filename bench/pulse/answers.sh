#!/usr/bin/env bash
# Pulse answers against the database's own limit (docs/benchmarks.md, "Pulse answers"). Loopback only, bounded
# in time (about three minutes), stops by itself.
#   bench/pulse/answers.sh [store=postgres|sqlite] [seconds=20] [pulses=5000]
# 1. A throw-away PostgreSQL 15 cluster (default settings, fsync on), the Release worker on it, N pulses
#    dispatched to smtp-sink and their answer links collected.
# 2. PostgreSQL: pgbench, 16 clients, answers.pgbench.sql (the same durable work as an answer, on the same tables).
# 3. The worker's public answer endpoint (POST /p/{token}, the landing page's Send) at 16 connections, after 20 s of warm-up
#    (wrk -t2 -c16 with answers.lua: C like pgbench's client, so the load generator takes little of the two cores), with
#    the worker's CPU seconds read from /proc around it (ANSWERS_PERF=file: perf samples too).
# 4. PostgreSQL: pgbench again; the limit is the mean of both runs, so that load from others on the machine
#    weighs on both sides alike.
# The public rate limits (RateLimits:*) are raised to 100,000 per second here: at their defaults one client
# address gets 3 requests/s.
set -euo pipefail
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null
  else echo "answers.sh: wrk is not installed; install it (Debian: apt-get install -y wrk) and run again" >&2; exit 1; fi
fi
STORE=${1:-postgres}; SECONDS_RUN=${2:-20}; PULSES=${3:-5000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sm-answers-XXXXXX); chmod 777 "$WORK"
# free_port, as_pg, pg_init/pg_start/pg_stop, pg_cpu, stop_pids.
source "$(dirname "$0")/../lib/loopback.sh"
PIDS=()
cleanup() {
  stop_pids
  pg_stop
  rm -rf "$WORK" "${SINK:-/nonexistent}"
}
trap cleanup EXIT
# Every wait is bounded: the run ends by itself even when the worker never gets ready.
wait_for() { local limit=$1; shift; for _ in $(seq 1 $((limit * 2))); do "$@" && return 0; sleep 0.5; done
  echo "answers.sh: gave up waiting for: $*" >&2; tail -20 "$WORK/worker.log" >&2; exit 1; }

dotnet publish "$ROOT/Monitor.Worker" -c Release -o "$WORK/worker" --nologo -v q >/dev/null
users_csv "$PULSES" > "$WORK/users.csv"

if [ "$STORE" = postgres ]; then
  pg_init; pg_start
  # PG_OPTIONS: more of the worker's connection string, to compare Npgsql settings (e.g. ";No Reset On Close=false").
  export Storage__Provider=postgres Storage__ConnectionString="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres${PG_OPTIONS:-}"
else
  export Storage__Provider=sqlite Storage__ConnectionString="Data Source=$WORK/monitor.db"
fi

SINK_PORT=$(free_port); SINK=/dev/shm/sm-answers-sink-$$; mkdir -p "$SINK"; chmod 777 "$SINK"
USER_OPT=(); [ "$(id -u)" = 0 ] && USER_OPT=(-u postgres)
/usr/sbin/smtp-sink "${USER_OPT[@]}" -d "$SINK/msg." 127.0.0.1:$SINK_PORT 256 & PIDS+=($!)

PUB=$(free_port); INT=$(free_port); KEY=bench-admin-key-0123456789
export Endpoints__Public=http://127.0.0.1:$PUB Endpoints__Internal=http://127.0.0.1:$INT Admin__ApiKey=$KEY \
  Directory__CsvPath=$WORK/users.csv Pulse__SigningKeys__0=bench-signing-key-0123456789abcdef0123 \
  Pulse__PublicBaseUrl=http://127.0.0.1:$PUB Pulse__Cron="0 0 0 1 1 ? 2099" Pulse__DailySampleRate=1 \
  Pulse__QuietUntil=00:00 Pulse__QuietFrom=23:59:59 Pulse__MaxPerRun=$PULSES Pulse__Scanner__MinimumAfterSend=00:00:00 \
  Pulse__BusinessDays__0=Monday Pulse__BusinessDays__1=Tuesday Pulse__BusinessDays__2=Wednesday Pulse__BusinessDays__3=Thursday \
  Pulse__BusinessDays__4=Friday Pulse__BusinessDays__5=Saturday Pulse__BusinessDays__6=Sunday \
  Mail__Smtp__Host=127.0.0.1 Mail__Smtp__Port=$SINK_PORT Mail__Smtp__Security=None Mail__Outbox__PollInterval=00:00:00.2 \
  RateLimits__ClientPermits=100000 RateLimits__ClientWindow=00:00:01 RateLimits__TokenPermits=100000 RateLimits__TokenWindow=00:00:01 \
  Logging__LogLevel__Default=Warning
if [ -n "${ANSWERS_PERF:-}" ]; then export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0; fi  # JIT symbols for perf
(cd "$WORK" && exec dotnet "$WORK/worker/Monitor.Worker.dll" > "$WORK/worker.log" 2>&1) & WORKER=$!; PIDS=("$WORKER" "${PIDS[@]}")
users() { [ "$(curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$INT/api/users" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$PULSES" ]; }
sent() { [ "$(ls "$SINK" | wc -l)" -ge "$PULSES" ]; }
wait_for 120 curl -sf "http://127.0.0.1:$INT/readyz" -o /dev/null
wait_for 120 users
curl -sf -X POST -H "Authorization: Bearer $KEY" "http://127.0.0.1:$INT/api/probes/pulse/run" >/dev/null
wait_for 300 sent
python3 "$ROOT/bench/pulse/links.py" "$SINK" "$PULSES" > "$WORK/paths.txt"
rm -rf "$SINK"

metric() { curl -sf "http://127.0.0.1:$INT/metrics" | awk -v m="$1" '$1==m {print $2}'; }
# utime + stime in clock ticks of 1/100 s: the whole process (with the threads that exited), and the JIT's background
# compiler thread (".NET Tiered Com") alone, whose work is a freshly started process's and not an answer's. Summing the
# live threads instead undercounts: thread-pool threads that retire during the run take their time with them.
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$WORKER/stat"; }
cpu_jit() { python3 -c '
import glob
t = 0
for d in glob.glob("/proc/'"$WORKER"'/task/*"):
    try:
        comm, stat = open(d + "/comm").read().strip(), open(d + "/stat").read()
    except OSError:
        continue
    f = stat[stat.rindex(")") + 2:].split()  # the name may hold spaces: fields after it
    if comm == ".NET Tiered Com":
        t += int(f[11]) + int(f[12])
print(t / 100)'; }
PSQL=(psql -h 127.0.0.1 -p "${PGPORT:-0}" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
pgbench_tps() {
  pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c 16 -j 2 -T "$SECONDS_RUN" -M prepared -D pulses="$PULSES" \
    -f "$ROOT/bench/pulse/answers.pgbench.sql" postgres 2>&1 | awk '/^tps/ {print int($3)}'
}
echo "store=$STORE pulses=$PULSES seconds=$SECONDS_RUN cores=$(nproc) ${PG_OPTIONS:+options=$PG_OPTIONS }$(uptime | sed 's/.*load/load/')"
if [ "$STORE" = postgres ]; then
  "${PSQL[@]}" -c "CREATE TABLE bench_pulses AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM pulses;
                   CREATE UNIQUE INDEX ON bench_pulses (n); ANALYZE;"
  Q0=$(pg_cpu); TPS1=$(pgbench_tps); Q1=$(pg_cpu)
  echo "pgbench (16 clients, prepared): $TPS1 transactions/s;" \
    "PostgreSQL CPU $(python3 -c "print(f'{1e3*($Q1-$Q0)/max(1,$TPS1*$SECONDS_RUN):.3f}')") ms per transaction"
fi
# A warm-up of the same load, not measured: the JIT's tiering of a freshly started worker took a third of its CPU in the
# first seconds (perf: libclrjit), which is not what an answer costs.
load() { PATHS_FILE="$WORK/paths.txt" wrk -t2 -c16 -d"$1"s --latency -s "$ROOT/bench/pulse/answers.lua" "http://127.0.0.1:$PUB"; }
load 20 >/dev/null
# ANSWERS_PERF=file: perf samples of the worker's CPU under the load (perf report -i file --no-children).
if [ -n "${ANSWERS_PERF:-}" ]; then
  perf record -F 499 -g -p "$WORKER" -o "$ANSWERS_PERF" -- sleep $((SECONDS_RUN - 2)) >/dev/null 2>&1 &
fi
A0=$(metric satisfaction_pulse_answers_total); C0=$(cpu); J0=$(cpu_jit); P0=$(pg_cpu)
load "$SECONDS_RUN" > "$WORK/wrk.txt"
RESULT=$(awk '$1=="answers-json" {sub(/^answers-json /, ""); print}' "$WORK/wrk.txt")
A1=$(metric satisfaction_pulse_answers_total); C1=$(cpu); J1=$(cpu_jit); P1=$(pg_cpu)
grep -v "^answers-json" "$WORK/wrk.txt"
echo "worker (wrk, 2 threads, 16 connections): $RESULT"
echo "worker: answers counted $(python3 -c "print(int($A1-$A0))")," \
  "CPU $(python3 -c "print(f'{$C1-$C0:.1f} s, {1e3*($C1-$C0)/max(1,$A1-$A0):.3f} ms per answer')")" \
  "(of which the JIT's background compiler: $(python3 -c "print(f'{1e3*max(0,$J1-$J0)/max(1,$A1-$A0):.3f}')") ms per answer)"
[ "$STORE" = postgres ] && echo "PostgreSQL: CPU $(python3 -c "print(f'{$P1-$P0:.1f} s, {1e3*($P1-$P0)/max(1,$A1-$A0):.3f} ms per answer')")"
echo "$(uptime | sed 's/.*load/load/')"
if [ "$STORE" = postgres ]; then
  TPS2=$(pgbench_tps); echo "pgbench again: $TPS2 transactions/s"
  echo "$RESULT" | python3 -c "
import json, sys
r = json.load(sys.stdin); limit = ($TPS1 + $TPS2) / 2
print(f'ratio: {r[\"answers_per_s\"]} answers/s / {limit:.0f} transactions/s = {r[\"answers_per_s\"] / limit:.2f}')"
  "${PSQL[@]}" -c "DROP TABLE bench_pulses"
fi
grep -E "fail|Exception" "$WORK/worker.log" | head -5 || true
