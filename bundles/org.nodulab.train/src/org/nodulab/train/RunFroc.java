package org.nodulab.train;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.nodulab.eval.froc.FrocCurve;

/**
 * The FROC curves a run wrote (its {@code froc/<name>-test/} folders, files of the official evaluation):
 * the curve, the bootstrap bands when there are any, the seven operating points and the CPM. What the
 * workbench's FROC view plots and exports.
 */
public final class RunFroc {

	/**
	 * One curve.
	 *
	 * @param name model or {@code ensemble}
	 * @param fps false positives per scan of each curve point ({@code froc_<name>.txt})
	 * @param sensitivity sensitivity of each curve point
	 * @param bandFps FP rates of the bootstrap grid (empty without bootstrap)
	 * @param bandMean mean bootstrap sensitivity
	 * @param bandLow lower bound
	 * @param bandHigh upper bound
	 * @param operatingPoints sensitivity at 1/8, 1/4, 1/2, 1, 2, 4 and 8 FPs per scan
	 * @param cpm mean of the operating points
	 * @param dir the folder read
	 */
	public record Curve(String run, String name, double[] fps, double[] sensitivity, double[] bandFps, double[] bandMean,
			double[] bandLow, double[] bandHigh, double[] operatingPoints, double cpm, Path dir) {

		/** What a legend shows: {@code run/name (CPM 0.901)}. */
		public String label() {
			return String.format(Locale.ROOT, "%s/%s (CPM %.3f)", run, name, cpm);
		}

		public boolean hasBands() {
			return bandFps.length > 0;
		}
	}

	private RunFroc() {
	}

	/** Every test FROC of a run (models and ensemble), sorted by name; empty before any was written. */
	public static List<Curve> read(Path runDir) throws IOException {
		Path froc = runDir.resolve("froc");
		List<Curve> out = new ArrayList<>();
		if (!Files.isDirectory(froc)) {
			return out;
		}
		try (Stream<Path> dirs = Files.list(froc)) {
			for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
				String folder = d.getFileName().toString();
				String name = folder.endsWith("-test") ? folder.substring(0, folder.length() - "-test".length()) : folder;
				Path curveFile = d.resolve("froc_" + name + ".txt");
				if (Files.exists(curveFile)) {
					out.add(curve(runDir.getFileName().toString(), name, d, curveFile, d.resolve("froc_" + name + "_bootstrapping.csv")));
				}
			}
		}
		return out;
	}

	/**
	 * The FROC curves in a folder: a run's test curves ({@link #read}), or the output of {@code nodulab eval} (its
	 * {@code froc_<name>.txt}, with the bootstrap bands beside it).
	 */
	public static List<Curve> readAny(Path dir) throws IOException {
		if (Files.isDirectory(dir.resolve("froc"))) {
			return read(dir);
		}
		List<Curve> out = new ArrayList<>();
		if (!Files.isDirectory(dir)) {
			return out;
		}
		try (Stream<Path> files = Files.list(dir)) {
			for (Path f : files.sorted().toList()) {
				String n = f.getFileName().toString();
				if (n.startsWith("froc_") && n.endsWith(".txt") && !n.contains("_bootstrapping")) {
					String name = n.substring("froc_".length(), n.length() - ".txt".length());
					out.add(curve(dir.getFileName().toString(), name, dir, f, dir.resolve("froc_" + name + "_bootstrapping.csv")));
				}
			}
		}
		return out;
	}

	static Curve curve(String run, String name, Path dir, Path curveFile, Path bandsFile) throws IOException {
		List<double[]> points = rows(curveFile, CSVFormat.DEFAULT, 2);
		double[] fps = column(points, 0);
		double[] sens = column(points, 1);
		double[] operating = new double[FrocCurve.CPM_RATES.length];
		double sum = 0;
		for (int i = 0; i < operating.length; i++) {
			operating[i] = fps.length == 0 ? 0 : FrocCurve.interp(FrocCurve.CPM_RATES[i], fps, sens);
			sum += operating[i];
		}
		double[][] bands = new double[4][0];
		if (Files.exists(bandsFile)) {
			List<double[]> b = rows(bandsFile, CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get(), 4);
			for (int c = 0; c < 4; c++) {
				bands[c] = column(b, c);
			}
		}
		return new Curve(run, name, fps, sens, bands[0], bands[1], bands[2], bands[3], operating, sum / operating.length, dir);
	}

	private static List<double[]> rows(Path file, CSVFormat format, int columns) throws IOException {
		List<double[]> out = new ArrayList<>();
		try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			for (CSVRecord r : format.parse(in)) {
				if (r.size() < columns) {
					throw new IOException(file + ":" + r.getRecordNumber() + ": expected " + columns + " numbers, got " + r.size() + " fields");
				}
				double[] row = new double[columns];
				for (int c = 0; c < columns; c++) {
					try {
						row[c] = Double.parseDouble(r.get(c));
					} catch (NumberFormatException e) {
						throw new IOException(file + ":" + r.getRecordNumber() + ": field " + (c + 1) + " is not a number: '" + r.get(c) + "'");
					}
				}
				out.add(row);
			}
		}
		return out;
	}

	private static double[] column(List<double[]> rows, int c) {
		double[] out = new double[rows.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = rows.get(i)[c];
		}
		return out;
	}
}
