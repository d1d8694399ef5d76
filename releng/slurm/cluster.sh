#!/usr/bin/env bash
# Starts or stops a one-node Slurm cluster for Nodulab's tests, entirely inside DIR: its own munge key
# and socket, slurm.conf from slurm.conf.in (proctrack/linuxproc, task/none, no cgroups, no accounting),
# state, spool, logs and pid files. Runs as the calling user (root in CI); nothing outside DIR changes,
# so it starts beside a machine's own Slurm or munge.
#   releng/slurm/cluster.sh start DIR   prints the lines to eval: export SLURM_CONF=...
#   releng/slurm/cluster.sh stop DIR    stops slurmd, slurmctld and munged by their pid files
set -euo pipefail
cmd="${1:?start|stop}"
DIR="$(mkdir -p "${2:?cluster folder}" && cd "$2" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"

stop_pid() { # pid file, name
  local f="$1" pid
  [ -s "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

case "$cmd" in
start)
  for t in munged slurmctld slurmd sbatch; do
    command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || { echo "cluster: $t not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
  done
  export PATH="$PATH:/usr/sbin"
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge"
  chmod 700 "$DIR/munge"
  [ -s "$DIR/munge/munge.key" ] || { head -c 1024 /dev/urandom >"$DIR/munge/munge.key"; chmod 600 "$DIR/munge/munge.key"; }
  host="$(hostname -s)"
  cpus="$(nproc)"
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
  # free ports for this cluster (several test clusters may run on one machine)
  read -r p1 p2 < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
  sed -e "s|@HOST@|$host|g" -e "s|@CPUS@|$cpus|g" -e "s|@MEMORY@|$mem|g" -e "s|@DIR@|$DIR|g" \
      -e "s|@USER@|$(id -un)|g" -e "s|@CTLD_PORT@|$p1|g" -e "s|@D_PORT@|$p2|g" "$HERE/slurm.conf.in" >"$DIR/slurm.conf"
  echo "AuthInfo=socket=$DIR/munge/munge.socket" >>"$DIR/slurm.conf"
  export SLURM_CONF="$DIR/slurm.conf"
  munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed"
  slurmctld -f "$SLURM_CONF"
  slurmd -f "$SLURM_CONF"
  for _ in $(seq 100); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "export SLURM_CONF=$SLURM_CONF"
      exit 0
    fi
    sleep 0.2
  done
  echo "cluster: the node did not become idle within 20 s; sinfo says: $(sinfo 2>&1 | tail -n 2)" >&2
  tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
  exit 1
  ;;
stop)
  stop_pid "$DIR/slurmd.pid"
  stop_pid "$DIR/slurmctld.pid"
  stop_pid "$DIR/munge/munged.pid"
  ;;
*) echo "usage: cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
