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

dicom="$ROOT/../shared/data/dicom"
if [ -d "$dicom" ]; then
  ./nodulab volume info "$dicom/pydicom-ct5n" >"$OUT/volume-info.txt" 2>&1
  check "nodulab volume info <DICOM folder> exits 0" test $? -eq 0
  check "volume info: geometry" contains "$OUT/volume-info.txt" "size             16 x 16 x 5 voxels"
  check "volume info: slice spacing from the positions" contains "$OUT/volume-info.txt" "spacing          0.4883 x 0.4883 x 2.5000 mm"
  rm -rf "$OUT/convert"
  ./nodulab volume convert "$dicom/dcmqi-ct-3slice" "$OUT/convert/ct.mhd" >"$OUT/convert.txt" 2>&1
  check "nodulab volume convert <DICOM folder> out.mhd exits 0" test $? -eq 0
  py=/usr/bin/python3 # Debian's python3-vtk9 lives in Debian's python, whatever python3 is first on the PATH
  if "$py" -c "import vtk" 2>/dev/null; then
    # VTK's vtkMetaImageReader is ITK's MetaIO: the converted file must read there with the same geometry and HU
    "$py" - "$OUT/convert/ct.mhd" >"$OUT/convert-vtk.txt" 2>&1 <<'PY'
import sys, vtk
from vtk.util.numpy_support import vtk_to_numpy
r = vtk.vtkMetaImageReader(); r.SetFileName(sys.argv[1]); r.Update()
im = r.GetOutput(); a = vtk_to_numpy(im.GetPointData().GetScalars()).reshape(3, 512, 512)
print(im.GetDimensions(), tuple(round(v, 6) for v in im.GetSpacing()), tuple(round(v, 4) for v in im.GetOrigin()), a.min(), a.max(), a[0, 256, 256])
PY
    check "convert: ITK's MetaIO (VTK) reads the geometry and HU" contains "$OUT/convert-vtk.txt" "(512, 512, 3) (0.810547, 0.810547, 1.0) (-235.2, -226.8, -128.69) -3024 1381 -134"
  else
    echo "  skip  MetaIO cross-check of nodulab volume convert (no python3-vtk9)"
  fi
else
  echo "  skip  nodulab volume (no shared DICOM data at $dicom)"
fi

rm -rf "$OUT/synth"
./nodulab synth --out "$OUT/synth" --scans 2 >"$OUT/synth.txt" 2>&1
check "nodulab synth --scans 2 exits 0" test $? -eq 0
check "synth: prints the baseline CPM" contains "$OUT/synth.txt" "baseline CPM "
./nodulab dataset info "$OUT/synth" --check >"$OUT/dataset.txt" 2>&1
check "nodulab dataset info --check on it exits 0" test $? -eq 0
check "dataset info: no candidate outside its volume" contains "$OUT/dataset.txt" "0 candidates lie outside their scan's volume"

# A lab member's architecture bundle, built on its own against the product's p2 repository and dropped
# into the installed product: listed, trained on the synthetic data, gone once removed. No rebuild.
product="${NODULAB_PRODUCT:-$ROOT/releng/org.nodulab.product/target/products/org.nodulab.product/linux/gtk/x86_64/nodulab}"
example="$ROOT/examples/org.nodulab.example.arch.tinynet"
./mvnw -B -q -f "$example/pom.xml" package >"$OUT/example-build.txt" 2>&1
check "the example bundle builds against the product's p2 repository" test $? -eq 0
jar=$(ls "$example"/target/org.nodulab.example.arch.tinynet-*.jar 2>/dev/null | head -n 1)
if [ -n "$jar" ]; then
  mkdir -p "$product/dropins"
  cp "$jar" "$product/dropins/"
  ./nodulab list architectures >"$OUT/dropin-list.txt" 2>&1
  check "dropped in: tinynet is listed" contains "$OUT/dropin-list.txt" "tinynet          TinyNet (example)"
  ./nodulab bench train --arch tinynet --dataset "$OUT/synth" --seconds 5 --rounds 1 >"$OUT/dropin-train.txt" 2>&1
  check "dropped in: nodulab trains it on the synthetic data" contains "$OUT/dropin-train.txt" "loss: first"
  rm -f "$product/dropins/$(basename "$jar")"
  ./nodulab list architectures >"$OUT/dropin-removed.txt" 2>&1
  check "removed: tinynet is gone" test "$(grep -c tinynet "$OUT/dropin-removed.txt")" -eq 0
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
