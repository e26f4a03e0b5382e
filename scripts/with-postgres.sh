#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a real PostgreSQL server. When DATABASE_URL is already set
# it is used as is; otherwise PostgreSQL is installed from Debian packages if absent, a throw-away cluster
# is started on 127.0.0.1 (as the `postgres` user when running as root), and stopped when the command ends.
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

port="${PGTEST_PORT:-55432}"
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
workdir="$(mktemp -d /tmp/edusync-pg.XXXXXX)"
as_pg=()
if [ "$(id -u)" = "0" ]; then
  # sbin may be missing from PATH in minimal environments; runuser and useradd live there.
  export PATH="$PATH:/usr/sbin:/sbin"
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$workdir" postgres
  chown postgres "$workdir"
  as_pg=(runuser -u postgres --)
fi

"${as_pg[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $workdir -c max_connections=200 -c fsync=on -c shared_buffers=256MB" start >/dev/null

stop() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
# What a command needs to restart or inspect the throw-away server (the soak restarts it once).
export EDUSYNC_PG_BIN="$bindir" EDUSYNC_PG_DATA="$workdir/data" EDUSYNC_PG_AS_POSTGRES="${as_pg[*]:+1}"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
set -e
exit $status
