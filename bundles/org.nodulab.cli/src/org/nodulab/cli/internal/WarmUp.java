package org.nodulab.cli.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a fresh resident process runs once, in the background, so that the first commands sent to it find their
 * classes loaded and their hot loops compiled, as they are after a few runs: the default compute backend's native
 * libraries (for {@code predict}), the command tree, a listing, and two evaluations of a generated case (200 scans, 20,000 marks, 1000 bootstraps: the FROC, the bootstrap and the plot of
 * {@code nodulab eval}). Its files live in a temporary folder that is removed after it; nothing it prints is kept.
 */
final class WarmUp {

	private static final int EVALUATIONS = 2;

	private WarmUp() {
	}

	/** Runs the warm-up; returns its seconds. */
	static double run(Services services) throws IOException {
		long start = System.nanoTime();
		// prediction runs here too: the default backend's native libraries load beside the rest of the warm-up
		org.nodulab.nn.ComputeBackend.prepareInBackground(services.get(org.nodulab.train.RunServices.class).backend(null));
		Path dir = Files.createTempDirectory("nodulab-daemon-warm-up-");
		try (PrintStream none = new PrintStream(OutputStream.nullOutputStream())) {
			NodulabCommand.run(services, new String[] { "--help" }, none, none);
			NodulabCommand.run(services, new String[] { "list", "architectures" }, none, none);
			writeCase(dir);
			for (int i = 0; i < EVALUATIONS; i++) { // the JIT's last tier arrives during the second
				NodulabCommand.run(services, new String[] { "eval", dir.resolve("annotations.csv").toString(),
						dir.resolve("annotations_excluded.csv").toString(), dir.resolve("seriesuids.csv").toString(),
						dir.resolve("marks.csv").toString(), dir.resolve("out-" + i).toString(), "--seed", "1" }, none, none);
			}
		} finally {
			try (var walk = Files.walk(dir)) {
				for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
		}
		return (System.nanoTime() - start) / 1e9;
	}

	/** A LUNA16-shaped case: two nodules per scan, marks near some of them and scattered elsewhere. */
	private static void writeCase(Path dir) throws IOException {
		SplittableRandom random = new SplittableRandom(1);
		int scans = 200;
		StringBuilder uids = new StringBuilder();
		StringBuilder annotations = new StringBuilder("seriesuid,coordX,coordY,coordZ,diameter_mm\n");
		StringBuilder excluded = new StringBuilder("seriesuid,coordX,coordY,coordZ,diameter_mm\n");
		StringBuilder marks = new StringBuilder("seriesuid,coordX,coordY,coordZ,probability\n");
		for (int s = 0; s < scans; s++) {
			String uid = "1.3.6.1.4.1.99999.9." + s;
			uids.append(uid).append('\n');
			for (int n = 0; n < 2; n++) {
				double x = random.nextDouble(-150, 150), y = random.nextDouble(-150, 150), z = random.nextDouble(-300, 0);
				annotations.append(String.format(Locale.ROOT, "%s,%.2f,%.2f,%.2f,%.2f%n", uid, x, y, z, random.nextDouble(4, 30)));
				if (random.nextBoolean()) {
					marks.append(String.format(Locale.ROOT, "%s,%.2f,%.2f,%.2f,%.4f%n", uid, x + 1, y - 1, z, random.nextDouble(0.3, 1)));
				}
			}
			excluded.append(String.format(Locale.ROOT, "%s,%.2f,%.2f,%.2f,-1%n", uid, random.nextDouble(-150, 150),
					random.nextDouble(-150, 150), random.nextDouble(-300, 0)));
			for (int m = 0; m < 100; m++) {
				marks.append(String.format(Locale.ROOT, "%s,%.2f,%.2f,%.2f,%.4f%n", uid, random.nextDouble(-150, 150),
						random.nextDouble(-150, 150), random.nextDouble(-300, 0), random.nextDouble()));
			}
		}
		Files.writeString(dir.resolve("seriesuids.csv"), uids);
		Files.writeString(dir.resolve("annotations.csv"), annotations);
		Files.writeString(dir.resolve("annotations_excluded.csv"), excluded);
		Files.writeString(dir.resolve("marks.csv"), marks);
	}
}
