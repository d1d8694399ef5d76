package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.SplitSettings;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.eval.froc.Luna16Evaluation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Cross-validation as one job: a folder {@code <name>-cv-<time>/} with the experiment
 * ({@code cv.yaml}), one ordinary run per fold ({@code fold-0/} ...), and the merged submission of
 * every fold's test predictions with its FROC ({@code merged/}, {@code froc/}). With LUNA16 subsets
 * fold k tests subset k and validates on the next; with a random split the shuffled scans form the
 * groups. Resuming continues the unfinished folds.
 */
public final class CrossValidation {

	public static final String CV_FILE = "cv.yaml";

	/** Merged CPM per model name and for the ensemble. */
	public record Result(Path dir, List<ExperimentRunner.RunResult> folds, Map<String, Double> mergedCpm, boolean stopped) {
	}

	private CrossValidation() {
	}

	/** Starts a cross-validation of {@code folds} folds (0: one per subset present). */
	public static Result start(ExperimentRunner runner, ExperimentRunner.Tools tools, Experiment e, int folds,
			List<String> commandLine) throws Exception {
		return start(runner, tools, e, folds, commandLine, runner::started);
	}

	/**
	 * As {@link #start(ExperimentRunner, ExperimentRunner.Tools, Experiment, int, List)}, telling
	 * {@code created} the cross-validation folder as soon as it exists (what a job resumes after a crash).
	 */
	public static Result start(ExperimentRunner runner, ExperimentRunner.Tools tools, Experiment e, int folds,
			List<String> commandLine, java.util.function.Consumer<Path> created) throws Exception {
		Path runs = e.resolve(e.output.runs);
		e.dataset.path = e.resolve(e.dataset.path).toString();
		e.output.runs = runs.toString();
		int n = folds(e, folds);
		e.dataset.split.folds = e.dataset.split.mode == SplitSettings.Mode.RANDOM ? n : 0;
		Files.createDirectories(runs);
		String stem = e.name + "-cv-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		Path dir = runs.resolve(stem);
		for (int k = 2; Files.exists(dir); k++) {
			dir = runs.resolve(stem + "-" + k);
		}
		Files.createDirectory(dir);
		AtomicFiles.create(dir.resolve(CV_FILE), tools.validator().codec().toYaml(e));
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("folds", n);
		info.put("created", java.time.Instant.now().toString());
		info.put("commandLine", commandLine);
		AtomicFiles.create(dir.resolve("cv.json"), RunDirectory.JSON.writeValueAsString(info));
		created.accept(dir);
		return continueIn(runner, tools, dir, commandLine);
	}

	/**
	 * The number of folds a cross-validation of {@code e} with {@code --folds folds} has (0: one per subset
	 * present, 10 for a random split); refuses fewer than 2, or more than the subsets of a subset split.
	 * The experiment's paths must be resolved.
	 */
	public static int folds(Experiment e, int folds) throws IOException {
		if (folds < 0) {
			throw new IllegalArgumentException("--folds must be 0 (one per subset) or 2 or more, got " + folds);
		}
		int n = 10;
		if (e.dataset.split.mode == SplitSettings.Mode.SUBSETS) {
			Luna16Dataset dataset = Luna16Dataset.open(Path.of(e.dataset.path));
			n = dataset.subsets().size();
			if (folds > n) {
				throw new IllegalArgumentException(folds + " folds asked, but " + dataset.root() + " has " + n + " subsets");
			}
		}
		if (folds > 0) {
			n = folds;
		}
		if (n < 2) {
			throw new IllegalArgumentException("cross-validation needs 2 folds or more, got " + n);
		}
		return n;
	}

	public static boolean isCrossValidation(Path dir) {
		return Files.exists(dir.resolve(CV_FILE));
	}

	/** Runs the folds that have not finished, then merges. */
	public static Result continueIn(ExperimentRunner runner, ExperimentRunner.Tools tools, Path dir, List<String> commandLine)
			throws Exception {
		runner.started(dir);
		int n = RunDirectory.readTree(RunDirectory.JSON, dir.resolve("cv.json")).path("folds").asInt();
		List<ExperimentRunner.RunResult> results = new ArrayList<>();
		for (int k = 0; k < n; k++) {
			Path foldDir = dir.resolve("fold-" + k);
			ExperimentRunner.RunResult r;
			if (RunDirectory.isRun(foldDir)) {
				RunDirectory run = RunDirectory.open(foldDir);
				if (run.finished()) {
					continue;
				}
				r = runner.resume(foldDir, commandLine);
			} else {
				Experiment fold = foldExperiment(tools, dir, k, n);
				RunDirectory run = RunDirectory.createNamed(dir, "fold-" + k);
				AtomicFiles.create(run.resolve(RunDirectory.EXPERIMENT), tools.validator().codec().toYaml(fold));
				r = runner.execute(run, fold, commandLine, true);
			}
			results.add(r);
			if (r.stopped()) {
				return new Result(dir, results, Map.of(), true);
			}
		}
		return new Result(dir, results, merge(tools, dir, n), false);
	}

	private static Experiment foldExperiment(ExperimentRunner.Tools tools, Path dir, int k, int n) throws Exception {
		Experiment e = tools.validator().load(dir.resolve(CV_FILE));
		e.name = e.name + "-fold" + k;
		SplitSettings s = e.dataset.split;
		if (s.mode == SplitSettings.Mode.SUBSETS) {
			List<Integer> subsets = Luna16Dataset.open(Path.of(e.dataset.path)).subsets();
			int test = subsets.get(k);
			int validation = subsets.get((k + 1) % subsets.size());
			s.test = new ArrayList<>(List.of(test));
			s.validation = subsets.size() > 2 ? new ArrayList<>(List.of(validation)) : new ArrayList<>();
			s.train = new ArrayList<>(subsets.stream().filter(x -> x != test && (subsets.size() == 2 || x != validation)).toList());
		} else {
			s.folds = n;
			s.fold = k;
		}
		// re-read, so that the fold's experiment is validated like any other
		String yaml = tools.validator().codec().toYaml(e);
		return tools.validator().validate(tools.validator().codec().parse("fold-" + k, yaml), dir);
	}

	/** Concatenates the folds' test predictions per model and for the ensemble, and evaluates them over every test scan. */
	private static Map<String, Double> merge(ExperimentRunner.Tools tools, Path dir, int n) throws Exception {
		Map<String, List<Prediction>> merged = new LinkedHashMap<>();
		List<String> scans = new ArrayList<>();
		Experiment e = tools.validator().load(dir.resolve(CV_FILE));
		Luna16Dataset dataset = Luna16Dataset.open(Path.of(e.dataset.path));
		for (int k = 0; k < n; k++) {
			RunDirectory run = RunDirectory.open(dir.resolve("fold-" + k));
			JsonNode provenance = run.readJson(RunDirectory.PROVENANCE)
					.orElseThrow(() -> new IOException(run.resolve(RunDirectory.PROVENANCE) + ": missing; the fold cannot be merged"));
			provenance.path("split").path("test").forEach(s -> scans.add(s.asText()));
			JsonNode summary = run.readJson(RunDirectory.SUMMARY)
					.orElseThrow(() -> new IOException(run.resolve(RunDirectory.SUMMARY) + ": missing; the fold has not finished"));
			for (JsonNode m : summary.path("models")) {
				String name = m.path("model").asText();
				Path f = run.resolve("predictions/" + name + "-test.csv");
				if (Files.exists(f)) {
					merged.computeIfAbsent(name, x -> new ArrayList<>()).addAll(Luna16Csv.readPredictions(f, true));
				}
			}
			Path ens = run.resolve("predictions/ensemble-test.csv");
			if (Files.exists(ens)) {
				merged.computeIfAbsent("ensemble", x -> new ArrayList<>()).addAll(Luna16Csv.readPredictions(ens, true));
			}
		}
		Map<String, Double> cpm = new LinkedHashMap<>();
		for (Map.Entry<String, List<Prediction>> m : merged.entrySet()) {
			Path file = dir.resolve("merged/" + m.getKey() + "-test.csv");
			if (!Files.exists(file)) {
				Luna16Csv.writeSubmission(file, m.getValue());
			}
			FrocResult froc = Luna16Evaluation.evaluate(scans, dataset.annotations(), dataset.excluded(), m.getValue(),
					TestResults.options(e, "merged-" + m.getKey()));
			Path out = dir.resolve("froc/merged-" + m.getKey());
			if (!Files.exists(out.resolve("CADAnalysis.txt"))) {
				FrocReport.write(froc, out, true);
			}
			cpm.put(m.getKey(), froc.cpm());
		}
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("folds", n);
		summary.put("testScans", scans.size());
		summary.put("mergedCpm", cpm);
		if (!Files.exists(dir.resolve(RunDirectory.SUMMARY))) {
			AtomicFiles.create(dir.resolve(RunDirectory.SUMMARY), RunDirectory.JSON.writeValueAsString(summary));
		}
		return cpm;
	}

	/** The catalogue entry of a cross-validation folder. */
	static RunCatalog.Entry entry(Path dir) throws IOException {
		JsonNode info = RunDirectory.readTree(RunDirectory.JSON, dir.resolve("cv.json"));
		JsonNode summary = Files.exists(dir.resolve(RunDirectory.SUMMARY))
				? RunDirectory.readTree(RunDirectory.JSON, dir.resolve(RunDirectory.SUMMARY))
				: null;
		double ensemble = Double.NaN;
		double best = Double.NaN;
		if (summary != null) {
			JsonNode c = summary.path("mergedCpm");
			if (c.path("ensemble").isNumber()) {
				ensemble = c.path("ensemble").asDouble();
			}
			for (var it = c.fields(); it.hasNext();) {
				var f = it.next();
				if (!f.getKey().equals("ensemble")) {
					best = RunCatalog.max(best, f.getValue().asDouble());
				}
			}
		}
		return RunCatalog.entry(dir, dir.getFileName() + String.format(Locale.ROOT, " (%d-fold)", info.path("folds").asInt()),
				info.path("created").asText(), summary != null ? "finished" : "interrupted", dir.resolve(CV_FILE), Double.NaN, best,
				ensemble);
	}
}
