#!/usr/bin/env bash
# Submits a sharded sumac sweep to Slurm: an array job of SUMAC_SHARDS tasks (sweep.slurm, one shard each) and a
# merge job (merge.slurm) that runs when all of them succeeded, and is cancelled if one fails.
#   SUMAC_MODEL=resnet56:struct-a SUMAC_GRID="--hw edge,tiny --set mac.rows=8,16,32" SUMAC_SHARDS=6 \
#     SUMAC_OUT=/shared/run1 scripts/cluster/submit-sweep.sh [--wait]
# Prints the two job ids. With --wait it returns when the merge job ends: 0 only if it completed.
# Extra sbatch options for both jobs (partition, account, time): SUMAC_SBATCH="--partition=cpu --time=1:00:00".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${SUMAC_OUT:?set SUMAC_OUT, a fresh directory on storage every node sees}"
shards=${SUMAC_SHARDS:-4}
case "$shards" in '' | *[!0-9]* | 0) echo "submit-sweep: SUMAC_SHARDS must be a whole number ≥ 1" >&2; exit 2 ;; esac
if compgen -G "$SUMAC_OUT/parts/part-*.json" >/dev/null; then
  echo "submit-sweep: $SUMAC_OUT/parts already holds part files; use a fresh SUMAC_OUT" >&2
  exit 2
fi
mkdir -p "$SUMAC_OUT/parts"
read -r -a extra <<<"${SUMAC_SBATCH:-}"
array=$(sbatch --parsable "${extra[@]}" --chdir="$SUMAC_OUT" --array="0-$((shards - 1))" "$here/sweep.slurm")
array=${array%%;*}
echo "array job $array: $shards shards"
merge=$(sbatch --parsable "${extra[@]}" --chdir="$SUMAC_OUT" --dependency="afterok:$array" \
  --kill-on-invalid-dep=yes "$here/merge.slurm")
merge=${merge%%;*}
echo "merge job $merge: $SUMAC_OUT/sweep.csv, $SUMAC_OUT/sweep.html"
[ "${1:-}" = "--wait" ] || exit 0

# Wait for the merge job by polling every 2 s. Not sbatch --wait: it sleeps 2, 8, then 32 s between polls (Slurm
# 22.05), and exits 0 for a job cancelled before it ran, which is what a failed shard does to the afterok dependency.
state="" unknown=0
while :; do
  state=$(scontrol show job "$merge" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true)
  case "$state" in
    PENDING | CONFIGURING | RUNNING | COMPLETING | SUSPENDED | REQUEUED | RESIZING) unknown=0 ;;
    "") unknown=$((unknown + 1)); [ "$unknown" -lt 30 ] || break ;; # slurmctld busy, or the job long gone
    *) break ;;
  esac
  sleep 2
done
if [ "$state" != COMPLETED ]; then
  echo "submit-sweep: the merge job did not succeed (${state:-state unknown}): a shard failed (see $SUMAC_OUT/sumac-sweep-${array}_*.out) or the merge did (sumac-merge-$merge.out)" >&2
  exit 1
fi
