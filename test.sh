#!/usr/bin/env bash
# Runs every test of satisfaction-monitor on a fresh machine: installs the real servers the tests talk to
# (PostgreSQL, Prometheus with promtool, Alertmanager, Postfix's smtp-sink, Chromium) when missing, then
# builds and runs the whole suite. Prints the totals last, as "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")"

packages=(postgresql prometheus prometheus-alertmanager postfix chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} ..."
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian packages start their own services; the tests start their own servers on free ports instead.
for s in prometheus prometheus-alertmanager postfix postgresql; do
  (service "$s" stop >/dev/null 2>&1 || true)
done

log=$(mktemp)
set +e
dotnet test satisfaction-monitor.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# dotnet test prints one summary line per test assembly: "Passed!  - Failed: 0, Passed: 33, Skipped: 0, ..."
totals=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" |
  sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {printf "%d %d %d", p, f, s}')
read -r passed failed skipped <<<"${totals:-0 0 0}"
rm -f "$log"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then status=1; fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
