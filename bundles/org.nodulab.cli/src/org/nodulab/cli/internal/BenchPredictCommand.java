package org.nodulab.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.nodulab.core.experiment.Precision;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.luna16.Prediction;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.RunDirectory;
import org.nodulab.train.RunPredictor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nodulab bench predict}: candidates scored per second through the whole path of {@code nodulab predict}
 * (reading the scans, resampling, patches, TTA, the network), first on the candidates of half the scans and then on
 * all, with the process's peak memory after each (flat in the number of scans, or not), and the time projected for
 * LUNA16's 754,975 candidates.
 */
@Command(name = "predict", description = {
		"Candidates scored per second through the whole path of `nodulab predict` with a finished run's models (reading, resampling, patches, TTA, the network): after an untimed warm-up on the first scan, the candidates of half the scans, then of all, with the peak resident memory after each; projects the time for LUNA16's 754,975 candidates." })
public final class BenchPredictCommand implements Callable<Integer> {

	/** Candidates of LUNA16's candidates_V2.csv. */
	static final int LUNA16_CANDIDATES = 754_975;

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "<run>", description = "A finished run (its models at their best epochs, as predict uses them).")
	Path run;

	@Option(names = "--candidates", paramLabel = "FILE", description = "Candidates on scans of the run's dataset (default: the dataset's candidates_V2.csv).")
	Path candidates;

	@Option(names = "--scans", paramLabel = "N", description = "Only the candidates of the first N scans of the file (default: all).")
	Integer scans;

	@Option(names = "--tta", negatable = true, description = "Average over the 4 rotations about z (default: ${DEFAULT-VALUE}, as LUNA16 systems are scored).", defaultValue = "true")
	boolean tta;

	@Option(names = "--precision", split = ",", paramLabel = "TYPE", defaultValue = "float32", converter = PrecisionConverter.class,
			description = "What the networks compute in (float32, bfloat16); several, comma-separated, alternate in one invocation, each "
					+ "compared with the first: rate, how far its scores are from the first's, and both CPMs on the scans' annotations.")
	List<Precision> precisions;

	public BenchPredictCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		if (!RunDirectory.isRun(run) || !Files.exists(run.resolve(RunDirectory.SUMMARY))) {
			throw new IllegalArgumentException(run + ": not a finished run folder");
		}
		Path file = candidates;
		if (file == null) {
			String dataset = RunDirectory.experimentTree(run).path("dataset").path("path").asText("");
			file = Path.of(dataset).resolve("candidates_V2.csv");
			if (!Files.isRegularFile(file)) {
				throw new IllegalArgumentException(run + ": its dataset has no " + file + "; give --candidates");
			}
		}
		if (scans != null && scans < 2) {
			throw new IllegalArgumentException("--scans must be 2 or more (half of them first), got " + scans);
		}
		List<String> uids = new ArrayList<>(scanUids(file));
		if (scans != null) {
			uids = uids.subList(0, Math.min(scans, uids.size()));
		}
		if (uids.size() < 2) {
			throw new IllegalArgumentException(file + ": candidates on " + uids.size() + " scan(s); the benchmark needs 2 or more");
		}
		ExperimentRunner.Tools tools = RunTools.of(services, RunPredictor.backendOf(run));
		out.printf(Locale.ROOT, "bench predict: %s on %s (%d scans), TTA %s, backend %s, %s; Java %s, %d cores%n", run, file, uids.size(),
				tta ? "x4" : "off", tools.backend().id(), precisions.stream().map(Precision::id).collect(java.util.stream.Collectors.joining(" and ")),
				System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
		Path dir = Files.createTempDirectory("nodulab-bench-predict-");
		try {
			// warm-up, untimed: the backend, the checkpoint's first load and the JIT
			Path first = dir.resolve("warm-up.csv");
			subset(file, Set.of(uids.get(0)), first);
			for (Precision p : precisions) {
				RunPredictor.predict(tools, run, first, tta, null, p, org.nodulab.train.Progress.NONE);
			}
			double rate = 0;
			for (List<String> part : List.of(uids.subList(0, uids.size() / 2), uids)) {
				Path subset = dir.resolve("candidates-" + part.size() + ".csv");
				int rows = subset(file, Set.copyOf(part), subset);
				List<RunPredictor.Result> results = new ArrayList<>();
				List<Double> rates = new ArrayList<>();
				for (Precision p : precisions) {
					long t0 = System.nanoTime();
					RunPredictor.Result r = RunPredictor.predict(tools, run, subset, tta, null, p, org.nodulab.train.Progress.NONE);
					double seconds = (System.nanoTime() - t0) / 1e9;
					results.add(r);
					rates.add(rows / seconds);
					out.printf(Locale.ROOT, "  %3d scans, %,7d candidates, %d model(s)%s: %7.1f s, %7.1f candidates/s; peak resident memory %,6.0f MiB%n",
							part.size(), rows, r.models().size(), precisions.size() > 1 ? ", " + p : "", seconds, rows / seconds,
							BenchTrainCommand.peakResidentMiB());
					out.println("      now: " + residentNow());
					out.flush();
				}
				for (int k = 1; k < precisions.size(); k++) {
					out.println("      " + agreement(precisions.get(k), rates.get(k) / rates.get(0), results.get(k).mean(), precisions.get(0),
							results.get(0).mean(), part));
				}
				rate = rates.get(rates.size() - 1);
			}
			out.printf(Locale.ROOT, "  LUNA16's %,d candidates at %.1f candidates/s%s: %.1f hours%n", LUNA16_CANDIDATES, rate,
					precisions.size() > 1 ? " (" + precisions.get(precisions.size() - 1) + ")" : "", LUNA16_CANDIDATES / rate / 3600);
		} finally {
			try (var files = Files.list(dir)) {
				for (Path p : files.toList()) {
					Files.deleteIfExists(p);
				}
			}
			Files.deleteIfExists(dir);
		}
		return 0;
	}

	/**
	 * How {@code scores} (in {@code precision}) compare with {@code reference} (in {@code against}): the rate ratio, the
	 * largest and mean difference of the ensemble's probabilities, and the official CPM of each on these scans where
	 * the run's dataset has annotations on them.
	 */
	private String agreement(Precision precision, double speedup, List<Prediction> scores, Precision against, List<Prediction> reference,
			List<String> scans) throws IOException {
		double max = 0;
		double sum = 0;
		for (int i = 0; i < scores.size(); i++) {
			double d = Math.abs(scores.get(i).probability() - reference.get(i).probability());
			max = Math.max(max, d);
			sum += d;
		}
		String line = String.format(Locale.ROOT, "%s / %s: %.2fx the rate; probabilities differ by %.2g at most, %.2g on average", precision,
				against, speedup, max, sum / Math.max(1, scores.size()));
		Luna16Dataset dataset = Luna16Dataset.open(Path.of(RunDirectory.experimentTree(run).path("dataset").path("path").asText("")));
		Set<String> on = Set.copyOf(scans);
		long nodules = dataset.annotations().stream().filter(a -> on.contains(a.seriesuid())).count();
		if (nodules == 0) {
			return line + " (no annotations on these scans for a CPM)";
		}
		double a = Luna16Evaluation.evaluate(scans, dataset.annotations(), dataset.excluded(), scores, Luna16Evaluation.Options.of(precision.id())).cpm();
		double b = Luna16Evaluation.evaluate(scans, dataset.annotations(), dataset.excluded(), reference, Luna16Evaluation.Options.of(against.id()))
				.cpm();
		return line + String.format(Locale.ROOT, "; CPM %.4f against %.4f (%d nodules)", a, b, nodules);
	}

	/** The file's scans in their first-seen order. */
	private static Set<String> scanUids(Path file) throws IOException {
		Set<String> uids = new LinkedHashSet<>();
		try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
				CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
			if (!parser.getHeaderNames().contains("seriesuid")) {
				throw new IllegalArgumentException(file + ": no seriesuid column (a LUNA16 candidate file has one)");
			}
			for (CSVRecord r : parser) {
				uids.add(r.get("seriesuid"));
			}
		}
		return uids;
	}

	/**
	 * The resident memory at this moment by kind (/proc/self/status: anonymous, file-backed as mapped scans would be)
	 * and the Java heap committed, to tell growth with the scans from the collector sizing its heap.
	 */
	static String residentNow() {
		java.util.Map<String, Long> kb = new java.util.HashMap<>();
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				for (String key : List.of("VmRSS", "RssAnon", "RssFile")) {
					if (line.startsWith(key + ":")) {
						kb.put(key, Long.parseLong(line.replaceAll("[^0-9]", "")));
					}
				}
			}
		} catch (IOException | NumberFormatException e) {
			return "(no /proc/self/status)";
		}
		Runtime rt = Runtime.getRuntime();
		return String.format(Locale.ROOT, "resident %,d MiB (anonymous %,d, file-backed %,d); Java heap committed %,d MiB",
				kb.getOrDefault("VmRSS", 0L) / 1024, kb.getOrDefault("RssAnon", 0L) / 1024, kb.getOrDefault("RssFile", 0L) / 1024,
				rt.totalMemory() >> 20);
	}

	/** Writes the rows of {@code file} on the given scans to {@code to}; returns how many. */
	private static int subset(Path file, Set<String> uids, Path to) throws IOException {
		int n = 0;
		try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
				CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in);
				Writer w = Files.newBufferedWriter(to, StandardCharsets.UTF_8);
				CSVPrinter printer = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(parser.getHeaderNames().toArray(String[]::new))
						.setRecordSeparator("\n").get())) {
			for (CSVRecord r : parser) {
				if (uids.contains(r.get("seriesuid"))) {
					printer.printRecord(r.values());
					n++;
				}
			}
		}
		return n;
	}
}
