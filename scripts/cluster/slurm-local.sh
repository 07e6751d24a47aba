#!/usr/bin/env bash
# Runs a command under a throw-away one-node Slurm on this machine, localhost only:
#   1. installs Debian's slurm-wlm and munge if they are missing (apt-get; no daemon is started by the packages);
#   2. writes a munge key and a minimal slurm.conf into a fresh temporary directory (free TCP ports, no cgroups:
#      proctrack/linuxproc and task/none work inside a container), and starts munged, slurmctld and slurmd
#      in the foreground of this script;
#   3. runs the command with SLURM_CONF pointing at that cluster (sbatch, squeue, sacct … find it through it);
#   4. on exit, however it exits: cancels what is still queued, stops the three daemons it started (by their
#      PIDs) and removes the directory, so nothing is left running or on disk.
# Needs root (apt-get; slurmd runs jobs as the user who submits them). Exit status: the command's.
#   usage: scripts/cluster/slurm-local.sh COMMAND [ARGS…]
#   e.g.   scripts/cluster/slurm-local.sh sbatch --wait --array=0-3 --wrap 'echo $SLURM_ARRAY_TASK_ID'
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS…]  (runs COMMAND under a one-node Slurm on localhost)" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-local: needs root (it installs slurm-wlm and munge, and slurmd runs jobs as their owner)" >&2
  exit 2
fi
log() { echo "slurm-local: $*" >&2; }

install_packages() {
  local missing=0 tool
  for tool in munged slurmctld slurmd sbatch squeue scontrol; do command -v "$tool" >/dev/null || missing=1; done
  [ "$missing" -eq 0 ] && return 0
  log "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  # The packages' scripts must not start system-wide daemons: say no through policy-rc.d unless one already does.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  local rc=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 slurm-wlm munge; } >&2 || rc=$?
  [ "$made_policy" -eq 1 ] && rm -f "$policy"
  [ "$rc" -eq 0 ] || { log "apt-get failed ($rc)"; exit 1; }
}

free_port() {
  # A port the kernel just handed out and released: free now, and different for two clusters started at once.
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

install_packages

STATE=$(mktemp -d /tmp/slurm-local.XXXXXX)
chmod 755 "$STATE"
PIDS=()
stop_all() {
  local rc=$?
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    # Jobs still queued or running would outlive slurmd (slurmstepd is a process of its own): cancel them first.
    local jobs
    jobs=$(squeue -h -o %i 2>/dev/null)
    if [ -n "$jobs" ]; then
      scancel --full $jobs 2>/dev/null
      for _ in $(seq 1 30); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 1; done
    fi
  fi
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[$i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ "$rc" -ne 0 ] && [ "${SLURM_LOCAL_KEEP_LOGS:-0}" = 1 ]; then
    log "logs kept in $STATE"
  else
    rm -rf "$STATE"
  fi
  exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# munge: a private key and socket; --force because this runs as root and /tmp is world-writable.
dd if=/dev/urandom of="$STATE/munge.key" bs=1024 count=1 status=none
chmod 400 "$STATE/munge.key"
munged --foreground --force --socket="$STATE/munge.socket" --key-file="$STATE/munge.key" \
  --pid-file="$STATE/munged.pid" --log-file="$STATE/munged.log" --seed-file="$STATE/munged.seed" \
  >"$STATE/munged.out" 2>&1 &
PIDS+=($!)

CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
while [ "$SLURMD_PORT" = "$CTLD_PORT" ]; do SLURMD_PORT=$(free_port); done
mkdir -p "$STATE/ctld" "$STATE/slurmd"
cat >"$STATE/slurm.conf" <<EOF
# Written by scripts/cluster/slurm-local.sh: one node, localhost only, no cgroups, no accounting.
ClusterName=sumac$(basename "$STATE" | tr -dc 'a-z0-9' | tail -c 6)
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$STATE/munge.socket
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdTimeout=60
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$STATE/slurm.conf"

# munged must answer before the Slurm daemons authenticate with it.
for _ in $(seq 1 50); do [ -S "$STATE/munge.socket" ] && break; sleep 0.1; done
[ -S "$STATE/munge.socket" ] || { log "munged did not start:"; cat "$STATE/munged.out" "$STATE/munged.log" >&2; exit 1; }

slurmctld -D -i >"$STATE/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N localhost >"$STATE/slurmd.out" 2>&1 &
PIDS+=($!)

ready=0
for _ in $(seq 1 120); do
  if [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = "idle" ]; then ready=1; break; fi
  sleep 0.5
done
if [ "$ready" -ne 1 ]; then
  log "the node did not become idle within 60 s; daemon logs follow"
  tail -n 20 "$STATE"/slurmctld.log "$STATE"/slurmd.log "$STATE"/*.out >&2 2>/dev/null
  exit 1
fi
log "one-node Slurm up (slurmctld :$CTLD_PORT, slurmd :$SLURMD_PORT, state in $STATE)"

"$@"
