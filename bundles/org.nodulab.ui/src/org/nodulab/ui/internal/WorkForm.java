package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.train.Checkpoints;
import org.nodulab.train.RunDirectory;
import org.nodulab.train.RunOutputs;

/**
 * A kind of work the workbench starts: the fields its dialog shows and the command line they make. The command
 * line is the action's headless twin, shown in the dialog as it is typed; the job queue runs exactly it (the same
 * validation, progress and cancel as in a terminal).
 */
public abstract class WorkForm {

	/** What a field holds. */
	public enum Kind {
		FILE, NEW_FILE, FOLDER, NEW_FOLDER, TEXT, NUMBER, CHOICE, FLAG,
		/** Shown, not edited. */
		INFO
	}

	/** One field: key, label, kind, value, the choices of a CHOICE, and a hint. */
	public static final class Field {
		final String key;
		final String label;
		final Kind kind;
		final List<String> choices;
		final String hint;
		String value;

		Field(String key, String label, Kind kind, String value, List<String> choices, String hint) {
			this.key = key;
			this.label = label;
			this.kind = kind;
			this.value = value == null ? "" : value;
			this.choices = choices == null ? List.of() : List.copyOf(choices);
			this.hint = hint;
		}

		public String key() {
			return key;
		}

		public String label() {
			return label;
		}

		public Kind kind() {
			return kind;
		}

		public String value() {
			return value;
		}

		public List<String> choices() {
			return choices;
		}

		public String hint() {
			return hint;
		}
	}

	private final Map<String, Field> fields = new LinkedHashMap<>();

	/** The dialog's title and the job's title prefix. */
	public abstract String title();

	/** One sentence: what the work does. */
	public abstract String description();

	/** The command line the fields make (without {@code nodulab}). */
	public abstract List<String> command();

	protected final void field(String key, String label, Kind kind, String value, List<String> choices, String hint) {
		fields.put(key, new Field(key, label, kind, value, choices, hint));
	}

	public List<Field> fields() {
		return List.copyOf(fields.values());
	}

	public String get(String key) {
		Field f = fields.get(key);
		if (f == null) {
			throw new IllegalArgumentException("no field '" + key + "' in " + title());
		}
		return f.value.strip();
	}

	/** Sets a field (the dialog does, as the user types; tests do directly). */
	public WorkForm set(String key, String value) {
		Field f = fields.get(key);
		if (f == null) {
			throw new IllegalArgumentException("no field '" + key + "' in " + title() + "; fields: " + fields.keySet());
		}
		f.value = value == null ? "" : value;
		return this;
	}

	/** The title of the job: the work and its main input. */
	public String jobTitle() {
		return title().toLowerCase(java.util.Locale.ROOT);
	}

	/** A folder whose FROC the FROC view shows when the job has finished (an evaluation's output), or null. */
	public Path frocWhenDone() {
		return null;
	}

	/** A screening report folder the Findings view shows when the job has finished, or null. */
	public Path findingsWhenDone() {
		return null;
	}

	/** The command line as a user would type it. */
	public String commandLine() {
		List<String> out = new ArrayList<>();
		out.add("nodulab");
		for (String a : command()) {
			out.add(a.isEmpty() || a.chars().anyMatch(c -> Character.isWhitespace(c) || "'\"$`\\".indexOf(c) >= 0)
					? "'" + a.replace("'", "'\\''") + "'" : a);
		}
		return String.join(" ", out);
	}

	static String stamp() {
		return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
	}

	/** {@code nodulab cv <experiment> [--folds K]}: cross-validation as one job. */
	public static final class CrossValidate extends WorkForm {
		public CrossValidate(Path experiment) {
			field("experiment", "Experiment", Kind.FILE, experiment == null ? "" : experiment.toString(), null, "the experiment file");
			field("folds", "Folds", Kind.NUMBER, "0", null, "0: one fold per subset of the split; 2: the notebook's two folds");
		}

		@Override
		public String title() {
			return "Cross-Validate";
		}

		@Override
		public String description() {
			return "Trains one ordinary run per fold and merges the folds' test predictions into one submission and its FROC.";
		}

		@Override
		public List<String> command() {
			List<String> c = new ArrayList<>(List.of("cv", get("experiment")));
			if (!get("folds").isEmpty() && !get("folds").equals("0")) {
				c.add("--folds");
				c.add(get("folds"));
			}
			return c;
		}

		@Override
		public String jobTitle() {
			return "cross-validate " + Path.of(get("experiment")).getFileName();
		}
	}

	/**
	 * {@code nodulab screen <scan> --model <run>[/<model>]... --out DIR --fps N [-o series=UID]}: a new scan to a findings
	 * report.
	 */
	public static final class Screen extends WorkForm {
		public Screen(Path run) {
			field("scan", "Scan", Kind.FOLDER, "", null, "a DICOM series folder (or type the path of a .mhd or .dcm file)");
			field("models", "Models", Kind.TEXT, run == null ? "" : run.toString(), null,
					"finished runs or <run>/<model>, separated by ';' (averaged)");
			field("fps", "False positives per scan", Kind.NUMBER, "1", null,
					"the operating point, on the models' own test scans");
			field("series", "Series", Kind.TEXT, "", null, "SeriesInstanceUID when the folder holds several series");
			field("backend", "Scored on", Kind.CHOICE, RUN_BACKEND, BACKENDS, "onnxruntime: the models as ONNX, run by ONNX Runtime");
			field("precision", "Precision", Kind.CHOICE, "float32", PRECISIONS,
					"bfloat16: libtorch on the CPU, 1.6-2.1x faster with AVX-512 BF16, probabilities within about 3e-3 of float32's");
			field("out", "Report folder", Kind.NEW_FOLDER,
					(run == null ? Path.of(System.getProperty("user.home")) : RunOutputs.outputs(run)).resolve("screening-" + stamp()).toString(),
					null, "findings.csv, candidates.csv, report.html; never overwritten");
		}

		@Override
		public String title() {
			return "Screen Scan";
		}

		@Override
		public String description() {
			return "Detects nodule candidates in a new scan, scores them with the models (TTA as each run says) and writes a findings report; "
					+ "patient name, ID and birth date are never read.";
		}

		@Override
		public List<String> command() {
			List<String> c = new ArrayList<>(List.of("screen", get("scan")));
			for (String m : get("models").split(";")) {
				if (!m.isBlank()) {
					c.add("--model");
					c.add(m.strip());
				}
			}
			c.add("--out");
			c.add(get("out"));
			if (!get("fps").isEmpty()) {
				c.add("--fps");
				c.add(get("fps"));
			}
			if (!get("series").isEmpty()) {
				c.add("-o");
				c.add("series=" + get("series"));
			}
			backend(c, get("backend"));
			precision(c, get("precision"));
			return c;
		}

		@Override
		public String jobTitle() {
			return "screen " + (get("scan").isEmpty() ? "" : Path.of(get("scan")).getFileName());
		}

		@Override
		public Path findingsWhenDone() {
			return get("out").isEmpty() ? null : Path.of(get("out"));
		}
	}

	/** {@code nodulab predict <run> <candidates> --out F [--[no-]tta]}: a candidates file scored with a run's models. */
	public static final class Predict extends WorkForm {
		public Predict(Path run) {
			String candidates = "";
			try {
				Path dataset = org.nodulab.train.ErrorCases.datasetOf(run);
				candidates = dataset.resolve("candidates_stage2.csv").toString();
			} catch (IOException e) {
				// the user picks a file
			}
			field("run", "Run", Kind.FOLDER, run.toString(), null, "a finished run");
			field("candidates", "Candidates", Kind.FILE, candidates, null, "seriesuid, coordX, coordY, coordZ on scans of the run's dataset");
			field("out", "Submission to write", Kind.NEW_FILE,
					RunOutputs.outputs(run).resolve(run.getFileName() + "-predicted-" + stamp() + ".csv").toString(), null,
					"never overwritten; runs stay as they finished, so outputs go beside them in outputs/");
			field("tta", "Test-time augmentation", Kind.CHOICE, "as the run", List.of("as the run", "on", "off"), "average over 4 rotations about z");
			field("backend", "Scored on", Kind.CHOICE, RUN_BACKEND, BACKENDS, "onnxruntime: the models as ONNX, run by ONNX Runtime");
			field("precision", "Precision", Kind.CHOICE, "float32", PRECISIONS,
					"bfloat16: libtorch on the CPU, 1.6-2.1x faster with AVX-512 BF16, probabilities within about 3e-3 of float32's");
		}

		@Override
		public String title() {
			return "Predict Candidates";
		}

		@Override
		public String description() {
			return "Scores a candidates file with the run's models at their best epochs (checkpoints verified), their mean as the run's ensemble.";
		}

		@Override
		public List<String> command() {
			List<String> c = new ArrayList<>(List.of("predict", get("run"), get("candidates"), "--out", get("out")));
			if (get("tta").equals("on")) {
				c.add("--tta");
			} else if (get("tta").equals("off")) {
				c.add("--no-tta");
			}
			backend(c, get("backend"));
			precision(c, get("precision"));
			return c;
		}

		@Override
		public String jobTitle() {
			return "predict " + Path.of(get("candidates")).getFileName() + " with " + Path.of(get("run")).getFileName();
		}
	}

	/** {@code nodulab eval <annotations> <excluded> <seriesuids> <results> <outdir>}: the official FROC of a submission. */
	public static final class Evaluate extends WorkForm {
		public Evaluate(Path results, Path dataset) {
			Path d = dataset == null ? Path.of("") : dataset;
			field("results", "Submission", Kind.FILE, results == null ? "" : results.toString(), null, "seriesuid, coordX, coordY, coordZ, probability");
			field("annotations", "Annotations", Kind.FILE, dataset == null ? "" : d.resolve("annotations.csv").toString(), null, "annotations.csv");
			field("excluded", "Excluded findings", Kind.FILE, dataset == null ? "" : d.resolve("annotations_excluded.csv").toString(), null,
					"annotations_excluded.csv");
			field("seriesuids", "Evaluated scans", Kind.FILE, dataset == null ? "" : d.resolve("seriesuids.csv").toString(), null,
					"seriesuids.csv: their number divides the false positives");
			field("out", "Output folder", Kind.NEW_FOLDER,
					results == null ? "" : results.resolveSibling("froc-" + results.getFileName().toString().replaceFirst("\\.csv$", "")).toString(),
					null, "the official script's files, the PNG and the bootstrap bands");
			field("bootstrap", "Bootstrap resamples", Kind.NUMBER, "1000", null, "0: none");
		}

		/**
		 * A run's test predictions ({@code results}) against the run's test scans: the false positives are counted
		 * over the scans the run tested (a list written to {@code outputs/} beside the run), not over the whole
		 * dataset, which would divide them by scans the submission never marked.
		 */
		public static Evaluate ofRun(Path run, Path results) throws IOException {
			Evaluate form = new Evaluate(results, org.nodulab.train.ErrorCases.datasetOf(run));
			Path outputs = RunOutputs.outputs(run);
			form.set("seriesuids", RunOutputs.scanList(run, "test", outputs).toString());
			String stem = results == null ? "submission" : results.getFileName().toString().replaceFirst("\\.csv$", "");
			form.set("out", outputs.resolve(run.getFileName() + "-" + stem + "-froc-" + stamp()).toString());
			return form;
		}

		@Override
		public String title() {
			return "Evaluate Submission";
		}

		@Override
		public String description() {
			return "The LUNA16 FROC/CPM of a submission file, identical to the official script, with bootstrap bands; shown in the FROC view.";
		}

		@Override
		public List<String> command() {
			return List.of("eval", get("annotations"), get("excluded"), get("seriesuids"), get("results"), get("out"), "--bootstrap",
					get("bootstrap").isEmpty() ? "1000" : get("bootstrap"));
		}

		@Override
		public String jobTitle() {
			return "evaluate " + Path.of(get("results")).getFileName();
		}

		@Override
		public Path frocWhenDone() {
			return Path.of(get("out"));
		}
	}

	/**
	 * {@code nodulab ensemble --combine C --inputs ... --out F [--search-on ...]}: runs and models picked in Runs
	 * combined (mean, max, weighted with weights searched on their validation predictions) or folds merged.
	 */
	public static final class Ensemble extends WorkForm {
		private final List<RunOutputs.Model> members;
		private final List<Path> references;

		/**
		 * @param runs the runs picked in Runs: each run's models (best epochs), or, for a cross-validation folder, its
		 *            folds' ensembles (merge)
		 */
		public Ensemble(List<Path> runs) throws IOException {
			List<RunOutputs.Model> found = new ArrayList<>();
			boolean folds = false;
			for (Path run : runs) {
				List<Path> foldRuns = RunOutputs.folds(run);
				folds |= !foldRuns.isEmpty();
				for (Path r : foldRuns.isEmpty() ? List.of(run) : foldRuns) {
					found.addAll(RunOutputs.models(r));
				}
			}
			if (found.isEmpty()) {
				throw new IOException("the selected runs have no finished models: " + runs);
			}
			this.members = found;
			Path first = found.get(0).run();
			List<Path> files = new ArrayList<>(RunOutputs.referenceFiles(first));
			files.set(2, RunOutputs.scanList(first, "validation", RunOutputs.outputs(runs.get(0))));
			this.references = files;
			field("combine", "Combination", Kind.CHOICE, folds ? "merge" : "mean", List.of("mean", "weighted", "max", "merge"),
					"merge: disjoint test folds into one submission");
			field("members", "Members", Kind.INFO, String.join(", ", found.stream().map(m -> m.run().getFileName() + "/" + m.model() + "@" + m.bestEpoch()).toList()),
					null, "each model's test predictions at its best epoch");
			field("search", "Search the weights on validation predictions", Kind.FLAG, "true", null,
					"weighted only: grid search on the members' validation predictions, never on the scans evaluated");
			field("step", "Grid step", Kind.NUMBER, "0.1", null, "must divide 1");
			field("out", "Submission to write", Kind.NEW_FILE, RunOutputs.outputs(runs.get(0)).resolve("ensemble-" + stamp() + ".csv").toString(), null,
					"with an .ensemble.yaml report beside it; never overwritten");
		}

		/** The members (models at their best epochs). */
		public List<RunOutputs.Model> members() {
			return members;
		}

		@Override
		public String title() {
			return "Ensemble";
		}

		@Override
		public String description() {
			return "Combines the selected runs' models over the same candidates, or merges disjoint folds; weights are searched on validation "
					+ "predictions only (the leakage guard refuses evaluated scans).";
		}

		@Override
		public List<String> command() {
			List<String> c = new ArrayList<>(List.of("ensemble", "--combine", get("combine"), "--inputs"));
			members.forEach(m -> c.add(m.testPredictions().toString()));
			c.add("--out");
			c.add(get("out"));
			if (get("combine").equals("weighted") && Boolean.parseBoolean(get("search"))) {
				c.add("--search-on");
				members.forEach(m -> c.add(m.validationPredictions().toString()));
				c.addAll(List.of("--annotations", references.get(0).toString(), "--excluded", references.get(1).toString(), "--seriesuids",
						references.get(2).toString(), "--step", get("step")));
			}
			return c;
		}

		@Override
		public String jobTitle() {
			return get("combine") + " ensemble of " + members.size() + " models";
		}
	}

	/** The choice of a form's scoring backend that leaves it to each run. */
	static final String RUN_BACKEND = "each run's own";

	/** The backends a form offers for scoring. */
	static final List<String> BACKENDS = List.of(RUN_BACKEND, "onnxruntime", "libtorch", "dl4j");

	/** What the networks compute in ({@code --precision}); float32 is the default and is not written. */
	static final List<String> PRECISIONS = List.of("float32", "bfloat16");

	private static void precision(List<String> command, String choice) {
		if (!choice.isEmpty() && !choice.equals(PRECISIONS.get(0))) {
			command.add("--precision");
			command.add(choice);
		}
	}

	private static void backend(List<String> command, String choice) {
		if (!choice.isEmpty() && !choice.equals(RUN_BACKEND)) {
			command.add("--backend");
			command.add(choice);
		}
	}

	/**
	 * {@code nodulab models export <run>/<model>@<epoch> --format onnx --out F}: one model as a self-describing ONNX file
	 * for Python, a PACS plug-in or any ONNX runtime.
	 */
	public static final class ExportModel extends WorkForm {
		/** The choice that exports the run's best model at its best epoch. */
		static final String BEST = "best model, best epoch";

		private final Path run;

		public ExportModel(Path run) throws IOException {
			this.run = run;
			List<String> names = new ArrayList<>(List.of(BEST));
			for (Checkpoints.Checkpoint c : RunDirectory.open(run).checkpoints().list()) {
				if (c.atEpochEnd() && !names.contains(c.model() + "@" + c.epoch())) {
					names.add(c.model() + "@" + c.epoch());
				}
			}
			if (names.size() == 1) {
				throw new IOException(run + " has no checkpoint at an epoch's end to export");
			}
			field("model", "Model", Kind.CHOICE, BEST, names, "<model>@<epoch>");
			field("format", "Format", Kind.CHOICE, "onnx", List.of("onnx"), "ONNX opset 17 with the preprocessing and provenance as metadata");
			field("out", "File to write", Kind.NEW_FILE,
					RunOutputs.outputs(run).resolve(run.getFileName() + "-" + stamp() + ".onnx").toString(), null,
					"never overwritten; runs stay as they finished, so exports go beside them in outputs/");
		}

		@Override
		public String title() {
			return "Export Model";
		}

		@Override
		public String description() {
			return "Writes one model of " + run.getFileName() + " (checkpoint verified) as an ONNX file that names its inputs, preprocessing, "
					+ "run, experiment and checkpoint hashes; ONNX Runtime scores it as the run does.";
		}

		@Override
		public List<String> command() {
			String model = get("model").equals(BEST) ? run.toString() : run + "/" + get("model");
			return List.of("models", "export", model, "--format", get("format"), "--out", get("out"));
		}

		@Override
		public String jobTitle() {
			return "export " + run.getFileName() + (get("model").equals(BEST) ? "" : "/" + get("model"));
		}
	}

	/** {@code nodulab models delete <run>/<model>@<epoch> --reason R}: an explicit, recorded deletion. */
	public static final class DeleteModel extends WorkForm {
		private final Path run;

		public DeleteModel(Path run) throws IOException {
			this.run = run;
			List<String> names = new ArrayList<>();
			for (Checkpoints.Checkpoint c : RunDirectory.open(run).checkpoints().list()) {
				if (c.atEpochEnd()) {
					names.add(c.model() + "@" + c.epoch());
				}
			}
			if (names.isEmpty()) {
				throw new IOException(run + " has no checkpoints left");
			}
			field("model", "Model", Kind.CHOICE, names.get(0), names, "<model>@<epoch>");
			field("reason", "Reason", Kind.TEXT, "", null, "recorded in the run's deletions.csv");
		}

		@Override
		public String title() {
			return "Delete Model";
		}

		@Override
		public String description() {
			return "Deletes one checkpoint of " + run.getFileName() + "; the deletion and its reason are recorded, nothing else is touched.";
		}

		@Override
		public List<String> command() {
			return List.of("models", "delete", run + "/" + get("model"), "--reason", get("reason"));
		}

		@Override
		public String jobTitle() {
			return "delete " + run.getFileName() + "/" + get("model");
		}
	}

	/** Whether a path of a field exists (for the dialog's markers). */
	static boolean exists(String path) {
		return !path.isBlank() && Files.exists(Path.of(path));
	}
}
