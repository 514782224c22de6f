#!/usr/bin/env bash
# Pulse path fault suite (docs/reliability.md, "The pulse path's fault suite"). Loopback only, bounded in time
# (3.5-3.7 minutes with the defaults on the shared 2-core machine, the Release publish included; every wait has a limit).
#   bench/pulse/faults.sh [pulses=5000] [stores="postgres sqlite"] [db_down_seconds=5] [mail_down_seconds=20]
# The Release worker on a PostgreSQL cluster of its own (and then on a SQLite file), Postfix's smtp-sink dumping every
# message to a tmpfs folder (one folder per scenario), counted per recipient (X-Rcpt-Args) afterwards. Each scenario
# adds its own people to the directory (prefix a, k, t, m) and dispatches them with POST /api/probes/pulse/run:
#   answers (PostgreSQL only)  pulses sent to the sink, their answer links clicked once each (faults.py clicks, 8
#       connections, 150 clicks/s, every response logged) while PostgreSQL is restarted (pg_ctl -m fast) and, on the
#       other half of the links, killed (-m immediate), db_down_seconds each; then the log is compared with the store:
#       lost      = answered 200 but the pulse not answered or its signal not stored  (must be 0)
#       surprise  = answered 503 (or not at all) but stored anyway (the person's retry is a no-op)
#       split     = a signal stored while its pulse stayed unanswered, or the reverse  (must be 0: one transaction)
#       5xx       = answers other than 200/503                                        (must be 0)
#       recovery  = from PostgreSQL accepting connections again to the first 200
#   kill -9    N pulses dispatched, the worker SIGKILLed once a twentieth has reached the sink (mid-dispatch and mid-send),
#       restarted at once: missing people (must be 0), duplicates (at most Mail:Outbox:BatchSize per send loop, 2 x 50),
#       time from the restart until the outbox is drained
#   SIGTERM    the same with SIGTERM: the time to exit and its code, messages handed back, rows still held by a lease
#       after the exit (must be 0), then the restart: duplicates must be 0
#   mail down  the same with smtp-sink stopped instead for mail_down_seconds, then started again on the same port:
#       nothing missing, duplicates, time from the sink's return until the outbox is drained
# Prints one table row per scenario and store, and the load average. Shorter: bench/pulse/faults.sh 2000 postgres 3 10.
# FAULTS_LOGS=folder: the worker's and the sink's logs are copied there at the end.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;; esac
PULSES=${1:-5000}; STORES=${2:-postgres sqlite}; DB_DOWN=${3:-5}; MAIL_DOWN=${4:-20}
RATE=150; CLICK_SECONDS=$((DB_DOWN + 15)); ANSWERS=$((2 * RATE * CLICK_SECONDS))
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sm-pulse-faults-XXXXXX); chmod 777 "$WORK"
SINKS=$(mktemp -d /dev/shm/sm-pulse-faults-XXXXXX); chmod 777 "$SINKS"
# free_port, as_pg, pg_init/pg_start/pg_stop, stop_pids, users_csv.
source "$(dirname "$0")/../lib/loopback.sh"
PIDS=()
cleanup() {
  stop_pids
  pg_stop immediate
  rm -rf "$WORK" "$SINKS"
}
trap cleanup EXIT
echo "pulse faults: pulses=$PULSES stores='$STORES' db_down=$DB_DOWN s mail_down=$MAIL_DOWN s $(uptime | sed 's/.*load/load/')"

# wait_until SECONDS COMMAND...: 0 once the command succeeds, 1 when the time is up (the scenario reports what it saw).
wait_until() { local end=$(($(date +%s) + $1)); shift; until "$@"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.2; done; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }

dotnet publish "$ROOT/Monitor.Worker" -c Release -o "$WORK/worker" --nologo -v q >/dev/null
SINK_PORT=$(free_port); PUB=$(free_port); INT=$(free_port); KEY=bench-admin-key-0123456789
USER_OPT=(); [ "$(id -u)" = 0 ] && USER_OPT=(-u postgres)
export Endpoints__Public=http://127.0.0.1:$PUB Endpoints__Internal=http://127.0.0.1:$INT Admin__ApiKey=$KEY \
  Directory__CsvPath=$WORK/users.csv Pulse__SigningKeys__0=bench-signing-key-0123456789abcdef0123 \
  Pulse__PublicBaseUrl=http://127.0.0.1:$PUB Pulse__Cron="0 0 0 1 1 ? 2099" Pulse__DailySampleRate=1 \
  Pulse__QuietUntil=00:00 Pulse__QuietFrom=23:59:59 Pulse__MaxPerRun=$((ANSWERS > PULSES ? ANSWERS : PULSES)) \
  Pulse__Scanner__MinimumAfterSend=00:00:00 \
  Pulse__BusinessDays__0=Monday Pulse__BusinessDays__1=Tuesday Pulse__BusinessDays__2=Wednesday Pulse__BusinessDays__3=Thursday \
  Pulse__BusinessDays__4=Friday Pulse__BusinessDays__5=Saturday Pulse__BusinessDays__6=Sunday \
  Mail__Smtp__Host=127.0.0.1 Mail__Smtp__Port=$SINK_PORT Mail__Smtp__Security=None Mail__Outbox__PollInterval=00:00:00.2 \
  RateLimits__ClientPermits=100000 RateLimits__ClientWindow=00:00:01 RateLimits__TokenPermits=100000 RateLimits__TokenWindow=00:00:01 \
  Logging__LogLevel__Default=Warning
admin() { curl -sf -m 30 -H "Authorization: Bearer $KEY" "$@"; }
ready() { curl -sf -m 2 "http://127.0.0.1:$INT/readyz" -o /dev/null; }
# The worker, with the outbox's and the dispatch's information lines (what was handed back, the resume).
start_worker() {
  (cd "$WORK" && exec env Logging__LogLevel__Monitor.Worker.Pulse=Information \
    dotnet "$WORK/worker/Monitor.Worker.dll" >> "$WORK/worker-$STORE.log" 2>&1) & WORKER=$!; PIDS+=("$WORKER")
  T_START=$(now)
  wait_until 120 ready || { echo "the worker did not get ready" >&2; tail -20 "$WORK/worker-$STORE.log" >&2; exit 1; }
  T_READY=$(now)
}
# SIGTERM, up to 30 s to exit (the host's limit is 20 s), then SIGKILL; STOP_CODE is the exit code.
stop_worker() {
  kill -TERM "$WORKER"
  for _ in $(seq 1 300); do kill -0 "$WORKER" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$WORKER" 2>/dev/null || true; STOP_CODE=0; wait "$WORKER" 2>/dev/null || STOP_CODE=$?
}
# smtp-sink dumping into $SINKS/<folder>; sunk <folder>: how many files, for one stat (tmpfs: 40 bytes + 20 per entry).
start_sink() {
  mkdir -p "$SINKS/$1"; chmod 777 "$SINKS/$1"
  /usr/sbin/smtp-sink "${USER_OPT[@]}" -d "$SINKS/$1/msg." 127.0.0.1:"$SINK_PORT" 256 2>> "$WORK/sink.log" & SINK_PID=$!
  PIDS+=("$SINK_PID")
  wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SINK_PORT" 2>/dev/null
}
stop_sink() { kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true; }
sunk() { [ -d "$SINKS/$1" ] && echo $(( ($(stat -c %s "$SINKS/$1") - 40) / 20 )) || echo 0; }
sunk_at_least() { [ "$(sunk "$1")" -ge "$2" ]; }
q() {
  if [ "$STORE" = postgres ]; then as_pg $PG/psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qAt -c "$1"
  else sqlite3 -cmd ".timeout 10000" "$WORK/monitor.db" "$1"; fi
}
# cohort PREFIX COUNT: COUNT more people in the directory (their ids and addresses start with PREFIX), synced now when
# the worker runs (a directory without anyone is refused, so the first cohort is written before the worker starts).
TOTAL=0
cohort() {
  users_csv "$2" "$1" | tail -n +2 >> "$WORK/users.csv"; TOTAL=$((TOTAL + $2))
  if [ -n "${WORKER:-}" ] && kill -0 "$WORKER" 2>/dev/null; then
    admin -X POST "http://127.0.0.1:$INT/api/probes/directory/run" >/dev/null
    wait_until 120 synced "$TOTAL" || { echo "directory sync did not reach $TOTAL people" >&2; exit 1; }
  fi
}
synced() { [ "$(q "SELECT count(*) FROM users")" = "$1" ]; }
queued() { q "SELECT count(*) FROM pulses WHERE user_id LIKE '$1%'"; }
# Everyone of the cohort queued and nothing left to send.
drained() { [ "$(queued "$1")" = "$PULSES" ] && [ "$(q "SELECT count(*) FROM outbox WHERE sent_at IS NULL")" = 0 ]; }
row() { printf '| %s | %s | %s |\n' "$1" "$STORE" "$2" | tee -a "$WORK/rows"; }

answers_scenario() {
  start_sink answers
  admin -X POST "http://127.0.0.1:$INT/api/probes/pulse/run" >/dev/null
  wait_until 180 sunk_at_least answers "$ANSWERS" || { echo "only $(sunk answers) of $ANSWERS pulses sent" >&2; exit 1; }
  python3 "$ROOT/bench/pulse/faults.py" links "$SINKS/answers" > "$WORK/links"
  head -n $((ANSWERS / 2)) "$WORK/links" > "$WORK/links.restart"; tail -n +$((ANSWERS / 2 + 1)) "$WORK/links" > "$WORK/links.kill"
  for mode in restart kill; do
    python3 "$ROOT/bench/pulse/faults.py" clicks --port "$PUB" --paths "$WORK/links.$mode" --rate $RATE \
      --seconds $CLICK_SECONDS --log "$WORK/clicks.$mode" & local load=$!
    sleep 4
    as_pg $PG/pg_ctl -D "$WORK/pg" -m "$([ $mode = restart ] && echo fast || echo immediate)" -w stop >/dev/null
    sleep "$DB_DOWN"; pg_start; echo "$(now)" > "$WORK/up.$mode"
    wait $load
  done
  q "SELECT p.id, CASE WHEN p.answered_at IS NULL THEN 0 ELSE 1 END,
       CASE WHEN EXISTS (SELECT 1 FROM signals s WHERE s.user_id = p.user_id AND s.source = 'pulse:' || p.id) THEN 1 ELSE 0 END
     FROM pulses p WHERE p.user_id LIKE 'a%'" > "$WORK/stored"
  for mode in restart kill; do
    python3 "$ROOT/bench/pulse/faults.py" answers "$WORK/clicks.$mode" "$WORK/stored" "$(cat "$WORK/up.$mode")" > "$WORK/answers.$mode"
    row "answers, PostgreSQL $([ $mode = restart ] && echo "restarted (-m fast)" || echo "killed (-m immediate)"), $DB_DOWN s down" \
      "$(python3 -c "
import json; r = json.load(open('$WORK/answers.$mode'))
print(f\"{r['requests']:,} clicks: {r['ok']:,} 200, {r['503']:,} 503, {r['no_answer']} no answer | **{r['lost']}** | - | \"
      f\"{r['surprise']} | {r['signal_without_answered'] + r['answered_without_signal']} | {r['5xx'] + r['other']} | \"
      f\"first 200 {'never' if r['recovery_s'] is None else str(r['recovery_s']) + ' s'} after PostgreSQL was back, \"
      f\"then {r['refused_after_up']} refused\")")"
  done
  stop_sink
}

# send_scenario PREFIX LABEL FAULT (kill|term|mail): N pulses dispatched and the fault once a twentieth has reached the sink.
send_scenario() {
  local prefix=$1 label=$2 fault=$3 name="$STORE-$1" t_fault t_back detail="" exit_code
  grep -q "^$prefix" "$WORK/users.csv" || cohort "$prefix" "$PULSES"
  start_sink "$name"
  admin -X POST "http://127.0.0.1:$INT/api/probes/pulse/run" >/dev/null
  wait_until 120 sunk_at_least "$name" $((PULSES / 20)) || true
  case $fault in
    kill)
      kill -9 "$WORKER"; wait "$WORKER" 2>/dev/null || true
      detail="at the kill: $(queued "$prefix") queued, $(sunk "$name") in the sink; "
      start_worker; t_back=$T_START ;;
    term)
      t_fault=$(now); stop_worker; exit_code=$STOP_CODE; local t_exit; t_exit=$(now)
      local held handed
      held=$(q "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND claimed_until IS NOT NULL")
      handed=$(grep -oE "[0-9]+ handed back" "$WORK/worker-$STORE.log" | awk '{s += $1} END {print s + 0}')
      detail="exit $exit_code $(secs "$t_fault" "$t_exit") s after SIGTERM, $(queued "$prefix") queued, $(sunk "$name") in the sink, $handed handed back, $held still held; "
      start_worker; t_back=$T_START ;;
    mail)
      stop_sink; t_fault=$(now)
      sleep "$MAIL_DOWN"
      start_sink "$name-after"; t_back=$(now)
      detail="sink stopped after $(sunk "$name") messages for $(secs "$t_fault" "$t_back") s; " ;;
  esac
  local drained_in="never (after 180 s)"
  wait_until 180 drained "$prefix" && drained_in="$(secs "$t_back" "$(now)") s"
  [ "$fault" = mail ] || drained_in="$drained_in after the restart (ready in $(secs "$T_START" "$T_READY") s)"
  [ "$fault" = mail ] && drained_in="$drained_in after the sink's return"
  python3 "$ROOT/bench/pulse/faults.py" recipients "$prefix" "$SINKS/$name" "$SINKS/$name-after" > "$WORK/$name.json"
  row "$label" "$(python3 -c "
import json; r = json.load(open('$WORK/$name.json'))
print(f\"$PULSES pulses: {r['messages']:,} messages to {r['people']:,} people ({r['partial']} cut short) | **{$PULSES - r['people']}** | \"
      f\"{r['duplicates']} | - | - | - | ${detail}drained $drained_in\")")"
  stop_sink
}

printf '| scenario | store | requests / messages | lost (missing) | duplicated | surprise | answer split | 5xx | recovery |\n' > "$WORK/rows"
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' >> "$WORK/rows"
for STORE in $STORES; do
  TOTAL=0; WORKER=""; users_csv 0 > "$WORK/users.csv"
  if [ "$STORE" = postgres ]; then
    pg_init; pg_start
    export Storage__Provider=postgres Storage__ConnectionString="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
  else
    export Storage__Provider=sqlite Storage__ConnectionString="Data Source=$WORK/monitor.db"
  fi
  if [ "$STORE" = postgres ]; then cohort a "$ANSWERS"; else cohort k "$PULSES"; fi
  start_worker; wait_until 120 synced "$TOTAL"
  [ "$STORE" = postgres ] && answers_scenario
  send_scenario k "kill -9 mid-dispatch and send" kill
  send_scenario t "SIGTERM mid-dispatch and send" term
  send_scenario m "mail server down $MAIL_DOWN s mid-send" mail
  stop_worker
  [ "$STORE" = postgres ] && pg_stop
done
echo; cat "$WORK/rows"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# What failed in the worker's logs, with the line that names it (a job, a service); FAULTS_LOGS=folder keeps the logs.
grep -hE -B1 "Unhandled|unhandled exception" "$WORK"/worker-*.log | grep -v "^--" | head -10 || true
if [ -n "${FAULTS_LOGS:-}" ]; then mkdir -p "$FAULTS_LOGS"; cp "$WORK"/worker-*.log "$WORK"/sink.log "$FAULTS_LOGS"/ 2>/dev/null || true; fi
