#!/usr/bin/env bash
# The outbox's sending path before issue 13, with MailKit's asynchronous API, and with its blocking one, in one process
# (docs/benchmarks.md, "Pulse delivery"): CPU seconds per 1,000 messages of each, and the rate, three rounds.
#   bench/pulse/sendpath.sh [messages=2000]
set -euo pipefail
N=${1:-2000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SINK=$(mktemp -d /dev/shm/sm-sendpath-XXXXXX); chmod 777 "$SINK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
USER_OPT=(); [ "$(id -u)" = 0 ] && USER_OPT=(-u postgres)
/usr/sbin/smtp-sink "${USER_OPT[@]}" -d "$SINK/msg." 127.0.0.1:"$PORT" 256 & SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null || true; rm -rf "$SINK"' EXIT
dotnet build -c Release "$ROOT/bench/pulse/SendPath" --nologo -v q >/dev/null
echo "messages=$N of $(wc -c < "$ROOT/bench/pulse/SendPath/pulse.eml") bytes; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 600 dotnet "$ROOT/bench/pulse/SendPath/bin/Release/net10.0/Monitor.Bench.SendPath.dll" "$PORT" \
  "$ROOT/bench/pulse/SendPath/pulse.eml" "$N"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
