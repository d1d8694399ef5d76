package org.nodulab.eval.froc;

import org.nodulab.luna16.Formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.luna16.Annotation;

/**
 * Writes an evaluation in the official script's files, names and number formats:
 * {@code CADAnalysis.txt}, {@code froc_<name>.txt}, {@code froc_gt_prob_vectors_<name>.csv},
 * {@code nodulesWithoutCandidate_<name>.txt}, {@code froc_<name>_bootstrapping.csv} (with a bootstrap)
 * and the plot {@code froc_<name>.png}. Every file is written atomically and none is overwritten.
 */
public final class FrocReport {

	private FrocReport() {
	}

	/** The files {@link #write} creates for this result, so callers can check for them first. */
	public static List<Path> files(FrocResult result, Path dir, boolean plot) {
		String n = result.name();
		List<Path> files = new ArrayList<>(List.of(dir.resolve("CADAnalysis.txt"), dir.resolve("froc_" + n + ".txt"),
				dir.resolve("froc_gt_prob_vectors_" + n + ".csv"), dir.resolve("nodulesWithoutCandidate_" + n + ".txt")));
		if (result.bootstrap() != null) {
			files.add(dir.resolve("froc_" + n + "_bootstrapping.csv"));
		}
		if (plot) {
			files.add(dir.resolve("froc_" + n + ".png"));
		}
		return files;
	}

	/**
	 * Writes the files into {@code dir}.
	 *
	 * @throws java.nio.file.FileAlreadyExistsException naming the first file that exists; nothing is
	 *             written then
	 */
	public static List<Path> write(FrocResult result, Path dir, boolean plot) throws IOException {
		List<Path> files = files(result, dir, plot);
		for (Path f : files) {
			if (Files.exists(f)) {
				throw new java.nio.file.FileAlreadyExistsException(f.toString(), null,
						"evaluation results are never overwritten; choose another output folder");
			}
		}
		String n = result.name();
		AtomicFiles.create(files.get(0), cadAnalysis(result));
		AtomicFiles.create(files.get(1), frocPoints(result.curve()));
		AtomicFiles.create(files.get(2), vectors(result.analysis().entries()));
		AtomicFiles.create(files.get(3), missed(result.analysis()));
		if (result.bootstrap() != null) {
			AtomicFiles.create(dir.resolve("froc_" + n + "_bootstrapping.csv"), bootstrapping(result.bootstrap()));
		}
		if (plot) {
			AtomicFiles.create(dir.resolve("froc_" + n + ".png"), out -> FrocPlot.write(result, out, 1200, 900));
		}
		return files;
	}

	static String cadAnalysis(FrocResult r) {
		FrocAnalysis a = r.analysis();
		StringBuilder b = new StringBuilder();
		b.append('\n').append("*".repeat(60)).append('\n');
		b.append("CAD Analysis: ").append(r.name()).append('\n');
		b.append("*".repeat(60)).append('\n').append('\n');
		b.append("Candidate detection results:\n");
		b.append("    True positives: ").append(a.truePositives()).append('\n');
		b.append("    False positives: ").append(a.falsePositives()).append('\n');
		b.append("    False negatives: ").append(a.falseNegatives()).append('\n');
		b.append("    True negatives: 0\n");
		b.append("    Total number of candidates: ").append(a.candidates()).append('\n');
		b.append("    Total number of nodules: ").append(a.totalNodules()).append('\n');
		b.append("    Ignored candidates on excluded nodules: ").append(a.ignoredOnExcluded()).append('\n');
		b.append("    Ignored candidates which were double detections on a nodule: ").append(a.doubleDetections())
				.append('\n');
		b.append("    Sensitivity: ").append(a.totalNodules() == 0 ? "0.0" : Formats.f9(a.sensitivity())).append('\n');
		b.append("    Average number of candidates per scan: ").append(Formats.f9(a.candidatesPerScan())).append('\n');
		return b.toString();
	}

	static String frocPoints(FrocCurve c) {
		StringBuilder b = new StringBuilder();
		double[] fps = c.fps();
		double[] sens = c.sensitivity();
		double[] thr = c.thresholds();
		for (int i = 0; i < fps.length; i++) {
			b.append(Formats.f9(fps[i])).append(',').append(Formats.f9(sens[i])).append(',').append(Formats.f9(thr[i]))
					.append('\n');
		}
		return b.toString();
	}

	static String vectors(FrocEntries e) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < e.size(); i++) {
			b.append(e.positive(i) ? 1 : 0).append(',').append(Formats.f9(e.probability(i))).append('\n');
		}
		return b.toString();
	}

	static String missed(FrocAnalysis a) {
		StringBuilder b = new StringBuilder();
		for (FrocAnalysis.NoduleResult n : a.missedNodules()) {
			Annotation x = n.nodule();
			String position = x.position() != null ? x.position()
					: Formats.shortest(x.x()) + "," + Formats.shortest(x.y()) + "," + Formats.shortest(x.z());
			b.append(x.seriesuid()).append(",None,").append(position).append(',').append(Formats.f9(x.diameter()))
					.append(",-1\n");
		}
		return b.toString();
	}

	static String bootstrapping(FrocBootstrap bs) {
		StringBuilder b = new StringBuilder(64 * FrocBootstrap.GRID_POINTS);
		b.append("FPrate,Sensivity[Mean],Sensivity[Lower bound],Sensivity[Upper bound]\n");
		double[] grid = bs.grid();
		float[] mean = bs.mean();
		float[] lower = bs.lower();
		float[] upper = bs.upper();
		for (int i = 0; i < grid.length; i++) {
			b.append(Formats.f9(grid[i])).append(',').append(Formats.f9(mean[i])).append(',')
					.append(Formats.f9(lower[i])).append(',').append(Formats.f9(upper[i])).append('\n');
		}
		return b.toString();
	}
}
