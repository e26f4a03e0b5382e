#!/usr/bin/env bash
# Runs a command with REDIS_URL pointing at a real Redis server. When REDIS_URL is already set it is used
# as is; otherwise redis-server is installed from Debian packages if absent, a throw-away server is started
# on 127.0.0.1 (no persistence), and stopped when the command ends or this script gets SIGINT, SIGTERM or
# SIGHUP (the command gets SIGTERM); servers left by runs killed with SIGKILL are stopped at the next start
# once their owner is gone. Tests that stop Redis mid-test start their own server on another port, so this
# one stays up for the rest.
set -euo pipefail

if [ -n "${REDIS_URL:-}" ]; then exec "$@"; fi

if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "with-redis: installing redis-server from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq redis-server >&2
fi
bin="$(command -v redis-server || echo /usr/bin/redis-server)"

# shellcheck source=scripts/owned-temp.sh
source "$(dirname "${BASH_SOURCE[0]}")/owned-temp.sh"
tmp="${TMPDIR:-/tmp}"

# Servers left by runs that died without stopping them (SIGKILL): stop them (only the very process recorded,
# checked by its start time) and remove their directories. Others' servers are left alone.
for stale in "$tmp"/edusync-redis-*; do
  [ -d "$stale" ] && owner_gone "$stale" || continue
  server=""
  if [ -f "$stale/server" ] && ! named_process_gone "$stale/server"; then
    read -r server _ <"$stale/server"
    kill "$server" 2>/dev/null || true
    for _ in $(seq 1 50); do running "$server" || break; sleep 0.1; done
  fi
  if [ -z "$server" ] || ! running "$server"; then rm -rf "$stale"; fi
done

port="${REDISTEST_PORT:-56379}"
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
workdir="$(mktemp -d "$tmp/edusync-redis-XXXXXX")"
name_process $$ "$workdir/owner"
child=""
pid=""
stop() {
  local status=$?
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
  exit "$status"
}
# Signals end the script through the EXIT trap, which stops the server and removes its directory.
trap stop EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$workdir" \
  --loglevel warning >"$workdir/server.log" 2>&1 &
pid=$!
name_process "$pid" "$workdir/server"

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; then break; fi
  sleep 0.1
done

export REDIS_URL="redis://127.0.0.1:$port"
echo "with-redis: $("$bin" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
# In the background so that a signal is handled at once (bash runs traps only between commands, and a
# `wait` returns on a signal), with stdin kept (a background command would get /dev/null).
set +e
"$@" <&0 &
child=$!
wait "$child"
status=$?
child=""
set -e
exit $status
