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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.luna16.Prediction;
import org.nodulab.luna16.Luna16Csv;

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
 * metrics.csv            per model and epoch: learning rate, loss, validation and test CPM, training accuracy,
 *                        validation loss and accuracy
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
			"seconds", "validation_cpm", "test_cpm", "train_accuracy", "validation_loss", "validation_accuracy");

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
		return readTree(YAML, Files.exists(f) ? f : dir.resolve(CrossValidation.CV_FILE));
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

	/**
	 * One row of metrics.csv.
	 *
	 * @param trainAccuracy share of the epoch's training samples classified right during their steps (NaN: not
	 *            reported by the backend)
	 * @param validationLoss mean binary cross-entropy of the validation candidates' predictions (with TTA when the
	 *            experiment predicts with it; NaN without labelled validation candidates)
	 * @param validationAccuracy share of validation candidates on the right side of 0.5
	 */
	public record EpochMetrics(String model, int round, int epoch, double learningRate, double trainLoss,
			long trainSamples, double seconds, double validationCpm, double testCpm, double trainAccuracy,
			double validationLoss, double validationAccuracy) {

		public EpochMetrics(String model, int round, int epoch, double learningRate, double trainLoss, long trainSamples,
				double seconds, double validationCpm, double testCpm) {
			this(model, round, epoch, learningRate, trainLoss, trainSamples, seconds, validationCpm, testCpm, Double.NaN, Double.NaN,
					Double.NaN);
		}

		List<Object> values() {
			return List.of(model, round, epoch, Double.toString(learningRate), Double.toString(trainLoss), trainSamples,
					String.format(java.util.Locale.ROOT, "%.1f", seconds), num(validationCpm), num(testCpm), num(trainAccuracy),
					num(validationLoss), num(validationAccuracy));
		}

		private static String num(double v) {
			return Double.isNaN(v) ? "" : Double.toString(v);
		}

		static EpochMetrics of(Path file, AppendOnlyCsv.Row r) throws IOException {
			return new EpochMetrics(r.get("model"), r.integer(file, "round"), r.integer(file, "epoch"), r.number(file, "learning_rate", false),
					r.number(file, "train_loss", true), r.whole(file, "train_samples"), r.number(file, "seconds", false),
					r.number(file, "validation_cpm", true), r.number(file, "test_cpm", true), r.number(file, "train_accuracy", true),
					r.number(file, "validation_loss", true), r.number(file, "validation_accuracy", true));
		}
	}

	public void appendMetrics(EpochMetrics m) throws IOException {
		metrics.append(m.values());
	}

	public List<EpochMetrics> metrics() throws IOException {
		List<EpochMetrics> out = new ArrayList<>();
		for (AppendOnlyCsv.Row r : metrics.rows()) {
			out.add(EpochMetrics.of(metrics.file(), r));
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
		return Files.exists(f) ? Optional.of(readTree(JSON, f)) : Optional.empty();
	}

	/** A JSON (or YAML) file as a tree; a file that is not is an error naming it with the line and column. */
	public static JsonNode readTree(ObjectMapper mapper, Path file) throws IOException {
		try {
			JsonNode tree = mapper.readTree(file.toFile());
			if (tree == null || tree.isMissingNode()) {
				throw new IOException(file + ": empty; expected " + (mapper == JSON ? "a JSON object" : "a YAML document"));
			}
			return tree;
		} catch (com.fasterxml.jackson.core.JsonProcessingException e) {
			throw new IOException(org.nodulab.core.io.JsonErrors.describe(file, mapper == JSON ? "JSON" : "YAML", e), e);
		}
	}

	/** A required text field of a JSON tree, or an error naming the file and the field. */
	public static String text(JsonNode tree, Path file, String field) throws IOException {
		JsonNode v = tree.get(field);
		if (v == null || !v.isTextual() || v.asText().isEmpty()) {
			throw new IOException(file + ": " + field + ": expected a text, got " + (v == null ? "nothing" : v.getNodeType().toString().toLowerCase(Locale.ROOT)
					+ " " + v));
		}
		return v.asText();
	}

	/**
	 * The right to write this run, held until closed: one process writes a run at a time. The lock is an OS file lock
	 * on {@code .lock} in the run folder (released by the OS when a holder dies, even by kill -9); the file names the
	 * holder (process, host, command, since when) for the message of the one refused.
	 */
	public WriteLock lockForWriting(List<String> commandLine) throws IOException {
		Path file = dir.resolve(".lock");
		java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
		java.nio.channels.FileLock lock;
		boolean here = false;
		try {
			lock = channel.tryLock();
		} catch (java.nio.channels.OverlappingFileLockException e) {
			lock = null; // held by this process already (another job of the same JVM)
			here = true;
		} catch (IOException e) {
			channel.close();
			throw e;
		}
		if (lock == null) {
			String holder;
			try {
				holder = Files.readString(file, StandardCharsets.UTF_8).strip();
			} catch (IOException e) {
				holder = "";
			}
			channel.close();
			throw new IOException(dir + " is being written by " + (here ? "another job of this process" : "another process")
					+ (holder.isEmpty() ? "" : " (" + holder + ")")
					+ "; a run is written by one process at a time: wait for it to end, or stop it first");
		}
		String me = "process " + ProcessHandle.current().pid() + " on " + host() + ", " + String.join(" ", commandLine) + ", since "
				+ java.time.Instant.now();
		channel.truncate(0);
		channel.write(java.nio.ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
		channel.force(true);
		return new WriteLock(channel, lock);
	}

	/** Held while a process writes a run; closing releases it. */
	public static final class WriteLock implements AutoCloseable {
		private final java.nio.channels.FileChannel channel;
		private final java.nio.channels.FileLock lock;

		WriteLock(java.nio.channels.FileChannel channel, java.nio.channels.FileLock lock) {
			this.channel = channel;
			this.lock = lock;
		}

		@Override
		public void close() throws IOException {
			try {
				lock.release();
			} finally {
				channel.close();
			}
		}
	}

	private static String host() {
		try {
			return java.net.InetAddress.getLocalHost().getHostName();
		} catch (IOException e) {
			return "this host";
		}
	}

	public boolean finished() {
		return Files.exists(dir.resolve(SUMMARY));
	}
}
