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
check "info: vgg architecture" grep -qE "^ +vgg +VGG" "$OUT/info.txt"
check "info: lung window" contains "$OUT/info.txt" "lung             Lung"
check "info: lung-wide window" contains "$OUT/info.txt" "lung-wide        Lung (wide)"
check "info: commands run in the headless configuration" contains "$OUT/info.txt" "(headless: the product without its workbench bundles"
NODULAB_CONFIGURATION=full ./nodulab info --no-backends >"$OUT/info-full.txt" 2>&1
check "info: NODULAB_CONFIGURATION=full runs with every bundle" contains "$OUT/info-full.txt" "(every bundle of the product"
./nodulab list windows >"$OUT/list.txt" 2>&1
check "nodulab list windows exits 0" test $? -eq 0
check "list: three windows" test "$(wc -l <"$OUT/list.txt")" -eq 3

./nodulab list nothing >"$OUT/list-bad.txt" 2>&1
check "nodulab list <unknown> exits 1" test $? -eq 1
check "list: names the known kinds" contains "$OUT/list-bad.txt" "known: architectures, augmentations, combiners, detectors, evaluators, executors, readers, windows"

# the shipped experiments name ../data/synthetic: validate copies beside a generated 10-scan benchmark
rm -rf "$OUT/bench" && mkdir -p "$OUT/bench/experiments" && cp experiments/*.yaml "$OUT/bench/experiments/"
./nodulab validate "$OUT"/bench/experiments/*.yaml >"$OUT/validate-nodata.txt" 2>&1
check "nodulab validate fails while the data do not exist (exit 1)" test $? -eq 1
check "validate: names the missing dataset folder" contains "$OUT/validate-nodata.txt" "dataset.path: folder $OUT/bench/data/synthetic does not exist"
./nodulab synth --out "$OUT/bench/data/synthetic" --scans 10 >"$OUT/bench-synth.txt" 2>&1
./nodulab validate "$OUT"/bench/experiments/*.yaml >"$OUT/validate.txt" 2>&1
check "nodulab validate accepts the shipped experiments" test $? -eq 0
check "validate: quickstart" contains "$OUT/validate.txt" "valid experiment 'vgg-quickstart'"
./nodulab bench startup --runs 1 --experiment "$OUT/bench/experiments/vgg-quickstart.yaml" >"$OUT/bench-startup.txt" 2>&1
check "bench startup: times --help in both configurations" grep -qE "^  nodulab --help +[0-9.]+ +[0-9.]+" "$OUT/bench-startup.txt"
check "bench startup: times validate on an experiment whose data exist" grep -qE "^  nodulab validate .*vgg-quickstart.yaml +[0-9.]+" "$OUT/bench-startup.txt"
check "bench startup: the floor, a bare JVM" contains "$OUT/bench-startup.txt" "floor: a bare JVM (java -version)"
check "bench startup: times --help through a resident process" grep -qE "^    the same, through the resident process \(nodulab daemon\) +[0-9.]+ +[0-9.]+" "$OUT/bench-startup.txt"
if [ -n "${DISPLAY:-}" ]; then
  check "bench startup: the workbench's time to its first window" grep -qE "nodulab-workbench to its first window \(JVM\) +[0-9.]+" "$OUT/bench-startup.txt"
fi

# the lab notebook as campaigns: every variant of every file valid, at the notebook's scale and the quick one
mkdir -p "$OUT/bench/experiments/notebook" && cp experiments/notebook/*.yaml "$OUT/bench/experiments/notebook/"
ln -sfn synthetic "$OUT/bench/data/ranking"   # findings.yaml names the ranking preset; the 10-scan benchmark stands in
for nb in independent detector hard-mining findings; do
  for scale in "" quick; do
    ./nodulab campaign plan "$OUT/bench/experiments/notebook/$nb.yaml" --no-estimate ${scale:+--scale $scale} >"$OUT/notebook-$nb$scale.txt" 2>&1
    check "notebook campaign $nb${scale:+ at scale $scale}: every expanded experiment is valid" contains "$OUT/notebook-$nb$scale.txt" "every experiment valid"
  done
done
check "the detector campaign has a variant per numbered experiment it can express (55)" contains "$OUT/notebook-detector.txt" "55 variant(s)"
check "the detector campaign chains D29 to D28's model" contains "$OUT/notebook-detector.txt" "fine-tunes the best model of D28-den (same fold), after it"
check "the findings campaign's tta evaluates plain's models as they are" contains "$OUT/notebook-findings.txt" "evaluates (0 epochs) the best model of plain (same fold), after it"

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
  # the resident process: short commands answer through it as they do in a process of their own
  ./nodulab daemon start --idle 5 >"$OUT/daemon-start.txt" 2>&1
  check "daemon start exits 0" test $? -eq 0
  check "daemon start: it answers" contains "$OUT/daemon-start.txt" "nodulab daemon: started: pid"
  NODULAB_DAEMON=off ./nodulab list architectures >"$OUT/list-direct.txt" 2>&1
  ./nodulab list architectures >"$OUT/list-daemon.txt" 2>&1
  check "daemon: list architectures prints what a process of its own prints" cmp -s "$OUT/list-direct.txt" "$OUT/list-daemon.txt"
  ./nodulab list nothing >"$OUT/list-bad-daemon.txt" 2>&1
  check "daemon: list <unknown> exits 1 there too" test $? -eq 1
  check "daemon: the same refusal" cmp -s "$OUT/list-bad.txt" "$OUT/list-bad-daemon.txt"
  mkdir -p "$OUT/daemon-eval"
  (cd "$OUT/daemon-eval" && "$ROOT/nodulab" eval "$ref/annotations.csv" "$ref/annotations_excluded.csv" "$ref/seriesuids.csv" \
    "$ref/results_example.csv" out --bootstrap-indices "$ref/out_seeded/bootstrap_indices_seed12345.txt" >eval.txt 2>&1)
  check "daemon: eval with a relative output folder exits 0" test $? -eq 0
  for f in CADAnalysis.txt froc_results_example_bootstrapping.csv; do
    check "daemon: eval's $f, in the caller's folder, identical to the official script's" cmp -s "$ref/out_seeded/$f" "$OUT/daemon-eval/out/$f"
  done
  check "daemon: eval prints what a process of its own prints" cmp -s <(grep -v "files written to" "$OUT/eval.txt") <(grep -v "files written to" "$OUT/daemon-eval/eval.txt")
  check "daemon: eval wrote to the folder it was typed in" contains "$OUT/daemon-eval/eval.txt" "files written to $OUT/daemon-eval/out in"
  ./nodulab daemon >"$OUT/daemon-status.txt" 2>&1
  check "daemon status: the commands it served" grep -qE "nodulab daemon: running: pid [0-9]+, up [0-9]+h[0-9]+m, [3-9] command\(s\) served" "$OUT/daemon-status.txt"
  ./nodulab daemon stop >"$OUT/daemon-stop.txt" 2>&1
  check "daemon stop" contains "$OUT/daemon-stop.txt" "nodulab daemon: stopping"
  ./nodulab daemon >"$OUT/daemon-status2.txt" 2>&1
  check "daemon status after stop: not running" contains "$OUT/daemon-status2.txt" "nodulab daemon: not running"
  # NODULAB_DAEMON=auto: a short command that finds no daemon runs in a process of its own and starts one
  NODULAB_DAEMON=auto ./nodulab list architectures >"$OUT/list-auto.txt" 2>&1
  check "NODULAB_DAEMON=auto: the command itself prints what it prints without a daemon" cmp -s "$OUT/list-direct.txt" "$OUT/list-auto.txt"
  for _ in $(seq 1 60); do ./nodulab daemon 2>&1 | grep -q "nodulab daemon: running" && break; sleep 1; done
  ./nodulab daemon >"$OUT/daemon-auto.txt" 2>&1
  check "NODULAB_DAEMON=auto: and a daemon was started in the background" contains "$OUT/daemon-auto.txt" "nodulab daemon: running: pid"
  ./nodulab daemon stop >/dev/null 2>&1
  for _ in $(seq 1 30); do ./nodulab daemon 2>&1 | grep -q "nodulab daemon: not running" && break; sleep 1; done
  NODULAB_DAEMON=sometimes ./nodulab list architectures >"$OUT/daemon-bad-mode.txt" 2>&1
  check "NODULAB_DAEMON with an unknown value is refused by name" contains "$OUT/daemon-bad-mode.txt" "NODULAB_DAEMON must be use, auto or off, got 'sometimes'"
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
rm -rf "$OUT/detected.csv" "$OUT/detected-eval"
./nodulab detect "$OUT/synth" --out "$OUT/detected.csv" >"$OUT/detect.txt" 2>&1
check "nodulab detect <dataset> exits 0" test $? -eq 0
check "detect: at most 100 candidates per scan" test "$(tail -n +2 "$OUT/detected.csv" | cut -d, -f1 | sort | uniq -c | awk '$1 > 100' | wc -l)" -eq 0
check "detect: prints sensitivity and false positives per scan" contains "$OUT/detect.txt" "false positives per scan (LUNA16 hit rule)"
./nodulab eval "$OUT/synth/annotations.csv" "$OUT/synth/annotations_excluded.csv" "$OUT/synth/seriesuids.csv" \
  "$OUT/detected.csv" "$OUT/detected-eval" --bootstrap 0 --no-plot >"$OUT/detect-eval.txt" 2>&1
check "nodulab eval reads the detector's file" contains "$OUT/detect-eval.txt" "CPM: "

# Training runs: train, kill -9 in the middle, resume to the same model, the experiment log, prediction.
cat >"$OUT/smoke.yaml" <<YAML
name: smoke
seed: 3
dataset:
  path: $OUT/synth
  split: {mode: subsets, train: [0], validation: [], test: [1]}
sampling: {positiveFactor: 108, negativeFactor: 1, epochSize: 1.0}
augmentations: [{id: translate}, {id: rotate90}]
architectures:
  - id: vgg
    settings: {branches: [{size: [12, 12, 12]}], filters: [4, 8], convsPerStage: 1, denseUnits: 8, dropout: 0.3}
training: {epochs: 3, batchSize: 4}
evaluation: {testTimeAugmentation: true, bootstrap: 0}
output: {runs: $OUT/runs}
YAML
rm -rf "$OUT/runs"
./nodulab validate "$OUT/smoke.yaml" >"$OUT/validate-smoke.txt" 2>&1
check "nodulab validate on the smoke experiment exits 0" test $? -eq 0
./nodulab train "$OUT/smoke.yaml" >"$OUT/train-a.txt" 2>&1
check "nodulab train exits 0" test $? -eq 0
check "train: prints the report" contains "$OUT/train-a.txt" "report.html"
run_a=$(ls -d "$OUT"/runs/smoke-* 2>/dev/null | head -n 1)
check "an experiment without training.backend trains on libtorch, the default" contains "$run_a/provenance.json" '"id" : "libtorch"'
check "metrics.csv has training accuracy and validation loss and accuracy per epoch" contains "$run_a/metrics.csv" "train_accuracy,validation_loss,validation_accuracy"
./nodulab train "$OUT/smoke.yaml" >"$OUT/train-b.txt" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  run_b=$(ls -d "$OUT"/runs/smoke-* 2>/dev/null | grep -v "^$run_a\$" | head -n 1)
  [ -n "$run_b" ] && [ "$(cat "$run_b/checkpoints.csv" 2>/dev/null | grep -c '^m0-vgg')" -ge 1 ] && break
  sleep 0.2
done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
check "a second run was killed (kill -9) after its first checkpoint" test -n "$run_b" -a ! -e "$run_b/summary.json"
./nodulab resume "$run_b" >"$OUT/resume.txt" 2>&1
check "nodulab resume exits 0" test $? -eq 0
final() { grep '^m0-vgg,[0-9]*,3,0,' "$1/checkpoints.csv" | cut -d, -f8; }
check "the resumed run ends with the uninterrupted run's model (same SHA-256)" test -n "$(final "$run_a")" -a "$(final "$run_a")" = "$(final "$run_b")"
check "and the same test predictions" cmp -s "$run_a/predictions/m0-vgg-test.csv" "$run_b/predictions/m0-vgg-test.csv"
./nodulab runs --dir "$OUT/runs" >"$OUT/runs.txt" 2>&1
check "nodulab runs lists both runs as finished" test "$(grep -c ' finished ' "$OUT/runs.txt")" -eq 2
./nodulab runs compare "$run_a" "$run_b" >"$OUT/compare.txt" 2>&1
check "nodulab runs compare: no setting differs" contains "$OUT/compare.txt" "  none"
./nodulab predict "$run_a" "$OUT/synth/candidates_V2.csv" --out "$OUT/predicted.csv" >"$OUT/predict.txt" 2>&1
check "nodulab predict writes a submission" test "$(wc -l <"$OUT/predicted.csv")" -eq "$(wc -l <"$OUT/synth/candidates_V2.csv")"
# bfloat16 prediction (libtorch on the CPU): the same candidates, named in the command's last line
./nodulab predict "$run_a" "$OUT/synth/candidates_V2.csv" --precision bfloat16 --out "$OUT/predicted-bf16.csv" >"$OUT/predict-bf16.txt" 2>&1
check "predict --precision bfloat16 scores every candidate" test "$(wc -l <"$OUT/predicted-bf16.csv" 2>/dev/null)" -eq "$(wc -l <"$OUT/synth/candidates_V2.csv")"
check "predict --precision bfloat16 says so" contains "$OUT/predict-bf16.txt" " on libtorch in bfloat16 -> $OUT/predicted-bf16.csv"
# predict through the resident process (libtorch loaded there once): the same file, in the folder it was typed in
./nodulab daemon start --idle 5 >"$OUT/daemon-start-predict.txt" 2>&1
check "daemon start for predict" contains "$OUT/daemon-start-predict.txt" "nodulab daemon: started: pid"
mkdir -p "$OUT/daemon-predict"
(cd "$OUT/daemon-predict" && "$ROOT/nodulab" predict "$run_a" "$OUT/synth/candidates_V2.csv" --out served.csv >predict.txt 2>&1)
check "daemon: predict exits 0 and writes in the caller's folder the file a process of its own writes" cmp -s "$OUT/predicted.csv" "$OUT/daemon-predict/served.csv"
./nodulab daemon >"$OUT/daemon-status-predict.txt" 2>&1
check "daemon: it served the prediction" grep -qE "nodulab daemon: running: pid [0-9]+, up [0-9]+h[0-9]+m, [1-9] command\(s\) served" "$OUT/daemon-status-predict.txt"
./nodulab daemon stop >/dev/null 2>&1
./nodulab bench startup --runs 1 --no-daemon --predict "$run_a" "$OUT/synth/candidates_V2.csv" --train "$OUT/smoke.yaml" >"$OUT/bench-first.txt" 2>&1
check "bench startup --predict: how soon predict scores its first batch" grep -qE "^  nodulab predict: first scored batch +[0-9.]+ +[0-9.]+" "$OUT/bench-first.txt"
check "bench startup --train: how soon train computes its first step" grep -qE "^  nodulab train: first training step +[0-9.]+ +[0-9.]+" "$OUT/bench-first.txt"
check "bench startup --train: the user's runs folder is untouched" test "$(ls -d "$OUT"/runs/smoke-* | wc -l)" -eq 2
# screening a scan written as a DICOM series, with a marker in its patient tags that must appear nowhere
scan1=$(ls "$OUT"/synth/subset1/*.mhd | head -n 1)
rm -rf "$OUT/screen-series" "$OUT/screening"
./nodulab volume convert "$scan1" "$OUT/screen-series" -w patientName=SMOKE^PHIMARKER -w patientId=PHIMARKER7 >"$OUT/screen-convert.txt" 2>&1
check "volume convert <scan.mhd> <folder> writes a DICOM series" test "$(ls "$OUT/screen-series" | wc -l)" -gt 10
./nodulab screen "$OUT/screen-series" --model "$run_a" --out "$OUT/screening" >"$OUT/screen.txt" 2>&1
check "nodulab screen <DICOM series> exits 0" test $? -eq 0
check "screen: report with findings, candidates and images" test -s "$OUT/screening/report.html" -a -s "$OUT/screening/candidates.csv" -a -s "$OUT/screening/images/overview.png"
check "screen: names the operating point" contains "$OUT/screen.txt" "operating point: probability "
check "screen: patient name and ID appear nowhere" test "$(grep -rl PHIMARKER "$OUT/screening" "$OUT/screen.txt" | wc -l)" -eq 0
./nodulab predict "$run_a" "$OUT/synth/candidates_V2.csv" --out "$OUT/predicted.csv" >"$OUT/predict-again.txt" 2>&1
check "nodulab predict never overwrites" contains "$OUT/predict-again.txt" "never overwritten"
./nodulab bench predict "$run_a" --candidates "$OUT/synth/candidates_V2.csv" --scans 4 >"$OUT/bench-predict.txt" 2>&1
check "bench predict: candidates per second through the whole path, half the scans then all" grep -qE "^ +[0-9]+ scans, +[0-9,]+ candidates, 1 model\(s\): +[0-9.]+ s, +[0-9.]+ candidates/s; peak resident memory" "$OUT/bench-predict.txt"
check "bench predict: projects LUNA16's candidates" grep -qE "LUNA16's 754,975 candidates at [0-9.]+ candidates/s: [0-9.]+ hours" "$OUT/bench-predict.txt"
check "report.html is written" contains "$run_a/report.html" "data:image/png;base64,"

# The job queue the workbench shares: a job whose process is killed (kill -9) while it trains is found
# interrupted when the queue is opened again, and a resume job finishes it with the uninterrupted model.
queue="$OUT/queue"
rm -rf "$queue"
./nodulab jobs submit train "$OUT/smoke.yaml" --queue "$queue" --title smoke-job >"$OUT/jobs-submit.txt" 2>&1
check "nodulab jobs submit exits 0" test $? -eq 0
job=$(sed -n 's/^queued \([^:]*\):.*/\1/p' "$OUT/jobs-submit.txt")
./nodulab jobs run --queue "$queue" >"$OUT/jobs-run-killed.txt" 2>&1 &
pid=$!
run_c=""
for _ in $(seq 1 600); do
  run_c=$(sed -n 's/.*"runDir" : "\(.*\)",*$/\1/p' "$queue/$job.json" 2>/dev/null)
  [ -n "$run_c" ] && [ "$(cat "$run_c/checkpoints.csv" 2>/dev/null | grep -c '^m0-vgg')" -ge 1 ] && break
  sleep 0.2
done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
check "the job's process was killed (kill -9) after its first checkpoint" test -n "$run_c" -a ! -e "$run_c/summary.json"
./nodulab jobs --queue "$queue" >"$OUT/jobs-list.txt" 2>&1
check "nodulab jobs lists the killed job as interrupted" contains "$OUT/jobs-list.txt" "interrupted"
check "and offers to resume it" contains "$OUT/jobs-list.txt" "nodulab jobs resume $job"
./nodulab jobs resume "$job" --queue "$queue" >"$OUT/jobs-resume.txt" 2>&1
check "nodulab jobs resume exits 0" test $? -eq 0
./nodulab jobs run --queue "$queue" >"$OUT/jobs-run.txt" 2>&1
check "nodulab jobs run exits 0" test $? -eq 0
check "the resume job finished" contains "$OUT/jobs-run.txt" "finished: m0-vgg best epoch"
check "the resumed job ends with the uninterrupted run's model (same SHA-256)" test -n "$(final "$run_c")" -a "$(final "$run_a")" = "$(final "$run_c")"
check "the run records the job's device" contains "$run_c/provenance.json" '"device" : "cpu"'
# The second compute backend
check "info: the libtorch backend" contains "$OUT/info.txt" "libtorch: libtorch 2.10.0"
rm -rf "$OUT/dl4j-runs"
sed "s#output: {runs: $OUT/runs}#output: {runs: $OUT/dl4j-runs}#" "$OUT/smoke.yaml" >"$OUT/smoke-dl4j.yaml"
./nodulab train "$OUT/smoke-dl4j.yaml" --backend dl4j --epochs 1 >"$OUT/train-dl4j.txt" 2>&1
check "nodulab train --backend dl4j exits 0" test $? -eq 0
run_t=$(ls -d "$OUT"/dl4j-runs/smoke-* 2>/dev/null | head -n 1)
check "the dl4j run records its backend" contains "$run_t/provenance.json" '"id" : "dl4j"'
check "and writes its test predictions" test -s "$run_t/predictions/m0-vgg-test.csv"
./nodulab predict "$run_t" "$OUT/synth/candidates_V2.csv" --out "$OUT/predicted-dl4j.csv" >"$OUT/predict-dl4j.txt" 2>&1
check "nodulab predict on the dl4j run loads its model on dl4j" test "$(wc -l <"$OUT/predicted-dl4j.csv")" -eq "$(wc -l <"$OUT/synth/candidates_V2.csv")"
# ONNX (issue 21): the dl4j run's model exported, scored by ONNX Runtime as by dl4j; a predict-only backend refuses to train
rm -f "$OUT/smoke-dl4j.onnx"
./nodulab models export "$run_t" --out "$OUT/smoke-dl4j.onnx" >"$OUT/export.txt" 2>&1
check "nodulab models export <dl4j run> exits 0" test $? -eq 0
check "export: an ONNX opset 17 model" contains "$OUT/export.txt" "as ONNX opset 17 -> $OUT/smoke-dl4j.onnx"
check "export: the checkpoint's SHA-256 in its metadata" grep -qF "$(grep '^m0-vgg,' "$run_t/checkpoints.csv" | tail -n 1 | cut -d, -f8)" "$OUT/smoke-dl4j.onnx"
./nodulab models export "$run_t" --out "$OUT/smoke-dl4j.onnx" >"$OUT/export-again.txt" 2>&1
check "models export never overwrites" contains "$OUT/export-again.txt" "exists already"
./nodulab predict "$run_t" "$OUT/synth/candidates_V2.csv" --backend onnxruntime --out "$OUT/predicted-ort.csv" >"$OUT/predict-ort.txt" 2>&1
check "nodulab predict --backend onnxruntime scores on ONNX Runtime" contains "$OUT/predict-ort.txt" "model(s) on onnxruntime"
check "and gives the dl4j scores within 1e-5" awk -F, 'NR == FNR { p[FNR] = $5; next } FNR > 1 { d = $5 - p[FNR]; if (d < 0) d = -d; if (d > 1e-5) bad = 1 } END { exit bad }' "$OUT/predicted-dl4j.csv" "$OUT/predicted-ort.csv"
./nodulab train "$OUT/smoke-dl4j.yaml" --backend onnxruntime >"$OUT/train-ort.txt" 2>&1
check "nodulab train --backend onnxruntime is refused: it predicts only" contains "$OUT/train-ort.txt" "onnxruntime predicts only"
./nodulab bench train --arch vgg --size 16 --batch 4 --seconds 2 --rounds 1 --backend dl4j,libtorch,onnxruntime --no-pytorch >"$OUT/bench-backends.txt" 2>&1
check "nodulab bench train --backend dl4j,libtorch,onnxruntime exits 0" test $? -eq 0
check "bench train: compares the two backends" contains "$OUT/bench-backends.txt" "ratio libtorch / dl4j: training"
check "bench train: ONNX Runtime's inference beside them" grep -qE "ratio onnxruntime / dl4j: training -, inference [0-9.]+x" "$OUT/bench-backends.txt"
check "bench train: glibc malloc by default" contains "$OUT/bench-backends.txt" "native allocator glibc malloc"
check "bench train: the work per sample, from the graph" contains "$OUT/bench-backends.txt" "GFLOP per sample forward (from the graph)"
check "bench train: each backend times the machine's peak" grep -qE "peak: dl4j [0-9.]+ GFLOP/s" "$OUT/bench-backends.txt"
check "bench train: achieved GFLOP/s as a share of the peak" grep -qE "libtorch achieved: training [0-9.]+ GFLOP/s \([0-9.]+% of the measured peak" "$OUT/bench-backends.txt"
check "bench train: where a libtorch step spends its time" contains "$OUT/bench-backends.txt" "libtorch training step: batch in (copy, layout)"
check "bench train: glibc asked for transparent huge pages by default" contains "$OUT/bench-backends.txt" "GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1"
NODULAB_MALLOC=jemalloc ./nodulab bench train --arch vgg --size 16 --batch 4 --seconds 1 --rounds 1 --backend libtorch --no-pytorch >"$OUT/bench-jemalloc.txt" 2>&1
check "NODULAB_MALLOC=jemalloc: libtorch trains on jemalloc (libjemalloc2 from setup-debian.sh)" contains "$OUT/bench-jemalloc.txt" "native allocator jemalloc"
# A fresh machine: an empty JavaCPP cache, another libtorch on LD_LIBRARY_PATH (decoys named like every library the
# backends ship, which end the process with exit code 97 if loaded; and Debian's libtorch 1.13 where python3-torch
# and libtorch-dev are installed), each backend first in a process of its own. No crash report lands in the current
# folder: a JVM that dies writes it to the log folder.
decoys="$OUT/decoys"
if bash "$ROOT/tests/org.nodulab.nn.backend.libtorch.tests/decoys/make-decoys.sh" "$decoys" >"$OUT/decoys.txt" 2>&1; then
  gcc -shared -fPIC -DDECOY_NAME='"libopenblas_nolapack.so.0"' -Wl,-soname,libopenblas_nolapack.so.0 \
    -o "$decoys/libopenblas_nolapack.so.0" "$ROOT/tests/org.nodulab.nn.backend.libtorch.tests/decoys/decoy.c"
  libpath="$decoys"
  [ -e /usr/lib/x86_64-linux-gnu/libtorch_cpu.so ] && libpath="$libpath:/usr/lib/x86_64-linux-gnu"
  mkdir -p "$OUT/fresh-cwd"
  for first in libtorch dl4j; do
    rm -rf "$OUT/fresh-cache-$first"
    (cd "$OUT/fresh-cwd" && LD_LIBRARY_PATH="$libpath" NODULAB_JAVACPP_CACHE="$OUT/fresh-cache-$first" "$ROOT/nodulab" bench train \
      --arch vgg --size 16 --batch 4 --seconds 1 --rounds 1 --backend "$first,$([ $first = dl4j ] && echo libtorch || echo dl4j)" \
      --no-pytorch >"$OUT/fresh-$first.txt" 2>&1)
    check "fresh machine, $first first: both backends train with an empty cache and another libtorch on LD_LIBRARY_PATH" test $? -eq 0
    check "fresh machine, $first first: the launcher names the folder it left out" contains "$OUT/fresh-$first.txt" "left out of LD_LIBRARY_PATH"
    check "fresh machine, $first first: each JavaCPP in its own cache folder" test -d "$OUT/fresh-cache-$first/javacpp-1.5.13" -a -d "$OUT/fresh-cache-$first/javacpp-1.5.7"
  done
  (cd "$OUT/fresh-cwd" && LD_LIBRARY_PATH="$libpath" NODULAB_KEEP_LD_LIBRARY_PATH=1 NODULAB_JAVACPP_CACHE="$OUT/fresh-cache-keep" "$ROOT/nodulab" bench train \
    --arch vgg --size 16 --batch 4 --seconds 1 --rounds 1 --backend libtorch --no-pytorch >"$OUT/fresh-keep.txt" 2>&1)
  check "decoys kept on LD_LIBRARY_PATH on request: the process stops at the renamed OpenBLAS decoy, not in libtorch" contains "$OUT/fresh-keep.txt" "DECOY LIBRARY LOADED: libopenblas_nolapack.so.0"
  rm -rf "$OUT/crash-logs"
  # a heap far too small for the framework's start (since 2026-12-08 `list` runs in 8 MB: the command line builds only
  # the subcommand it names), so the JVM dies at its first allocation failure, wherever that is
  (cd "$OUT/fresh-cwd" && NODULAB_LOGS="$OUT/crash-logs" NODULAB_HEAP=4m NODULAB_JAVA_OPTS="-XX:+CrashOnOutOfMemoryError" \
    "$ROOT/nodulab" list windows >"$OUT/crash.txt" 2>&1)
  check "a JVM that dies writes its crash report to the log folder" test -n "$(ls "$OUT/crash-logs" 2>/dev/null | grep hs_err_pid)"
  check "no crash report in the current folder" test -z "$(ls "$OUT/fresh-cwd" "$ROOT" | grep hs_err_pid)"
else
  check "decoy libraries build (gcc)" false
fi
# Writing under a file-size limit (as on a full disk): the message names the file and the cause, nothing half-written
rm -rf "$OUT/limit" && mkdir -p "$OUT/limit"
(ulimit -f 1200; ./nodulab volume convert "$ROOT/../shared/data/dicom/dcmqi-ct-3slice" "$OUT/limit/ct.mhd" >"$OUT/limit.txt" 2>&1)
check "a file-size limit while converting: the message names the file and the limit" contains "$OUT/limit.txt" "$OUT/limit/ct.raw: writing it failed: the file would pass this process's file-size limit (ulimit -f)"
check "and nothing half-written is left" test -z "$(ls -A "$OUT/limit")"
# PixelMed's own remarks go to the log folder, not the terminal
mkdir -p "$OUT/pixelmed"
python3 - "$ROOT/../shared/data/dicom/pydicom-ct5n/2062" "$OUT/pixelmed/no-syntax.dcm" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(struct.pack('<HH', 2, 0x10), 128)
n = struct.unpack('<H', b[i + 6:i + 8])[0]
b[i + 8:i + 8 + n] = b'\0' * n
open(sys.argv[2], 'wb').write(b)
PY
NODULAB_LOGS="$OUT/pixelmed/logs" ./nodulab volume info "$OUT/pixelmed/no-syntax.dcm" >"$OUT/pixelmed/out.txt" 2>"$OUT/pixelmed/err.txt"
check "a DICOM file without a transfer syntax: refused by name" contains "$OUT/pixelmed/err.txt" "no-syntax.dcm: no TransferSyntaxUID in the file meta information"
check "PixelMed's remark is in the log folder" contains "$OUT/pixelmed/logs/dicom.log" "Transfer Syntax UID was not specified"
check "and not on the terminal" test "$(grep -c "Transfer Syntax UID was not specified" "$OUT/pixelmed/err.txt")" -eq 0
./nodulab runs froc "$run_a" --csv "$OUT/froc.csv" >"$OUT/runs-froc.txt" 2>&1
check "nodulab runs froc exits 0" test $? -eq 0
check "runs froc: the model's operating points" contains "$OUT/runs-froc.txt" "m0-vgg"
./nodulab runs errors "$run_a" >"$OUT/runs-errors.txt" 2>&1
check "nodulab runs errors exits 0" test $? -eq 0
check "runs errors: the worst negatives" contains "$OUT/runs-errors.txt" "highest-scored negatives:"
./nodulab new architecture vgg "$OUT/new-vgg.yaml" --dataset "$OUT/synth" >"$OUT/new.txt" 2>&1
check "nodulab new writes an experiment" test -s "$OUT/new-vgg.yaml"

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
  check "dropped in: tinynet is listed" grep -qE "^tinynet +TinyNet \(example\)" "$OUT/dropin-list.txt"
  ./nodulab bench train --arch tinynet --dataset "$OUT/synth" --seconds 5 --rounds 1 >"$OUT/dropin-train.txt" 2>&1
  check "dropped in: nodulab trains it on the synthetic data" contains "$OUT/dropin-train.txt" "loss: first"
  rm -f "$product/dropins/$(basename "$jar")"
  ./nodulab list architectures >"$OUT/dropin-removed.txt" 2>&1
  check "removed: tinynet is gone" test "$(grep -c tinynet "$OUT/dropin-removed.txt")" -eq 0
fi

# Campaigns: the local job queue and a one-node Slurm cluster (campaign-test.sh)
source "$ROOT/releng/org.nodulab.product.tests/campaign-test.sh"

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
