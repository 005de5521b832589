# The filters of contenders (b) and (d), shared by both: clamd with a signature database this
# script writes (EICAR only: no official signatures offline), clamav-milter in front of it,
# and rspamd (its proxy worker in milter mode, in front of a normal worker). rspamd's DNS goes
# to a dnsmasq on loopback that answers NXDOMAIN for every name, so no check leaves the
# machine; its configuration is the packaged one (/etc/rspamd) with our own local.d and
# override.d directories, so the system's configuration is only read.
# shellcheck shell=bash

EICAR_MD5=44d88612fea8a8f36de82e1278abb02f
EICAR_HEX=58354f2150254041505b345c505a58353428505e2937434329377d2445494341522d5354414e444152442d414e544956495255532d544553542d46494c452124482b482a

# milters_start DIR BASE_PORT; sets CLAMAV_MILTER_PORT, RSPAMD_MILTER_PORT, MILTER_PIDS.
milters_start() {
  local dir=$1 base=$2 dns clamd normal controller
  mkdir -p "$dir/clamdb" "$dir/rspamd/local.d" "$dir/rspamd/override.d" "$dir/rspamd/db" "$dir/rspamd/run"
  chmod 755 "$dir"
  dns=$(bench_free_port "$base")
  clamd=$(bench_free_port $((dns + 1)))
  CLAMAV_MILTER_PORT=$(bench_free_port $((clamd + 1)))
  RSPAMD_MILTER_PORT=$(bench_free_port $((CLAMAV_MILTER_PORT + 1)))
  normal=$(bench_free_port $((RSPAMD_MILTER_PORT + 1)))
  controller=$(bench_free_port $((normal + 1)))
  MILTER_PIDS=()

  dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --listen-address=127.0.0.1 \
    --bind-interfaces --port="$dns" --address=/#/ --pid-file= --log-facility="$dir/dnsmasq.log" \
    >"$dir/dnsmasq.out" 2>&1 &
  bench_started dnsmasq $!
  MILTER_PIDS+=($!)

  echo "Eicar-Test-Signature:0:*:$EICAR_HEX" >"$dir/clamdb/bench.ndb"
  echo "$EICAR_MD5:68:Eicar-Test-Signature" >"$dir/clamdb/bench.hdb"
  cat >"$dir/clamd.conf" <<CONF
Foreground yes
LogFile $dir/clamd.log
LogTime yes
DatabaseDirectory $dir/clamdb
TCPSocket $clamd
TCPAddr 127.0.0.1
MaxThreads 20
MaxConnectionQueueLength 100
StreamMaxLength 150M
CONF
  clamd -c "$dir/clamd.conf" >"$dir/clamd.out" 2>&1 &
  bench_started clamd $!
  MILTER_PIDS+=($!)

  cat >"$dir/clamav-milter.conf" <<CONF
Foreground yes
MilterSocket inet:$CLAMAV_MILTER_PORT@127.0.0.1
ClamdSocket tcp:127.0.0.1:$clamd
LogFile $dir/clamav-milter.log
LogTime yes
OnClean Accept
OnInfected Reject
OnFail Defer
AddHeader No
MaxFileSize 150M
ReadTimeout 120
CONF

  cat >"$dir/rspamd/local.d/options.inc" <<CONF
dns {
  nameserver = ["127.0.0.1:$dns"];
  timeout = 1s;
  retransmits = 1;
}
CONF
  cat >"$dir/rspamd/local.d/logging.inc" <<CONF
type = "file";
filename = "$dir/rspamd.log";
level = "warning";
CONF
  echo "bind_socket = \"127.0.0.1:$normal\";" >"$dir/rspamd/override.d/worker-normal.inc"
  echo "bind_socket = \"127.0.0.1:$controller\";" >"$dir/rspamd/override.d/worker-controller.inc"
  cat >"$dir/rspamd/override.d/worker-proxy.inc" <<CONF
bind_socket = "127.0.0.1:$RSPAMD_MILTER_PORT";
milter = yes;
timeout = 120s;
upstream "local" {
  default = yes;
  hosts = "127.0.0.1:$normal";
}
CONF
  # Fuzzy hashes are checked against rspamd.com's servers: off, as nothing may leave loopback.
  echo "enabled = false;" >"$dir/rspamd/local.d/fuzzy_check.conf"
  chown -R _rspamd:_rspamd "$dir/rspamd"

  if ! bench_wait_port "$clamd" 120 "${MILTER_PIDS[1]}"; then
    cat "$dir/clamd.out" "$dir/clamd.log" >&2 2>/dev/null
    return 1
  fi
  clamav-milter -c "$dir/clamav-milter.conf" >"$dir/clamav-milter.out" 2>&1 &
  bench_started clamav-milter $!
  MILTER_PIDS+=($!)

  rspamd -f -u _rspamd -g _rspamd -c /etc/rspamd/rspamd.conf \
    --var "LOCAL_CONFDIR=$dir/rspamd" --var "DBDIR=$dir/rspamd/db" --var "RUNDIR=$dir/rspamd/run" \
    --var "LOGDIR=$dir" >"$dir/rspamd.out" 2>&1 &
  bench_started rspamd $!
  MILTER_PIDS+=($!)

  if ! bench_wait_port "$CLAMAV_MILTER_PORT" 30 "${MILTER_PIDS[2]}"; then
    cat "$dir/clamav-milter.out" "$dir/clamav-milter.log" >&2 2>/dev/null
    return 1
  fi
  if ! bench_wait_port "$RSPAMD_MILTER_PORT" 120 "${MILTER_PIDS[3]}"; then
    cat "$dir/rspamd.out" "$dir/rspamd.log" >&2 2>/dev/null
    return 1
  fi
  bench_log "milters up: clamav-milter 127.0.0.1:$CLAMAV_MILTER_PORT (clamd :$clamd), rspamd proxy 127.0.0.1:$RSPAMD_MILTER_PORT, DNS :$dns (NXDOMAIN)"
}

milters_stop() {
  local pid i
  for ((i = ${#MILTER_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${MILTER_PIDS[$i]}
    bench_stop_pid "$pid"
    bench_forget "$pid"
  done
  MILTER_PIDS=()
}
