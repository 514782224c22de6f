#!/usr/bin/env bash
# Pulse delivery benchmark (docs/benchmarks.md, "## Pulse delivery"). Loopback only, bounded in time.
#   bench/pulse/run.sh [users=10000] [store=postgres|sqlite]
# 1. N due users, one dispatch, the outbox drained to smtp-sink: messages/s (queueing and sending), first in a
#    fresh worker (cold) and then for N other users (warm, the steady state), beside smtp-source sending N messages of the same size to the same sink over one connection.
#    Mail__Outbox__Connections=1 in the environment measures the worker with one send loop.
#    Prints the ratio of the two rates (same sink, size and connection count, same run), the load average, and
#    the worker's CPU seconds per 1,000 messages (user + system from /proc, independent of the machine's load).
#    PULSE_PERF=file records perf samples of the worker over the warm round; WORKER_PUBLISH_ARGS adds publish options
#    (e.g. "-r linux-x64 -p:PublishReadyToRun=true"). PULSE_PGSTAT=file (PostgreSQL) writes what the database did in the
#    warm round, per statement (pg_stat_statements), per table, autovacuum's runs, checkpoints and WAL; it loads
#    pg_stat_statements, which costs PostgreSQL some CPU of its own: not for the default figures.
# Answers have their own bench with the database's limit beside them: bench/pulse/answers.sh.
set -euo pipefail
USERS=${1:-10000}; STORE=${2:-postgres}
# The worker's send loops, one SMTP connection each (Mail:Outbox:Connections, default 2); smtp-source keeps one.
CONNECTIONS=${Mail__Outbox__Connections:-2}; export Mail__Outbox__Connections=$CONNECTIONS
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sm-bench-XXXXXX); chmod 777 "$WORK"
# free_port, as_pg, pg_init/pg_start/pg_stop, pg_cpu, stop_pids.
source "$(dirname "$0")/../lib/loopback.sh"
PIDS=()
# The worker is stopped (and waited for) before its database: a worker whose PostgreSQL is gone was
# seen to hang in its graceful shutdown, so it gets 20 s and then SIGKILL.
cleanup() {
  stop_pids
  pg_stop
  rm -rf "$WORK" "${SINK:-/nonexistent}"
}
trap cleanup EXIT

# WORKER_PUBLISH_ARGS: extra publish options, e.g. "-r linux-x64 -p:PublishReadyToRun=true" (docs/benchmarks.md).
# shellcheck disable=SC2086
dotnet publish "$ROOT/Monitor.Worker" -c Release -o "$WORK/worker" --nologo -v q ${WORKER_PUBLISH_ARGS:-} >/dev/null

users_csv "$USERS" > "$WORK/users.csv"

if [ "$STORE" = postgres ]; then
  pg_init
  if [ -n "${PULSE_PGSTAT:-}" ]; then PG_OPTS=$(pgstat_opts); fi
  pg_start
  export Storage__Provider=postgres Storage__ConnectionString="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
else
  export Storage__Provider=sqlite Storage__ConnectionString="Data Source=$WORK/monitor.db"
fi

SINK_PORT=$(free_port); mkdir -p /dev/shm/sm-sink-$$; chmod 777 /dev/shm/sm-sink-$$; SINK=/dev/shm/sm-sink-$$
# How many messages the sink has written, for one stat: on tmpfs a folder's size is 40 bytes plus 20 per entry. Listing up to
# 30,000 names five times a second took 7 % of the machine during a round (perf -a), CPU taken from whichever side is
# CPU-bound, the worker here; checked against a listing after the first round.
sunk() { echo $(( ($(stat -c %s "$SINK") - 40) / 20 )); }
USER_OPT=(); [ "$(id -u)" = 0 ] && USER_OPT=(-u postgres)
/usr/sbin/smtp-sink "${USER_OPT[@]}" -d "$SINK/msg." 127.0.0.1:$SINK_PORT 256 & PIDS+=($!)

PUB=$(free_port); INT=$(free_port); KEY=bench-admin-key-0123456789
export Endpoints__Public=http://127.0.0.1:$PUB Endpoints__Internal=http://127.0.0.1:$INT Admin__ApiKey=$KEY \
  Directory__CsvPath=$WORK/users.csv Pulse__SigningKeys__0=bench-signing-key-0123456789abcdef0123 \
  Pulse__PublicBaseUrl=http://127.0.0.1:$PUB Pulse__Cron="0 0 0 1 1 ? 2099" Pulse__DailySampleRate=1 \
  Pulse__QuietUntil=00:00 Pulse__QuietFrom=23:59:59 Pulse__MaxPerRun=$USERS Pulse__Scanner__MinimumAfterSend=00:00:00 \
  Pulse__BusinessDays__0=Monday Pulse__BusinessDays__1=Tuesday Pulse__BusinessDays__2=Wednesday Pulse__BusinessDays__3=Thursday \
  Pulse__BusinessDays__4=Friday Pulse__BusinessDays__5=Saturday Pulse__BusinessDays__6=Sunday \
  Mail__Smtp__Host=127.0.0.1 Mail__Smtp__Port=$SINK_PORT Mail__Smtp__Security=None Mail__Outbox__PollInterval=00:00:00.2 \
  Logging__LogLevel__Default=Warning
if [ -n "${PULSE_PERF:-}" ]; then export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0; fi  # JIT symbols for perf
(cd "$WORK" && exec dotnet "$WORK/worker/Monitor.Worker.dll" > "$WORK/worker.log" 2>&1) & PIDS+=($!); WORKER=$!
# utime + stime of the worker in seconds (fields 14 and 15 of /proc/PID/stat, in clock ticks).
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$WORKER/stat"; }
# pg_cpu (bench/lib/loopback.sh): PostgreSQL's CPU seconds, 0 on SQLite (no cluster under $WORK/pg).
until curl -sf "http://127.0.0.1:$INT/readyz" >/dev/null; do sleep 0.5; done
until [ "$(curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$INT/api/users" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$USERS" ]; do sleep 1; done

# PostgreSQL's WAL bytes written so far (pg_stat_wal): what the outbox's writes cost the database, independent of load.
wal() { [ "$STORE" = postgres ] && as_pg $PG/psql -h 127.0.0.1 -p "$PGPORT" -U postgres -Atc "SELECT wal_bytes FROM pg_stat_wal" || echo 0; }
metric() { curl -sf "http://127.0.0.1:$INT/metrics" | awk -v m="$1" '$1==m {print $2}'; }
admin() { curl -sf -H "Authorization: Bearer $KEY" "$@"; }
# One dispatch of $USERS due people and the outbox drained to the sink: sets RATE and prints the round's figures.
# PULSE_PERF=file: perf samples of the worker during the warm round (perf report -i file --no-children).
dispatch_round() {
  local label=$1 perf=""
  if [ "$label" = warm ] && [ -n "${PULSE_PERF:-}" ]; then
    perf record -F 499 -g -p "$WORKER" -o "$PULSE_PERF" >/dev/null 2>&1 & perf=$!; sleep 1
  fi
  local c0 p0 t0 c1 p1 t1 w0 w1
  w0=$(wal); c0=$(cpu); p0=$(pg_cpu); t0=$(date +%s.%N)
  admin -X POST "http://127.0.0.1:$INT/api/probes/pulse/run" >/dev/null
  until [ "$(sunk)" -ge "$USERS" ]; do sleep 0.1; done
  t1=$(date +%s.%N); c1=$(cpu); p1=$(pg_cpu); w1=$(wal)
  [ -n "$perf" ] && { kill -INT "$perf"; wait "$perf" || true; }
  RATE=$(python3 -c "print($USERS/($t1-$t0))")
  echo "pulse, $label: dispatch + outbox drain of $USERS: $(python3 -c "print(f'{$t1-$t0:.1f} s, {$USERS/($t1-$t0):.0f} messages/s')")"
  echo "  worker CPU: $(python3 -c "print(f'{$c1-$c0:.1f} s, {1000*($c1-$c0)/$USERS:.2f} CPU s per 1,000 messages')")"
  echo "  PostgreSQL CPU: $(python3 -c "print(f'{$p1-$p0:.1f} s, {1000*($p1-$p0)/$USERS:.2f} CPU s per 1,000 messages')")"
  echo "  PostgreSQL WAL: $(python3 -c "print(f'{($w1-$w0)/$USERS/1000:.1f} kB per message')")"
  echo "  of which the dispatch (queueing into the outbox): $(admin "http://127.0.0.1:$INT/api/probes" | python3 -c 'import json,sys; print([p["last"]["last"]["duration"] for p in json.load(sys.stdin) if p["name"]=="pulse"][0])' 2>/dev/null || echo '?')"
}

# Cold: the first dispatch of a fresh worker (every code path compiled by the JIT on the way).
dispatch_round cold; COLD=$RATE
SIZE=$(stat -c %s "$(ls -d "$SINK"/* | head -1)")
[ "$(sunk)" = "$(ls "$SINK" | wc -l)" ] || { echo "the sink's folder is not on tmpfs: its size is not its count" >&2; exit 1; }
echo "store=$STORE users=$USERS message_bytes=$SIZE"
# Warm: the same again for $USERS other people (added to the directory; the first ones are not due again), the
# steady state of a worker that has run before.
users_csv "$USERS" c | tail -n +2 >> "$WORK/users.csv"
admin -X POST "http://127.0.0.1:$INT/api/probes/directory/run" >/dev/null
until [ "$(admin "http://127.0.0.1:$INT/api/users" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$((2 * USERS))" ]; do sleep 1; done
# The import's own work is not the dispatch's: the evaluation of the people it added (every Evaluation:Interval, 30 s) is run
# now rather than whenever its schedule falls (it fell into the warm round in two profiles of PULSE_PGSTAT, 30 % of
# PostgreSQL's statement time), and then the bench waits for a quiet worker (both bounded).
dirty() {
  if [ "$STORE" = postgres ]; then as_pg $PG/psql -h 127.0.0.1 -p "$PGPORT" -U postgres -Atc "SELECT count(*) FROM dirty_users"
  else python3 -c "import sqlite3,sys; print(sqlite3.connect('file:$WORK/monitor.db?mode=ro', uri=True).execute('SELECT count(*) FROM dirty_users').fetchone()[0])"; fi
}
admin -X POST "http://127.0.0.1:$INT/api/probes/evaluation/run" >/dev/null
for _ in $(seq 1 120); do [ "$(dirty)" = 0 ] && break; sleep 0.5; done
for _ in $(seq 1 30); do a=$(cpu); sleep 1; python3 -c "import sys; sys.exit(0 if $(cpu) - $a < 0.05 else 1)" && break; done
rm -rf "$SINK"/*
PGSTAT=""; if [ "$STORE" = postgres ] && [ -n "${PULSE_PGSTAT:-}" ]; then PGSTAT=$PULSE_PGSTAT; pgstat_begin; fi
dispatch_round warm; WARM=$RATE
if [ -n "$PGSTAT" ]; then pgstat_dump "$PGSTAT" "$USERS"; echo "PostgreSQL's profile of the warm round: $PGSTAT"; fi
echo "pulses_sent_total=$(metric satisfaction_pulses_sent_total) backlog=$(metric satisfaction_outbox_backlog)"

rm -rf "$SINK"/*
T0=$(date +%s.%N)
/usr/sbin/smtp-source -d -s 1 -m "$USERS" -l "$SIZE" -f bench@localhost -t bench@example.com 127.0.0.1:$SINK_PORT
until [ "$(sunk)" -ge "$USERS" ]; do sleep 0.1; done
T1=$(date +%s.%N)
echo "smtp-source, one connection, $USERS x $SIZE bytes: $(python3 -c "print(f'{$T1-$T0:.1f} s, {$USERS/($T1-$T0):.0f} messages/s')")"
echo "ratio worker ($CONNECTIONS SMTP connections) / smtp-source (one connection; same sink, size): cold $(python3 -c "print(f'{$COLD*($T1-$T0)/$USERS:.2f}')"), warm $(python3 -c "print(f'{$WARM*($T1-$T0)/$USERS:.2f}')")"
# For reference only, not the yardstick: smtp-source opening a connection per message (without -d), which is what "one
# connection at a time" can also mean (docs/benchmarks.md, "Which smtp-source").
rm -rf "$SINK"/*
T2=$(date +%s.%N)
/usr/sbin/smtp-source -s 1 -m "$USERS" -l "$SIZE" -f bench@localhost -t bench@example.com 127.0.0.1:$SINK_PORT
until [ "$(sunk)" -ge "$USERS" ]; do sleep 0.1; done
T3=$(date +%s.%N)
echo "for reference, smtp-source with a connection per message: $(python3 -c "print(f'{$USERS/($T3-$T2):.0f} messages/s; warm ratio {$WARM*($T3-$T2)/$USERS:.2f}')")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$SINK"
