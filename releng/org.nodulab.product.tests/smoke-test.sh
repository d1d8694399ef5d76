#!/usr/bin/env bash
# End-to-end check of the materialized product through the launcher scripts, as a user runs it.
# Run by the build (releng/org.nodulab.product.tests, phase integration-test) after the product.
set -uo pipefail
OUT="${1:?output directory}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$OUT"
export NODULAB_STATE="$OUT/state"
failures=0

check() { # description, command...
  local what="$1"; shift
  if "$@"; then echo "  ok    $what"; else echo "  FAIL  $what"; failures=$((failures + 1)); fi
}
contains() { grep -qF -- "$2" "$1" || { echo "        expected '$2' in $1:"; sed 's/^/        | /' "$1" | head -40; return 1; }; }

cd "$ROOT"
echo "Product smoke test ($ROOT)"

./nodulab --version >"$OUT/version.txt" 2>&1
check "nodulab --version exits 0" test $? -eq 0
check "nodulab --version names Nodulab" contains "$OUT/version.txt" "Nodulab 0.1.0"

./nodulab info >"$OUT/info.txt" 2>"$OUT/info.err"
check "nodulab info exits 0" test $? -eq 0
check "info: ND4J CPU backend" contains "$OUT/info.txt" "org.nd4j.linalg.cpu.nativecpu.CpuBackend"
check "info: native fragment" contains "$OUT/info.txt" "org.nodulab.dl4j.natives"
check "info: memory caps" contains "$OUT/info.txt" "javacpp maxbytes         3072 MiB"
check "info: vgg architecture" contains "$OUT/info.txt" "vgg              VGG"
check "info: lung window" contains "$OUT/info.txt" "lung             Lung"
check "info: lung-wide window" contains "$OUT/info.txt" "lung-wide        Lung (wide)"

./nodulab list windows >"$OUT/list.txt" 2>&1
check "nodulab list windows exits 0" test $? -eq 0
check "list: three windows" test "$(wc -l <"$OUT/list.txt")" -eq 3

./nodulab list nothing >"$OUT/list-bad.txt" 2>&1
check "nodulab list <unknown> exits 1" test $? -eq 1
check "list: names the known kinds" contains "$OUT/list-bad.txt" "known: architectures, augmentations, combiners, evaluators, readers, windows"

./nodulab validate experiments/*.yaml >"$OUT/validate.txt" 2>&1
check "nodulab validate accepts the shipped experiments" test $? -eq 0
check "validate: quickstart" contains "$OUT/validate.txt" "valid experiment 'vgg-quickstart'"

broken=tests/org.nodulab.core.tests/data/broken-experiment.yaml
./nodulab validate "$broken" >"$OUT/validate-bad.txt" 2>&1
check "nodulab validate rejects a broken experiment (exit 1)" test $? -eq 1
check "validate: problem count" contains "$OUT/validate-bad.txt" "15 problems in $broken"
check "validate: unknown key with allowed keys" contains "$OUT/validate-bad.txt" "$broken:28: training.optimiser: unknown key 'optimiser'; allowed keys:"
check "validate: wrong type" contains "$OUT/validate-bad.txt" "$broken:11: preprocessing.spacing: expected a number, got 'fine'"
check "validate: out of range" contains "$OUT/validate-bad.txt" "$broken:26: training.learningRate: must be between 0 (excluded) and 1, got 5"
check "validate: unknown contribution" contains "$OUT/validate-bad.txt" "$broken:16: augmentations[1].id: unknown augmentation 'twist'; installed:"

ref="$ROOT/../shared/data/froc-reference"
if [ -d "$ref" ]; then
  rm -rf "$OUT/eval"
  ./nodulab eval "$ref/annotations.csv" "$ref/annotations_excluded.csv" "$ref/seriesuids.csv" \
    "$ref/results_example.csv" "$OUT/eval" --bootstrap-indices "$ref/out_seeded/bootstrap_indices_seed12345.txt" \
    >"$OUT/eval.txt" 2>&1
  check "nodulab eval exits 0" test $? -eq 0
  check "eval: CPM of the reference case" contains "$OUT/eval.txt" "CPM: 0.4464"
  for f in CADAnalysis.txt froc_results_example.txt froc_gt_prob_vectors_results_example.csv \
      nodulesWithoutCandidate_results_example.txt froc_results_example_bootstrapping.csv; do
    check "eval: $f identical to the official script's" cmp -s "$ref/out_seeded/$f" "$OUT/eval/$f"
  done
  check "eval: FROC plot written" test -s "$OUT/eval/froc_results_example.png"
  ./nodulab list evaluators >"$OUT/evaluators.txt" 2>&1
  check "list evaluators: froc" contains "$OUT/evaluators.txt" "froc             LUNA16 FROC / CPM"
else
  echo "  skip  nodulab eval (no shared data at $ref)"
fi

if [ -n "${DISPLAY:-}" ]; then
  rm -f "$OUT/workbench.png"
  NODULAB_JAVA_OPTS="-Dnodulab.screenshot=$OUT/workbench.png -Dnodulab.exitAfterScreenshot=true" \
    timeout 180 ./nodulab-workbench >"$OUT/workbench.txt" 2>&1
  check "nodulab-workbench starts and exits" test $? -eq 0
  check "workbench: screenshot written" test -s "$OUT/workbench.png"
  check "workbench: screenshot shows something" test "$(stat -c %s "$OUT/workbench.png" 2>/dev/null || echo 0)" -gt 20000
else
  echo "  skip  nodulab-workbench (no DISPLAY; run the build under xvfb-run)"
fi

if [ "$failures" -gt 0 ]; then
  echo "Product smoke test: $failures check(s) failed (outputs in $OUT)"
  exit 1
fi
echo "Product smoke test passed (outputs in $OUT)"
