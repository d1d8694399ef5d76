package org.nodulab.cli.internal;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.nodulab.dataset.CandidateTable;
import org.nodulab.luna16.Luna16Csv;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab bench candidates}: streaming a candidates_V2-sized file. */
@Command(name = "candidates", description = "Times reading a candidate file of candidates_V2.csv's size (754,975 rows over LUNA16's 888 seriesuids, seeded positions, class 0/1) and prints the memory the table keeps and the peak heap while reading. Target: a few hundred MB at most.")
public final class BenchCandidatesCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = "--rows", description = "Rows (default: ${DEFAULT-VALUE}, as candidates_V2.csv).", defaultValue = "754975")
	int rows;

	@Option(names = "--seriesuids", paramLabel = "FILE", description = "Scan list to draw seriesuids from (default: ${DEFAULT-VALUE}; synthetic ones when missing).", defaultValue = "../shared/data/luna16/seriesuids.csv")
	Path seriesUids;

	@Option(names = "--work", paramLabel = "DIR", description = "Scratch folder (default: a new temporary folder).")
	Path work;

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("nodulab-bench-candidates");
		Path file = dir.resolve("candidates_" + rows + ".csv");
		List<String> uids = Files.exists(seriesUids) ? Luna16Csv.readSeriesUids(seriesUids) : synthetic(888);
		if (!Files.exists(file)) {
			write(file, uids);
		}
		out.printf(Locale.ROOT, "bench candidates: %s (%d rows, %d MB), %d seriesuids; Java %s, max heap %d MiB%n", file, rows,
				Files.size(file) >> 20, uids.size(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
		CandidateTable table = null;
		for (int run = 0; run < 3; run++) {
			table = null;
			System.gc();
			long before = heapUsed();
			ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
			long t0 = System.nanoTime();
			table = CandidateTable.read(file, null, null);
			double seconds = (System.nanoTime() - t0) / 1e9;
			long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
					.mapToLong(p -> p.getPeakUsage().getUsed()).sum();
			System.gc();
			long kept = heapUsed() - before;
			out.printf(Locale.ROOT, "  run %d: %.2f s (%.0f rows/s); the table keeps %d MiB; peak heap while reading %d MiB (pools summed)%n",
					run + 1, seconds, rows / seconds, kept >> 20, peak >> 20);
		}
		out.printf(Locale.ROOT, "  %d rows, %d scans, %d labelled 1; target: a few hundred MB at most%n", table.size(),
				table.scans().size(), table.positives());
		return 0;
	}

	private static long heapUsed() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private static List<String> synthetic(int n) {
		List<String> uids = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			uids.add("1.3.6.1.4.1.14519.5.2.1.6279.6001." + (100000000000000000L + i * 7919L));
		}
		return uids;
	}

	private void write(Path file, List<String> uids) throws Exception {
		SplittableRandom random = new SplittableRandom(5);
		try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			w.write("seriesuid,coordX,coordY,coordZ,class\n");
			for (int i = 0; i < rows; i++) {
				w.write(String.format(Locale.ROOT, "%s,%.2f,%.2f,%.2f,%d%n", uids.get(i * uids.size() / rows),
						random.nextDouble(-180, 180), random.nextDouble(-250, 100), random.nextDouble(-350, 0),
						random.nextInt(500) == 0 ? 1 : 0));
			}
		}
	}
}
