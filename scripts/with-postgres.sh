#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a real PostgreSQL server. When DATABASE_URL is already set
# it is used as is; otherwise PostgreSQL is installed from Debian packages if absent, a throw-away cluster
# is started on 127.0.0.1 (as the `postgres` user when running as root), and stopped when the command ends,
# when this script gets SIGINT, SIGTERM or SIGHUP (the command gets SIGTERM), or when it fails; clusters
# left by runs killed with SIGKILL are removed at the next start once their owner is gone.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then exec "$@"; fi

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if ! bindir="$(find_bin)"; then
  echo "with-postgres: installing PostgreSQL from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bindir="$(find_bin)"
fi

# A cluster lives in "$tmp/edusync-pg-XXXXXX" with an `owner` file naming the process that started it (pid
# and start time; test/owned-temp.ts and packages/store-pg/test/pg-server.ts write and read the same).
tmp="${TMPDIR:-/tmp}"
as_pg=()
if [ "$(id -u)" = "0" ]; then
  # sbin may be missing from PATH in minimal environments; runuser and useradd live there.
  export PATH="$PATH:/usr/sbin:/sbin"
  as_pg=(runuser -u postgres --)
fi

# shellcheck source=scripts/owned-temp.sh
source "$(dirname "${BASH_SOURCE[0]}")/owned-temp.sh"

# Whether the postmaster of "$1"'s cluster is running.
postmaster_alive() {
  local pid
  read -r pid 2>/dev/null <"$1/data/postmaster.pid" || return 1
  [ -n "$pid" ] && running "$pid"
}

# Clusters left by runs that died without stopping them (SIGKILL): stop and remove them. A cluster whose
# owner is alive (someone else's run) or that names no owner is left alone.
for stale in "$tmp"/edusync-pg-*; do
  [ -d "$stale" ] && owner_gone "$stale" || continue
  if [ -f "$stale/data/postmaster.pid" ]; then
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$stale/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  postmaster_alive "$stale" || rm -rf "$stale"
done

port="${PGTEST_PORT:-55432}"
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
workdir="$(mktemp -d "$tmp/edusync-pg-XXXXXX")"
name_process $$ "$workdir/owner"
child=""
stop() {
  local status=$?
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [ -f "$workdir/data/postmaster.pid" ]; then
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
  exit "$status"
}
# Set before initdb: a failed start removes what it made. Signals end the script through the EXIT trap.
trap stop EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${#as_pg[@]}" -gt 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$workdir" postgres
  chown postgres "$workdir"
fi

"${as_pg[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $workdir -c max_connections=200 -c fsync=on -c shared_buffers=256MB" start >/dev/null

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
# What a command needs to restart or inspect the throw-away server (the soak restarts it once).
export EDUSYNC_PG_BIN="$bindir" EDUSYNC_PG_DATA="$workdir/data" EDUSYNC_PG_AS_POSTGRES="${as_pg[*]:+1}"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
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
