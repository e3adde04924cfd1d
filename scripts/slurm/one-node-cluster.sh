#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, to test a study run as an array job (README "Running on a
# cluster"). As root: installs Debian's slurm-wlm and munge if missing, writes a slurm.conf for this host
# (proctrack/linuxproc, task/none, the node as `slurmd -C` measures it), starts munged, slurmctld and slurmd,
# writes the study's sbatch script with `localprop sweep --slurm`, submits it and waits, merges the shards and
# checks the merged study is byte-identical to a single-process run of the same study. Idempotent: a rerun
# first stops what an earlier run left; its daemons are stopped on exit, whatever happens.
#
#   scripts/slurm/one-node-cluster.sh [STUDY]       (default studies/digits-tiny.study.json; state in $STATE)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
STUDY=${1:-studies/digits-tiny.study.json}
STATE=${LOCALPROP_SLURM_STATE:-/tmp/localprop-slurm}
TASKS=3
# The CLI from the sources (through tsx), so the test runs what the checkout holds, built or not.
localprop() { node --import tsx "$REPO/src/cli/main.ts" "$@"; }

[ "$(id -u)" = 0 ] || { echo "one-node-cluster: run as root (it installs packages and starts daemons)" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  echo "== installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
fi

# Stop the daemons this script started (their pids are in $STATE), now and on exit.
stop_daemons() {
  for name in slurmd slurmctld munged; do
    local pidfile="$STATE/$name.pid"
    [ -f "$pidfile" ] || continue
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}
stop_daemons
trap stop_daemons EXIT
rm -rf "$STATE"
mkdir -p "$STATE"/ctld "$STATE"/spool "$STATE"/munge

# munge: our own key, socket and files under $STATE, so nothing of the system's munge is touched.
dd if=/dev/urandom of="$STATE/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$STATE/munge/munge.key"
chmod 0700 "$STATE/munge"
munged --force --key-file="$STATE/munge/munge.key" --socket="$STATE/munge/munge.socket" \
  --pid-file="$STATE/munged.pid" --log-file="$STATE/munge/munged.log" --seed-file="$STATE/munge/munged.seed"
for _ in $(seq 50); do [ -S "$STATE/munge/munge.socket" ] && break; sleep 0.1; done
munge -S "$STATE/munge/munge.socket" -n | unmunge -S "$STATE/munge/munge.socket" >/dev/null
echo "== munged: up"

HOST=$(hostname -s)
NODE=$(slurmd -C | head -1)   # NodeName=<host> CPUs=... RealMemory=..., as slurmd itself measures the machine
export SLURM_CONF="$STATE/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=localprop
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$STATE/munge/munge.socket
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
$NODE State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
  sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)' && break
  sleep 0.2
done
sinfo -h -N -o '%N %T %c CPUs %m MB' | sed 's/^/== slurm node: /'
if ! sinfo -h -N -o '%T' | grep -qE '^(idle|mixed)'; then
  tail -n 20 "$STATE"/*.log >&2 || true
  echo "one-node-cluster: the node did not come up (the daemons' logs are above)" >&2
  exit 1
fi

NAME=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).name)' "$STUDY")
OUT="$STATE/out"
localprop sweep "$STUDY" --slurm --out "$OUT" --shard-count "$TASKS" --workers 1
echo "== sbatch --wait $OUT/$NAME.sbatch"
if ! timeout 600 sbatch --wait "$OUT/$NAME.sbatch"; then
  tail -n 20 "$OUT"/slurm-*.out "$STATE"/*.log >&2 || true
  echo "one-node-cluster: the array job failed (its tasks' and the daemons' logs are above)" >&2
  exit 1
fi
shards=$(ls -d "$OUT"/shard-* | wc -l)
echo "== $shards shard folders; the tasks' logs:"
tail -n 2 "$OUT"/slurm-*.out

localprop merge "$OUT"/shard-* --out "$OUT/merged"
localprop sweep "$STUDY" --out "$STATE/single" --workers 2 --quiet >/dev/null
if diff -r "$STATE/single" "$OUT/merged"; then
  echo "== the merged array job is byte-identical to a single-process run ($(ls "$OUT/merged" | wc -l) files)"
else
  echo "one-node-cluster: the merged study differs from a single-process run" >&2
  exit 1
fi
