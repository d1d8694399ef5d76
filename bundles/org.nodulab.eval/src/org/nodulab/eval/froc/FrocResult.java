package org.nodulab.eval.froc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A complete LUNA16 evaluation: the matching, the FROC curve, the CPM and, when asked for, the
 * bootstrap bands and a bootstrap interval of the CPM.
 */
public final class FrocResult {

	private final String name;
	private final FrocAnalysis analysis;
	private final FrocCurve curve;
	private final FrocBootstrap bootstrap;
	private final double[] cpmResamples;
	private final double confidence;

	FrocResult(String name, FrocAnalysis analysis, FrocCurve curve, FrocBootstrap bootstrap, double[] cpmResamples,
			double confidence) {
		this.name = name;
		this.analysis = analysis;
		this.curve = curve;
		this.bootstrap = bootstrap;
		this.cpmResamples = cpmResamples;
		this.confidence = confidence;
	}

	/** Confidence level of the bootstrap bands and interval. */
	public double confidence() {
		return confidence;
	}

	/** Name used in file names ({@code froc_<name>.txt}) and on the plot. */
	public String name() {
		return name;
	}

	public FrocAnalysis analysis() {
		return analysis;
	}

	public FrocCurve curve() {
		return curve;
	}

	/** The bootstrap, or null when none was run. */
	public FrocBootstrap bootstrap() {
		return bootstrap;
	}

	/** The CPM; 0 when there are no nodules or no marks. */
	public double cpm() {
		double cpm = curve.cpm();
		return Double.isNaN(cpm) ? 0 : cpm;
	}

	public double[] sensitivities() {
		double[] s = curve.cpmSensitivities();
		for (int i = 0; i < s.length; i++) {
			if (Double.isNaN(s[i])) {
				s[i] = 0;
			}
		}
		return s;
	}

	/**
	 * The bootstrap interval of the CPM ({@code [lower, upper]} at the confidence level), from the
	 * resamples whose CPM is defined; null without bootstrap.
	 */
	public double[] cpmInterval() {
		if (cpmResamples == null) {
			return null;
		}
		double[] defined = Arrays.stream(cpmResamples).filter(Double::isFinite).sorted().toArray();
		if (defined.length == 0) {
			return new double[] { Double.NaN, Double.NaN };
		}
		double pz = (1.0 - confidence) / 2.0;
		return new double[] { defined[(int) Math.floor(pz * defined.length)],
				defined[Math.min(defined.length - 1, (int) Math.floor((1.0 - pz) * defined.length))] };
	}

	/**
	 * The CPM of each bootstrap resample, in resample order (NaN where undefined); null without bootstrap. Two results
	 * over the same scans with the same resamples give a paired bootstrap of their difference.
	 */
	public double[] cpmResamples() {
		return cpmResamples == null ? null : cpmResamples.clone();
	}

	/** Resamples without a detected nodule (their CPM is undefined). */
	public long undefinedResamples() {
		return cpmResamples == null ? 0 : Arrays.stream(cpmResamples).filter(v -> !Double.isFinite(v)).count();
	}

	/** Named metrics: cpm, sensitivity@0.125 .. sensitivity@8, tp, fp, fn, nodules, candidates, ... */
	public Map<String, Double> metrics() {
		Map<String, Double> m = new LinkedHashMap<>();
		m.put("cpm", cpm());
		double[] s = sensitivities();
		for (int i = 0; i < s.length; i++) {
			m.put("sensitivity@" + rate(FrocCurve.CPM_RATES[i]), s[i]);
		}
		double[] ci = cpmInterval();
		if (ci != null) {
			m.put("cpm.lower", ci[0]);
			m.put("cpm.upper", ci[1]);
		}
		m.put("tp", (double) analysis.truePositives());
		m.put("fp", (double) analysis.falsePositives());
		m.put("fn", (double) analysis.falseNegatives());
		m.put("nodules", (double) analysis.totalNodules());
		m.put("candidates", (double) analysis.candidates());
		m.put("detection.sensitivity", analysis.sensitivity());
		m.put("candidates.per.scan", analysis.candidatesPerScan());
		return m;
	}

	/** "0.125", "1", "8". */
	public static String rate(double rate) {
		return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
	}

	/** Human-readable summary: the seven sensitivities, the CPM (with its interval) and the counts. */
	public String summary() {
		List<String> lines = new ArrayList<>();
		lines.add("FROC " + name + ": " + analysis.scans() + " scans, " + analysis.totalNodules() + " nodules, "
				+ analysis.candidates() + " marks");
		double[] s = sensitivities();
		for (int i = 0; i < s.length; i++) {
			lines.add(String.format(Locale.ROOT, "  sensitivity at %5s FP/scan: %.4f", rate(FrocCurve.CPM_RATES[i]), s[i]));
		}
		double[] ci = cpmInterval();
		lines.add(String.format(Locale.ROOT, "  CPM: %.4f%s", cpm(), ci == null ? ""
				: String.format(Locale.ROOT, " (%.0f%% bootstrap interval %.4f-%.4f over %d resamples%s)", confidence * 100,
						ci[0], ci[1], bootstrap.resampleCount(),
						undefinedResamples() > 0 ? ", " + undefinedResamples() + " without a detected nodule" : "")));
		lines.add(String.format(Locale.ROOT, "  TP %d, FP %d, FN %d, ignored on excluded %d, double detections %d",
				analysis.truePositives(), analysis.falsePositives(), analysis.falseNegatives(),
				analysis.ignoredOnExcluded(), analysis.doubleDetections()));
		analysis.warnings().forEach(w -> lines.add("  warning: " + w));
		return String.join("\n", lines);
	}
}
