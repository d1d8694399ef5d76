# Campaigns through the installed product (sourced by smoke-test.sh: uses its OUT, ROOT, check and contains).
# One small campaign (2 variants x 2 folds, a tiny VGG on libtorch) on the local job queue; the same campaign on a
# one-node Slurm cluster started here (releng/slurm/cluster.sh; stopped at the end, also on failure): one task
# cancelled with scancel after its first checkpoint and run again resumes to the local run's model; the predictions
# equal the local executor's; a failing task is reported with its log and does not block the others; a cluster that
# refuses the job is named with the command and its output; campaign files with mistakes name their lines.
camp="$OUT/campaign"
rm -rf "$camp" && mkdir -p "$camp"
./nodulab synth --out "$camp/synth" --scans 4 --seed 11 >"$camp/synth.txt" 2>&1
cat >"$camp/base.yaml" <<YAML
name: tiny
seed: 3
dataset:
  path: synth
  split: {mode: subsets, train: [0, 1], validation: [2], test: [3]}
sampling: {positiveFactor: 108, negativeFactor: 1, epochSize: 6.0}
augmentations: [{id: translate}, {id: rotate90}]
architectures:
  - id: vgg
    settings: {branches: [{size: [20, 20, 20]}], filters: [4, 8], convsPerStage: 1, denseUnits: 8, dropout: 0.3}
training: {backend: libtorch, epochs: 5, batchSize: 4}
evaluation: {testTimeAugmentation: false, bootstrap: 0}
YAML
campaign_file() { # name, extra lines
  cat <<YAML
name: $1
description: Dense width of a tiny VGG, two folds
base: base.yaml
baseline: base
folds: {mode: cv, count: 2}
variants:
  - name: base
    description: the base recipe
  - name: wide
    description: twice the dense units
    overrides:
      architectures[0].settings.denseUnits: 16
ensembles:
  - {name: both, members: [base, wide], combine: mean}
evaluation: {bootstrap: 200}
${2:-}
YAML
}
campaign_file small >"$camp/small.yaml"
./nodulab campaign plan "$camp/small.yaml" --measure-seconds 0.5 >"$camp/plan.txt" 2>&1
check "nodulab campaign plan exits 0" test $? -eq 0
check "campaign plan: every run, validated" contains "$camp/plan.txt" "campaign small: 2 variant(s) x 2 fold(s) = 4 runs, every experiment valid"
check "campaign plan: the override of a variant" contains "$camp/plan.txt" "architectures[0].settings.denseUnits = 16"
check "campaign plan: the estimated cost" contains "$camp/plan.txt" "estimated cost: "
sed 's/denseUnits: 16/denseUnits: -2/; s/^baseline: base/baseline: base\nbaselin: typo/' "$camp/small.yaml" >"$camp/broken.yaml"
./nodulab campaign plan "$camp/broken.yaml" >"$camp/plan-broken.txt" 2>&1
check "campaign plan on a broken campaign exits 1" test $? -eq 1
check "campaign plan: an unknown key with its line" contains "$camp/plan-broken.txt" "$camp/broken.yaml:5: baselin: unknown key 'baselin'"

# one core, as each Slurm task below gets (cpus: 1): libtorch's sums are bit-identical for the same thread count
NODULAB_JAVA_OPTS="-XX:ActiveProcessorCount=1" ./nodulab campaign run "$camp/small.yaml" -o queue="$camp/queue" >"$camp/run-local.txt" 2>&1
check "nodulab campaign run (local executor) exits 0" test $? -eq 0
check "campaign run: all four runs finished" contains "$camp/run-local.txt" "campaign small: 4 runs: 4 finished (100% done)"
local_dir="$camp/campaigns/small"
check "campaign table: variants and the ensemble" test "$(grep -c '^variant,\|^ensemble,' "$local_dir/results/campaign.csv" 2>/dev/null)" -eq 3
check "campaign notebook.html with the FROC of the best" contains "$local_dir/notebook.html" "data:image/png;base64,"
./nodulab campaign run "$camp/small.yaml" -o queue="$camp/queue" >"$camp/run-local-again.txt" 2>&1
check "campaign run again: finished runs are skipped" contains "$camp/run-local-again.txt" "4 runs, 4 finished, 0 to start or resume"

if command -v slurmctld >/dev/null 2>&1 || [ -x /usr/sbin/slurmctld ]; then
  cluster="$OUT/slurm-cluster"
  rm -rf "$cluster"
  trap 'bash "$ROOT/releng/slurm/cluster.sh" stop "$cluster"' EXIT
  if bash "$ROOT/releng/slurm/cluster.sh" start "$cluster" >"$camp/cluster.txt" 2>&1; then
    export SLURM_CONF="$cluster/slurm.conf"
    check "a one-node Slurm cluster is up" test -n "$(sinfo -h -o %t 2>/dev/null | grep -E 'idle|mix|alloc')"
    # waits until no task of the campaign is queued or running (at most $2 seconds)
    settle() {
      for _ in $(seq 1 "$2"); do
        ./nodulab campaign status "$1" >"$camp/status-wait.txt" 2>&1
        grep -qE ' (queued|running) ' "$camp/status-wait.txt" || return 0
        sleep 1
      done
      return 1
    }
    campaign_file small-slurm "executor: {id: slurm, settings: {cpus: 1, mem: 4G}}" >"$camp/small-slurm.yaml"
    slurm_dir="$camp/campaigns/small-slurm"
    ./nodulab campaign run "$camp/small-slurm.yaml" >"$camp/run-slurm.txt" 2>&1
    check "nodulab campaign run --executor slurm submits (exit 0)" test $? -eq 0
    check "campaign run: an sbatch array job of four tasks" contains "$camp/run-slurm.txt" ": 4 task(s), script "
    for _ in $(seq 1 900); do
      [ "$(cat "$slurm_dir/runs/wide/fold-1/checkpoints.csv" 2>/dev/null | grep -c '^m0-vgg')" -ge 1 ] && break
      sleep 0.2
    done
    ./nodulab campaign cancel "$slurm_dir" --run wide/fold-1 >"$camp/cancel.txt" 2>&1
    check "campaign cancel --run: scancel on the running task" contains "$camp/cancel.txt" "wide/fold-1: scancel "
    settle "$camp/small-slurm.yaml" 300
    cp "$camp/status-wait.txt" "$camp/status-cancelled.txt"
    check "the other tasks finished" test "$(grep -cE '(base/fold-[01]|wide/fold-0) +finished' "$camp/status-cancelled.txt")" -eq 3
    check "the cancelled task's run was interrupted after its first checkpoint" test -e "$slurm_dir/runs/wide/fold-1/checkpoints.csv" -a ! -e "$slurm_dir/runs/wide/fold-1/summary.json"
    ./nodulab campaign run "$camp/small-slurm.yaml" >"$camp/run-slurm-again.txt" 2>&1
    check "campaign run again submits only the interrupted run" contains "$camp/run-slurm-again.txt" "4 runs, 3 finished, 1 to start or resume with executor 'slurm'"
    settle "$camp/small-slurm.yaml" 300
    ./nodulab campaign status "$camp/small-slurm.yaml" >"$camp/status-slurm.txt" 2>&1
    check "campaign status: all four runs finished on Slurm" contains "$camp/status-slurm.txt" "campaign small-slurm: 4 runs: 4 finished (100% done)"
    final() { grep '^m0-vgg,0,5,0,' "$1/checkpoints.csv" | cut -d, -f8; }
    check "the resumed task ends with the uninterrupted (local) run's model (same SHA-256)" test -n "$(final "$local_dir/runs/wide/fold-1")" -a "$(final "$local_dir/runs/wide/fold-1")" = "$(final "$slurm_dir/runs/wide/fold-1")"
    same=0
    for r in base/fold-0 base/fold-1 wide/fold-0 wide/fold-1; do
      cmp -s "$local_dir/runs/$r/predictions/m0-vgg-test.csv" "$slurm_dir/runs/$r/predictions/m0-vgg-test.csv" && same=$((same + 1))
    done
    check "Slurm and the local executor give identical predictions (4 runs)" test "$same" -eq 4
    check "the Slurm campaign's table is complete" test "$(grep -c ',2,2,' "$slurm_dir/results/campaign.csv" 2>/dev/null)" -eq 3
    check "the tasks' logs are kept" test -s "$slurm_dir/executor/slurm/logs/$(ls "$slurm_dir/executor/slurm/logs" | head -n 1)"
    # a variant fine-tuned from another's model: a second array job that starts after the first
    cat >"$camp/chain-slurm.yaml" <<YAML
name: chain-slurm
base: base.yaml
folds: {mode: none}
variants:
  - name: first
  - name: tuned
    from: first
    overrides: {training.learningRate: 0.0002, training.epochs: 2}
executor: {id: slurm, settings: {cpus: 1, mem: 4G}}
YAML
    ./nodulab campaign run "$camp/chain-slurm.yaml" >"$camp/run-chain.txt" 2>&1
    check "campaign run with 'from': the fine-tuning run in an array job after its source's" contains "$camp/run-chain.txt" "1 task(s) (starts after job "
    settle "$camp/chain-slurm.yaml" 300
    ./nodulab campaign status "$camp/chain-slurm.yaml" >"$camp/status-chain.txt" 2>&1
    check "both chained runs finished on Slurm" contains "$camp/status-chain.txt" "campaign chain-slurm: 2 runs: 2 finished"
    check "the second started from the first's best model" contains "$camp/campaigns/chain-slurm/runs/tuned/once/log.txt" "fine-tuning from once/"
    # a failing task: its run's folder is taken by a file
    campaign_file small-fail "executor: {id: slurm, settings: {cpus: 1, mem: 4G}}" >"$camp/small-fail.yaml"
    mkdir -p "$camp/campaigns/small-fail/runs/base" && echo "not a run" >"$camp/campaigns/small-fail/runs/base/fold-1"
    ./nodulab campaign run "$camp/small-fail.yaml" >"$camp/run-fail.txt" 2>&1
    settle "$camp/small-fail.yaml" 300
    ./nodulab campaign status "$camp/small-fail.yaml" >"$camp/status-fail.txt" 2>&1
    check "a failing task is reported as failed" grep -qE 'base/fold-1 +failed' "$camp/status-fail.txt"
    check "with its exit code and the tail of its log" contains "$camp/status-fail.txt" "exists and is not a run folder"
    check "and blocks none of the others" contains "$camp/status-fail.txt" "4 runs: 3 finished, 1 failed"
    ./nodulab campaign run "$camp/small-fail.yaml" -o partition=nowhere >"$camp/run-refused.txt" 2>&1
    check "a cluster that refuses the job: campaign run exits 1" test $? -eq 1
    check "and names the command and its output" contains "$camp/run-refused.txt" "'sbatch --parsable"
    check "(sbatch's own words)" contains "$camp/run-refused.txt" "invalid partition specified: nowhere"
    rm "$camp/campaigns/small-fail/runs/base/fold-1"
    ./nodulab campaign run "$camp/small-fail.yaml" >"$camp/run-fixed.txt" 2>&1
    settle "$camp/small-fail.yaml" 300
    ./nodulab campaign status "$camp/small-fail.yaml" >"$camp/status-fixed.txt" 2>&1
    check "once its folder is free, the failed run runs again and the campaign completes" contains "$camp/status-fixed.txt" "4 runs: 4 finished"
  else
    check "a one-node Slurm cluster starts (releng/slurm/cluster.sh)" false
    sed 's/^/        | /' "$camp/cluster.txt"
  fi
  bash "$ROOT/releng/slurm/cluster.sh" stop "$cluster"
  trap - EXIT
  unset SLURM_CONF
else
  echo "  skip  Slurm executor checks (no slurm-wlm; releng/setup-debian.sh installs it)"
fi
