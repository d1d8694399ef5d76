package org.nodulab.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.eval.Prediction;
import org.nodulab.eval.froc.Luna16Csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * One run's folder. It is created once, under a new name, and files in it are only ever added
 * (atomically) or appended to (the log and the CSV indexes); nothing is rewritten.
 *
 * <pre>
 * experiment.yaml        the resolved experiment (every default filled in, absolute paths)
 * provenance.json        seed, bundle versions, JVM, backend, input files with sizes and SHA-256
 * log.txt                what happened, with times
 * metrics.csv            per model and epoch: learning rate, loss, validation and test CPM
 * checkpoints.csv        every checkpoint with its SHA-256; checkpoints/&lt;model&gt;/e003-b00000-&lt;hash&gt;.zip
 * predictions/           LUNA16 submission files: per epoch, per model (best epoch) and the ensemble
 * froc/                  the final FROC outputs (as the official script writes them) per model and ensemble
 * hard/                  hard-mined candidates per round
 * summary.json           written when the run finished
 * report.html            the report: settings, per-epoch curves, FROC plots
 * </pre>
 */
public final class RunDirectory {

	public static final String EXPERIMENT = "experiment.yaml";
	public static final String PROVENANCE = "provenance.json";
	public static final String SUMMARY = "summary.json";
	public static final String REPORT = "report.html";
	static final List<String> METRICS = List.of("model", "round", "epoch", "learning_rate", "train_loss", "train_samples",
			"seconds", "validation_cpm", "test_cpm");

	static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

	private final Path dir;
	private final Checkpoints checkpoints;
	private final AppendOnlyCsv metrics;

	private RunDirectory(Path dir) {
		this.dir = dir;
		this.checkpoints = new Checkpoints(dir);
		this.metrics = new AppendOnlyCsv(dir.resolve("metrics.csv"), METRICS);
	}

	/** Creates a new run folder {@code <name>-<yyyyMMdd-HHmmss>[-n]} below {@code runs}. */
	public static RunDirectory create(Path runs, String name) throws IOException {
		Files.createDirectories(runs);
		String stem = name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		for (int n = 1;; n++) {
			Path dir = runs.resolve(n == 1 ? stem : stem + "-" + n);
			try {
				Files.createDirectory(dir); // atomic: two runs never share a folder
				return new RunDirectory(dir.toAbsolutePath().normalize());
			} catch (FileAlreadyExistsException e) {
				if (n > 1000) {
					throw e;
				}
			}
		}
	}

	/** Creates a new run folder with exactly this name (a fold of a cross-validation). */
	public static RunDirectory createNamed(Path parent, String name) throws IOException {
		Files.createDirectories(parent);
		Path dir = parent.resolve(name);
		Files.createDirectory(dir); // fails when it exists
		return new RunDirectory(dir.toAbsolutePath().normalize());
	}

	/** An existing run folder. */
	private static final ObjectMapper YAML = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

	/** The experiment a run (experiment.yaml) or a cross-validation folder (cv.yaml) was started with, as a tree. */
	public static JsonNode experimentTree(Path dir) throws IOException {
		Path f = dir.resolve(EXPERIMENT);
		return YAML.readTree((Files.exists(f) ? f : dir.resolve(CrossValidation.CV_FILE)).toFile());
	}

	public static RunDirectory open(Path dir) throws IOException {
		if (!Files.isRegularFile(dir.resolve(EXPERIMENT))) {
			throw new IOException(dir + " is not a Nodulab run (no " + EXPERIMENT + ")");
		}
		return new RunDirectory(dir.toAbsolutePath().normalize());
	}

	public static boolean isRun(Path dir) {
		return Files.isRegularFile(dir.resolve(EXPERIMENT));
	}

	public Path dir() {
		return dir;
	}

	public String name() {
		return dir.getFileName().toString();
	}

	public Checkpoints checkpoints() {
		return checkpoints;
	}

	/** Appends a line with the time to {@code log.txt}. */
	public synchronized void log(String line) {
		try {
			Files.writeString(dir.resolve("log.txt"), java.time.Instant.now() + "  " + line + "\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		} catch (IOException e) {
			throw new java.io.UncheckedIOException("cannot write the log of " + dir, e);
		}
	}

	/** One row of metrics.csv. */
	public record EpochMetrics(String model, int round, int epoch, double learningRate, double trainLoss,
			long trainSamples, double seconds, double validationCpm, double testCpm) {

		List<Object> values() {
			return List.of(model, round, epoch, Double.toString(learningRate), Double.toString(trainLoss), trainSamples,
					String.format(java.util.Locale.ROOT, "%.1f", seconds), num(validationCpm), num(testCpm));
		}

		private static String num(double v) {
			return Double.isNaN(v) ? "" : Double.toString(v);
		}

		static EpochMetrics of(Map<String, String> r) {
			return new EpochMetrics(r.get("model"), Integer.parseInt(r.get("round")), Integer.parseInt(r.get("epoch")),
					Double.parseDouble(r.get("learning_rate")), Double.parseDouble(r.get("train_loss")),
					Long.parseLong(r.get("train_samples")), Double.parseDouble(r.get("seconds")), parse(r.get("validation_cpm")),
					parse(r.get("test_cpm")));
		}

		private static double parse(String s) {
			return s == null || s.isEmpty() ? Double.NaN : Double.parseDouble(s);
		}
	}

	public void appendMetrics(EpochMetrics m) throws IOException {
		metrics.append(m.values());
	}

	public List<EpochMetrics> metrics() throws IOException {
		List<EpochMetrics> out = new ArrayList<>();
		for (Map<String, String> r : metrics.read()) {
			out.add(EpochMetrics.of(r));
		}
		return out;
	}

	/** A file below the run folder. */
	public Path resolve(String relative) {
		return dir.resolve(relative);
	}

	/**
	 * Writes a submission file. When it exists (a resumed run repeating an epoch) its content must be
	 * identical: anything else means the run did not repeat itself, and is refused.
	 */
	public Path writePredictions(String relative, List<Prediction> predictions) throws IOException {
		Path file = dir.resolve(relative);
		if (Files.exists(file)) {
			Path tmp = Files.createTempFile(dir, ".check", ".csv");
			Files.delete(tmp);
			try {
				Luna16Csv.writeSubmission(tmp, predictions);
				if (Files.mismatch(tmp, file) != -1) {
					throw new IOException(file + " exists with other predictions: the resumed run did not repeat the "
							+ "interrupted one (results are never overwritten)");
				}
			} finally {
				Files.deleteIfExists(tmp);
			}
			return file;
		}
		Luna16Csv.writeSubmission(file, predictions);
		return file;
	}

	/** Writes a new JSON file. */
	public void writeJson(String relative, Object value) throws IOException {
		AtomicFiles.create(dir.resolve(relative), out -> JSON.writeValue(new java.io.FilterOutputStream(out) {
			@Override
			public void close() throws IOException {
				flush();
			}
		}, value));
	}

	public Optional<JsonNode> readJson(String relative) throws IOException {
		Path f = dir.resolve(relative);
		return Files.exists(f) ? Optional.of(JSON.readTree(f.toFile())) : Optional.empty();
	}

	public boolean finished() {
		return Files.exists(dir.resolve(SUMMARY));
	}
}
