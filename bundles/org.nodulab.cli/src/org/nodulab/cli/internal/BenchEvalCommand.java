package org.nodulab.cli.internal;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.nodulab.luna16.Annotation;
import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.eval.froc.Luna16Evaluation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nodulab bench eval}: the full-scale LUNA16 evaluation (888 scans, the real annotation files,
 * ~80,000 synthetic marks, 1000 bootstraps) from files to files, timed.
 */
@Command(name = "eval", description = {
		"Times a full-scale LUNA16 evaluation: the real annotations, excluded findings and 888 scans, ~80,000 seeded synthetic marks (hits near most nodules, false positives elsewhere), 1000 bootstrap resamples, every official file and the plot.",
		"The official script needs about 90 s for this on a 2-core machine." })
public final class BenchEvalCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = "--luna16", paramLabel = "DIR", description = "Folder with annotations.csv, annotations_excluded.csv, seriesuids.csv (default: ${DEFAULT-VALUE}).", defaultValue = "../shared/data/luna16")
	Path luna16;

	@Option(names = "--marks", description = "Synthetic CAD marks (default: ${DEFAULT-VALUE}).", defaultValue = "80000")
	int marks;

	@Option(names = "--bootstrap", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).", defaultValue = "1000")
	int bootstrap;

	@Option(names = "--repeat", description = "Timed repetitions after one warm-up (default: ${DEFAULT-VALUE}).", defaultValue = "3")
	int repeat;

	@Option(names = "--seed", description = "Seed of the synthetic marks (default: ${DEFAULT-VALUE}).", defaultValue = "1")
	long seed;

	@Option(names = "--work", paramLabel = "DIR", description = "Scratch folder (default: a new temporary folder).")
	Path work;

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		Path annotations = luna16.resolve("annotations.csv");
		Path excluded = luna16.resolve("annotations_excluded.csv");
		Path uids = luna16.resolve("seriesuids.csv");
		Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("nodulab-bench-eval");
		Path results = dir.resolve("bench_marks.csv");
		if (!Files.exists(results)) {
			writeMarks(results, Luna16Csv.readSeriesUids(uids), Luna16Csv.readAnnotations(annotations));
		}
		out.printf(Locale.ROOT, "bench eval: %s, %d marks, %d bootstraps, Java %s, %d cores%n", luna16, marks, bootstrap,
				System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
		double[] seconds = new double[repeat];
		FrocResult result = null;
		for (int run = -1; run < repeat; run++) {
			Path outDir = dir.resolve("run" + (run + 1));
			long t0 = System.nanoTime();
			result = Luna16Evaluation.evaluate(annotations, excluded, uids, results,
					Luna16Evaluation.Options.of("bench").withBootstrap(bootstrap, 12345));
			long t1 = System.nanoTime();
			FrocReport.write(result, outDir, true);
			long t2 = System.nanoTime();
			if (run >= 0) {
				seconds[run] = (t2 - t0) / 1e9;
				out.printf(Locale.ROOT, "  run %d: %.2f s (read, match, FROC, bootstrap %.2f s; files and plot %.2f s)%n",
						run + 1, seconds[run], (t1 - t0) / 1e9, (t2 - t1) / 1e9);
			}
		}
		Arrays.sort(seconds);
		out.printf(Locale.ROOT, "  CPM %.4f over %d scans and %d nodules; best %.2f s, median %.2f s (target: 3 s or less)%n",
				result.cpm(), result.analysis().scans(), result.analysis().totalNodules(), seconds[0],
				seconds[seconds.length / 2]);
		out.println("  files in " + dir);
		return 0;
	}

	/** Seeded marks: a hit near 90% of the nodules, the rest false positives spread over the chest. */
	private void writeMarks(Path file, List<String> uids, List<Annotation> annotations) throws Exception {
		SplittableRandom random = new SplittableRandom(seed);
		Map<String, List<Annotation>> byScan = new HashMap<>();
		annotations.forEach(a -> byScan.computeIfAbsent(a.seriesuid(), k -> new ArrayList<>()).add(a));
		int perScan = Math.max(1, marks / uids.size());
		try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			w.write("seriesuid,coordX,coordY,coordZ,probability\n");
			int written = 0;
			for (int s = 0; s < uids.size(); s++) {
				String uid = uids.get(s);
				int n = s == uids.size() - 1 ? marks - written : perScan;
				for (Annotation a : byScan.getOrDefault(uid, List.of())) {
					if (n > 0 && random.nextDouble() < 0.9) {
						double r = a.diameter() / 2 * 0.8 * random.nextDouble();
						w.write(String.format(Locale.ROOT, "%s,%.3f,%.3f,%.3f,%.4f%n", uid, a.x() + r * 0.6, a.y() - r * 0.6,
								a.z() + r * 0.5, 0.3 + 0.7 * random.nextDouble()));
						n--;
						written++;
					}
				}
				for (int i = 0; i < n; i++) {
					double p = random.nextDouble();
					w.write(String.format(Locale.ROOT, "%s,%.3f,%.3f,%.3f,%.4f%n", uid, random.nextDouble(-180, 180),
							random.nextDouble(-250, 100), random.nextDouble(-350, 0), p * p * p));
					written++;
				}
			}
		}
	}
}
