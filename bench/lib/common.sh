# Shared by bench/run and its helpers: finding Java, ports, waiting, and stopping everything
# this run started (each daemon is registered with its pid the moment it is started).
# shellcheck shell=bash

bench_log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
bench_die() { bench_log "error: $*"; exit 1; }

# A Java of 21 or newer, found the way ./portcullis finds one.
bench_find_java() {
  local c v
  for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [ -x "$c" ] || continue
    v="$("$c" -XshowSettings:properties -version 2>&1 |
         sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1)"
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

# A TCP port on 127.0.0.1 that nothing listens on, at or above $1.
bench_free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || bench_port_taken "$p"; do
    p=$((p + 1))
  done
  BENCH_TAKEN_PORTS="${BENCH_TAKEN_PORTS:-} $p"
  echo "$p"
}
bench_port_taken() { case " ${BENCH_TAKEN_PORTS:-} " in *" $1 "*) return 0 ;; esac; return 1; }

# Waits (bounded) until something accepts connections on 127.0.0.1:$1; $3 is a pid that must stay alive.
bench_wait_port() {
  local port=$1 seconds=${2:-30} pid=${3:-} i
  for ((i = 0; i < seconds * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# Every process this run started, as "name:pid", stopped in reverse order by bench_stop_all.
BENCH_PIDS=()
bench_started() { BENCH_PIDS+=("$1:$2"); }
bench_forget() {
  local keep=() e
  for e in "${BENCH_PIDS[@]}"; do [ "${e##*:}" = "$1" ] || keep+=("$e"); done
  BENCH_PIDS=("${keep[@]}")
}

# Stops one process by its pid: TERM, a bounded wait, then KILL.
bench_stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  bench_log "pid $pid did not stop in 10 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# Hooks run by bench_stop_all before the pids (e.g. "postfix -c DIR stop").
BENCH_STOP_HOOKS=()
bench_on_stop() { BENCH_STOP_HOOKS+=("$1"); }

bench_stop_all() {
  local i e
  for ((i = ${#BENCH_STOP_HOOKS[@]} - 1; i >= 0; i--)); do
    eval "${BENCH_STOP_HOOKS[$i]}" || true
  done
  BENCH_STOP_HOOKS=()
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    e=${BENCH_PIDS[$i]}
    bench_stop_pid "${e##*:}"
  done
  BENCH_PIDS=()
}
