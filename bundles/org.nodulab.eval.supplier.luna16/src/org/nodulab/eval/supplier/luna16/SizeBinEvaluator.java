package org.nodulab.eval.supplier.luna16;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nodulab.eval.EvaluationInput;
import org.nodulab.eval.EvaluationResult;
import org.nodulab.eval.Evaluator;
import org.nodulab.eval.froc.FrocAnalysis;
import org.nodulab.eval.froc.FrocCurve;
import org.nodulab.eval.froc.FrocResult;

/**
 * FROC per nodule size: for each diameter bin, the nodules of that bin are the positives and every
 * false-positive mark stays a false positive; marks on nodules of other bins are neither. Writes
 * {@code froc_by_size_<name>.csv}.
 */
public class SizeBinEvaluator implements Evaluator<SizeBinSettings> {

	/** One bin's figures. */
	public record Bin(double from, double to, int nodules, int detected, double[] sensitivities, double cpm) {

		public String label() {
			return fmt(from) + "-" + fmt(to) + " mm";
		}

		private static String fmt(double v) {
			return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
		}
	}

	/** The bins of an analysis. */
	public static List<Bin> bins(FrocAnalysis analysis, List<Double> edges) {
		return java.util.stream.IntStream.range(0, edges.size() - 1).mapToObj(i -> {
			double from = edges.get(i);
			double to = edges.get(i + 1);
			var inBin = analysis.nodules().stream().filter(n -> n.nodule().diameter() >= from && n.nodule().diameter() < to)
					.toList();
			FrocCurve curve = FrocCurve.of(analysis.entriesFor(a -> a.diameter() >= from && a.diameter() < to),
					analysis.scans());
			double[] s = curve.cpmSensitivities();
			double cpm = 0;
			for (int k = 0; k < s.length; k++) {
				if (Double.isNaN(s[k])) {
					s[k] = 0;
				}
				cpm += s[k];
			}
			return new Bin(from, to, inBin.size(), (int) inBin.stream().filter(FrocAnalysis.NoduleResult::detected).count(),
					s, inBin.isEmpty() ? Double.NaN : cpm / s.length);
		}).toList();
	}

	@Override
	public EvaluationResult evaluate(EvaluationInput input, SizeBinSettings s) throws IOException {
		FrocAnalysis analysis = FrocAnalysis.analyse(input.seriesuids(), input.annotations(), input.excluded(),
				input.predictions(), s.maxMarksPerScan);
		List<Bin> bins = bins(analysis, s.edges);
		Map<String, Double> metrics = new LinkedHashMap<>();
		StringBuilder csv = new StringBuilder("bin,nodules,detected");
		for (double r : FrocCurve.CPM_RATES) {
			csv.append(",sensitivity@").append(FrocResult.rate(r));
		}
		csv.append(",cpm\n");
		for (Bin b : bins) {
			metrics.put("cpm[" + b.label() + "]", b.cpm());
			metrics.put("nodules[" + b.label() + "]", (double) b.nodules());
			csv.append(b.label()).append(',').append(b.nodules()).append(',').append(b.detected());
			for (double v : b.sensitivities()) {
				csv.append(String.format(Locale.ROOT, ",%.6f", v));
			}
			csv.append(String.format(Locale.ROOT, ",%.6f%n", b.cpm()));
		}
		List<Path> files = input.write("froc_by_size_" + input.name() + ".csv", csv).stream().toList();
		return new EvaluationResult("froc-by-size", metrics, files);
	}
}
