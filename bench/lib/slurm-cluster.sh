# A throwaway single-node Slurm cluster for bench/ scripts (source this file): munged, slurmctld
# and slurmd on 127.0.0.1 with free ports, a generated slurm.conf, all state in one temporary
# directory, stopped by the PIDs started here (the same set-up as the campaign tests'
# SlurmTestCluster). Needs root and the Debian packages slurm-wlm and munge.
#   slurm_cluster_start      sets SLURM_CONF and SLURM_CLUSTER_DIR
#   slurm_cluster_stop       cancels every job, stops the daemons by PID, removes the directory

slurm_cluster_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

slurm_cluster_start() {
  SLURM_CLUSTER_DIR=$(mktemp -d /tmp/shimscope-slurm-bench.XXXXXX)
  local d=$SLURM_CLUSTER_DIR
  chmod 755 "$d"
  mkdir -p "$d/munge" "$d/run" "$d/log" "$d/ctld" "$d/slurmd"
  chmod 700 "$d/munge"
  head -c 1024 /dev/urandom > "$d/munge/munge.key"
  chmod 400 "$d/munge/munge.key"
  : > "$d/plugstack.conf"
  munged --foreground --socket="$d/run/munge.socket" --key-file="$d/munge/munge.key" \
    --pid-file="$d/run/munged.pid" --log-file="$d/log/munged.log" --seed-file="$d/munge/munged.seed" \
    > "$d/log/munged.out" 2>&1 < /dev/null &
  SLURM_CLUSTER_PIDS=($!)
  for _ in $(seq 100); do [ -S "$d/run/munge.socket" ] && break; sleep 0.1; done
  cat > "$d/slurm.conf" <<CONF
ClusterName=shimscope-bench
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(slurm_cluster_free_port)
SlurmdPort=$(slurm_cluster_free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/run/munge.socket
StateSaveLocation=$d/ctld
SlurmdSpoolDir=$d/slurmd
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
PlugStackConfig=$d/plugstack.conf
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=10
NodeName=shimscope-bench-node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=bench Nodes=shimscope-bench-node Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$d/slurm.conf
  slurmctld -D -f "$SLURM_CONF" > "$d/log/slurmctld.out" 2>&1 < /dev/null &
  SLURM_CLUSTER_PIDS+=($!)
  slurmd -D -f "$SLURM_CONF" -N shimscope-bench-node > "$d/log/slurmd.out" 2>&1 < /dev/null &
  SLURM_CLUSTER_PIDS+=($!)
  for _ in $(seq 300); do [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && return 0; sleep 0.2; done
  echo "bench: the Slurm cluster did not start; see $d/log" >&2
  return 1
}

slurm_cluster_stop() {
  [ -n "${SLURM_CLUSTER_DIR:-}" ] || return 0
  local jobs
  jobs=$(squeue -h -o %A 2>/dev/null | sort -u)
  if [ -n "$jobs" ]; then
    scancel $jobs
    for _ in $(seq 300); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  local i
  for (( i=${#SLURM_CLUSTER_PIDS[@]}-1; i>=0; i-- )); do   # slurmd, slurmctld, then munged
    kill -TERM "${SLURM_CLUSTER_PIDS[$i]}" 2>/dev/null
    wait "${SLURM_CLUSTER_PIDS[$i]}" 2>/dev/null
  done
  # a job step whose daemons died first (the script killed with its whole process group, say)
  # outlives them: any live process still holding a file of the cluster's directory (its command
  # line, working directory or an open file) is stopped by PID, found through /proc, never by name
  local pid
  for pid in $(slurm_cluster_survivors); do kill -TERM "$pid" 2>/dev/null; done
  sleep 1
  for pid in $(slurm_cluster_survivors); do kill -KILL "$pid" 2>/dev/null; done
  rm -rf "$SLURM_CLUSTER_DIR"
  SLURM_CLUSTER_DIR=
}

# PIDs of live processes (not zombies) that hold a file of the cluster's directory
slurm_cluster_survivors() {
  local d=$SLURM_CLUSTER_DIR p pid
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
    [ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" = Z ] && continue
    if tr '\0' ' ' 2>/dev/null < "$p/cmdline" | grep -qF "$d" \
       || [[ $(readlink "$p/cwd" 2>/dev/null) == "$d" || $(readlink "$p/cwd" 2>/dev/null) == "$d/"* ]] \
       || ls -l "$p/fd" 2>/dev/null | grep -qF -- "-> $d/"; then
      echo "$pid"
    fi
  done
}
