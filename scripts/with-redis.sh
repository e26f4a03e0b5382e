#!/usr/bin/env bash
# Runs a command with REDIS_URL pointing at a real Redis server. When REDIS_URL is already set it is used
# as is; otherwise redis-server is installed from Debian packages if absent, a throw-away server is started
# on 127.0.0.1 (no persistence), and stopped when the command ends. Tests that stop Redis mid-test start
# their own server on another port, so this one stays up for the rest.
set -euo pipefail

if [ -n "${REDIS_URL:-}" ]; then exec "$@"; fi

if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "with-redis: installing redis-server from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq redis-server >&2
fi
bin="$(command -v redis-server || echo /usr/bin/redis-server)"

port="${REDISTEST_PORT:-56379}"
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
workdir="$(mktemp -d /tmp/edusync-redis.XXXXXX)"
"$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$workdir" \
  --loglevel warning >"$workdir/server.log" 2>&1 &
pid=$!

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap stop EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; then break; fi
  sleep 0.1
done

export REDIS_URL="redis://127.0.0.1:$port"
echo "with-redis: $("$bin" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
set -e
exit $status
