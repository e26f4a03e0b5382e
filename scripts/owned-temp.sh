# Sourced by the scripts that start throw-away servers (with-postgres.sh, with-redis.sh): a server's
# directory "$TMPDIR/edusync-<kind>-XXXXXX" holds an `owner` file naming the process that started it (pid
# and start time, so a reused pid is not taken for the owner; test/owned-temp.ts writes and reads the same
# format). A directory whose owner is gone was left by a run killed with SIGKILL and may be swept; one whose
# owner runs, or that names no owner, is someone else's and is left alone.

# Field 22 of /proc/<pid>/stat (start time in clock ticks), counted after the command name's ")".
start_time() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  echo "${20:-}"
}

# Whether process $1 runs (exists and is not a zombie nobody reaped).
running() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [ "${stat%% *}" != "Z" ]
}

# Whether the process named in file $1 ("pid start-time") is gone; a missing or unreadable file: never.
named_process_gone() {
  local pid started now
  read -r pid started 2>/dev/null <"$1" || return 1
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  running "$pid" || return 0
  now="$(start_time "$pid")"
  [ -n "$started" ] && [ -n "$now" ] && [ "$now" != "$started" ]
}

# Whether the owner named in "$1/owner" is gone.
owner_gone() {
  named_process_gone "$1/owner"
}

# Writes "pid start-time" of process $1 to file $2.
name_process() {
  echo "$1 $(start_time "$1")" >"$2"
}
