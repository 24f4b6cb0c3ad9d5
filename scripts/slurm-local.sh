#!/usr/bin/env bash
# A one-machine Slurm cluster for trying `sinorad study --executor slurm` and for the tests:
# Debian's slurm-wlm (22.05) with munge, started as background daemons (no systemd).
#
#   scripts/slurm-local.sh start     # as root; prints the SLURM_CONF line to export
#   scripts/slurm-local.sh status
#   scripts/slurm-local.sh stop
#
# Everything (slurm.conf, state, logs, pid files) lives in SLURM_LOCAL_DIR (default
# /var/tmp/sinorad-slurm); nothing under /etc is changed except that munge's key is created when
# missing. The generated slurm.conf has one node (this machine: its cores and memory as
# `slurmd -C` reports them) and one partition, `debug`. Commands find it through SLURM_CONF.
# With INSTALL=1, `start` first installs slurm-wlm and munge with apt-get.
set -euo pipefail
DIR=${SLURM_LOCAL_DIR:-/var/tmp/sinorad-slurm}
CONF="$DIR/slurm.conf"
export SLURM_CONF="$CONF"

die() { echo "slurm-local: $*" >&2; exit 1; }

# A daemon whose pid file names a live process (a zombie, exited but not yet reaped, is not).
running() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null
}

# Runs a daemon without the caller's open descriptors: a daemon keeps whatever it inherits above
# 2, and a test harness's pipes or sockets (Foundation's Process watches a socket for its child's
# exit) would then never close. stdin, stdout and stderr stay, for messages before it detaches.
detached() {
  (
    for fd in /proc/$BASHPID/fd/*; do
      n=${fd##*/}
      if [ "$n" -gt 2 ] && [ "$n" != 255 ] && [ -e "/proc/$BASHPID/fd/$n" ]; then eval "exec $n>&-"; fi
    done
    exec "$@"
  )
}

start() {
  [ "$(id -u)" -eq 0 ] || die "start needs root (munged runs as the munge user, slurmd as root)"
  if [ "${INSTALL:-0}" = 1 ] && ! command -v slurmctld >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >&2
  fi
  for tool in munged slurmctld slurmd sbatch; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install slurm-wlm munge, or INSTALL=1 $0 start)"
  done
  mkdir -p "$DIR"/ctld "$DIR"/d "$DIR"/munge
  # munge: a key (the package makes one; made here when missing), its socket folder, the daemon.
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=128 count=1 status=none
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge "$DIR/munge"
  # One munged per machine: an already running one (another cluster's, the system's) is used.
  if ! running "$DIR/munge/munged.pid" && ! { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }; then
    detached runuser -u munge -- /usr/sbin/munged --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" --force
  fi
  munge -n | unmunge >/dev/null || die "munge does not work (log: $DIR/munge/munged.log)"

  local host cpus memory
  host=$(hostname -s)
  cpus=$(nproc)
  # slurmd's own view of the memory, less 512 MiB for the daemons.
  memory=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
  memory=$(( memory > 1024 ? memory - 512 : memory ))
  cat >"$CONF" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster on $host.
ClusterName=sinorad-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/d
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to squeue for an hour (there is no accounting database).
MinJobAge=3600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  running "$DIR/slurmctld.pid" || detached slurmctld -f "$CONF"
  running "$DIR/slurmd.pid" || detached slurmd -f "$CONF"
  local tries=0
  until sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; do
    tries=$((tries + 1))
    [ $tries -le 60 ] || die "the node did not come up in 30 s (logs: $DIR/slurmctld.log, $DIR/slurmd.log)"
    scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
    sleep 0.5
  done
  echo "slurm-local: up ($host, $cpus CPUs, $memory MiB, partition debug); to use it:" >&2
  echo "export SLURM_CONF=$CONF"
}

stop() {
  for pid in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munge/munged.pid"; do
    if running "$pid"; then
      local id
      id=$(cat "$pid")
      kill "$id" 2>/dev/null || true
      for _ in $(seq 50); do running "$pid" || break; sleep 0.1; done
      running "$pid" && kill -9 "$id" 2>/dev/null || true
    fi
    rm -f "$pid"
  done
  # Jobs' state goes with the cluster: the next start is a fresh one.
  rm -rf "$DIR/ctld" "$DIR/d"
  echo "slurm-local: stopped" >&2
}

status() {
  [ -f "$CONF" ] || die "not configured (run: $0 start)"
  sinfo
  squeue
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
