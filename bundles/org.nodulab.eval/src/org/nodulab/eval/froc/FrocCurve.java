package org.nodulab.eval.froc;

import java.util.Arrays;

/**
 * A FROC curve computed as the official LUNA16 script computes it: scikit-learn's {@code roc_curve}
 * (version 1.2: ties grouped, {@code drop_intermediate} on, a first point at threshold + 1) over the
 * marks that are not missed nodules, then FPs per scan {@code = fpr * (candidates - detected) / scans}
 * and sensitivity {@code = tpr * detected / nodules}. Points are read off with {@code numpy.interp}
 * semantics (at a vertical jump the upper value).
 */
public final class FrocCurve {

	/** The FP rates of the CPM: 1/8, 1/4, 1/2, 1, 2, 4 and 8 false positives per scan. */
	public static final double[] CPM_RATES = { 0.125, 0.25, 0.5, 1, 2, 4, 8 };

	private final double[] fps;
	private final double[] sensitivity;
	private final double[] thresholds;

	FrocCurve(double[] fps, double[] sensitivity, double[] thresholds) {
		this.fps = fps;
		this.sensitivity = sensitivity;
		this.thresholds = thresholds;
	}

	/** The curve of all entries (each scan once). */
	public static FrocCurve of(FrocEntries entries, int scans) {
		return new Sorted(entries).curve(null, scans);
	}

	/** False positives per scan at each point. */
	public double[] fps() {
		return fps.clone();
	}

	public double[] sensitivity() {
		return sensitivity.clone();
	}

	public double[] thresholds() {
		return thresholds.clone();
	}

	public int size() {
		return fps.length;
	}

	/** Sensitivity at an FP rate, {@code numpy.interp(rate, fps, sensitivity)}. */
	public double sensitivityAt(double rate) {
		return interp(rate, fps, sensitivity);
	}

	/** Sensitivities at the seven CPM rates. */
	public double[] cpmSensitivities() {
		double[] s = new double[CPM_RATES.length];
		for (int i = 0; i < s.length; i++) {
			s[i] = sensitivityAt(CPM_RATES[i]);
		}
		return s;
	}

	/** The competition performance metric: the mean sensitivity at the seven rates. */
	public double cpm() {
		double sum = 0;
		for (double s : cpmSensitivities()) {
			sum += s;
		}
		return sum / CPM_RATES.length;
	}

	/**
	 * {@code numpy.interp(x, xp, fp)} for non-decreasing {@code xp}: the last index j with
	 * {@code xp[j] <= x}; exact points and the right end return {@code fp[j]}, otherwise the line to
	 * {@code j+1}; outside the range the end values.
	 */
	public static double interp(double x, double[] xp, double[] fp) {
		int n = xp.length;
		if (Double.isNaN(x)) {
			return x;
		}
		if (x > xp[n - 1]) {
			return fp[n - 1];
		}
		if (x < xp[0]) {
			return fp[0];
		}
		int lo = 0;
		int hi = n;
		while (lo < hi) { // first index with xp > x
			int mid = (lo + hi) >>> 1;
			if (x >= xp[mid]) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		return between(x, lo - 1, xp, fp);
	}

	/**
	 * {@link #interp} at each of the ascending points {@code xs}, into {@code out}: the same values, found by one walk
	 * along {@code xp} instead of a binary search per point (the bootstrap reads 10,000 grid points off each of its
	 * resamples' curves). Falls back to {@link #interp} point by point where {@code xs} is not ascending or
	 * {@code xp} holds NaN.
	 */
	public static void interpAscending(double[] xs, double[] xp, double[] fp, double[] out) {
		int n = xp.length;
		boolean walk = n > 0;
		for (int i = 0; i < n && walk; i++) {
			walk = !Double.isNaN(xp[i]) && (i == 0 || xp[i] >= xp[i - 1]);
		}
		for (int i = 1; i < xs.length && walk; i++) {
			walk = xs[i] >= xs[i - 1];
		}
		if (!walk || Double.isNaN(xs[0])) {
			for (int i = 0; i < xs.length; i++) {
				out[i] = interp(xs[i], xp, fp);
			}
			return;
		}
		int j = 0; // the last index with xp[j] <= x, never moving back as x grows
		for (int i = 0; i < xs.length; i++) {
			double x = xs[i];
			if (x > xp[n - 1]) {
				out[i] = fp[n - 1];
				continue;
			}
			if (x < xp[0]) {
				out[i] = fp[0];
				continue;
			}
			while (j + 1 < n && xp[j + 1] <= x) {
				j++;
			}
			out[i] = between(x, j, xp, fp);
		}
	}

	/** numpy's value at {@code x} given {@code xp[j] <= x < xp[j + 1]} (or {@code j} the last index). */
	private static double between(double x, int j, double[] xp, double[] fp) {
		int n = xp.length;
		if (j == n - 1 || xp[j] == x) {
			return fp[j];
		}
		double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
		double y = slope * (x - xp[j]) + fp[j];
		if (Double.isNaN(y)) {
			y = slope * (x - xp[j + 1]) + fp[j + 1];
			if (Double.isNaN(y) && fp[j] == fp[j + 1]) {
				y = fp[j];
			}
		}
		return y;
	}

	/** The false positives per scan without a copy, for this package's loops. */
	double[] fpsView() {
		return fps;
	}

	/** The sensitivities without a copy, for this package's loops. */
	double[] sensitivityView() {
		return sensitivity;
	}

	/**
	 * The entries sorted once by probability (descending) and grouped by equal probability, so curves of
	 * many bootstrap resamples cost one pass each.
	 */
	static final class Sorted {
		/** Per distinct probability (descending): the probability, per scan counts of positives and negatives. */
		final double[] groupProbability;
		final int[] groupStart;
		final int[] entryScan;
		final boolean[] entryPositive;
		/** Per scan: positives (incl. missed), positives in the ROC, entries in the ROC, all entries. */
		final int[] scanPositives;
		final int[] scanDetected;
		final int[] scanLocal;
		final int[] scanAll;

		Sorted(FrocEntries e) {
			int scans = 0;
			for (int i = 0; i < e.size(); i++) {
				scans = Math.max(scans, e.scan(i) + 1);
			}
			scanPositives = new int[scans];
			scanDetected = new int[scans];
			scanLocal = new int[scans];
			scanAll = new int[scans];
			int local = 0;
			for (int i = 0; i < e.size(); i++) {
				int s = e.scan(i);
				scanAll[s]++;
				if (e.positive(i)) {
					scanPositives[s]++;
				}
				if (!e.excluded(i)) {
					local++;
					scanLocal[s]++;
					if (e.positive(i)) {
						scanDetected[s]++;
					}
				}
			}
			Integer[] order = new Integer[local];
			int k = 0;
			for (int i = 0; i < e.size(); i++) {
				if (!e.excluded(i)) {
					order[k++] = i;
				}
			}
			Arrays.sort(order, (a, b) -> Double.compare(e.probability(b), e.probability(a)));
			entryScan = new int[local];
			entryPositive = new boolean[local];
			int[] starts = new int[local + 1];
			double[] probs = new double[local];
			int groups = 0;
			for (int i = 0; i < local; i++) {
				int idx = order[i];
				entryScan[i] = e.scan(idx);
				entryPositive[i] = e.positive(idx);
				double p = e.probability(idx);
				if (i == 0 || p != probs[groups - 1]) {
					probs[groups] = p;
					starts[groups] = i;
					groups++;
				}
			}
			starts[groups] = local;
			groupProbability = Arrays.copyOf(probs, groups);
			groupStart = Arrays.copyOf(starts, groups + 1);
		}

		/**
		 * The curve with each scan weighted by {@code weight[scan]} (its multiplicity in a bootstrap
		 * resample), or each once when {@code weight} is null.
		 */
		FrocCurve curve(int[] weight, int scans) {
			return curve(weight, scans, new Scratch(groupProbability.length));
		}

		/** Work arrays of one thread, reused from curve to curve (a bootstrap would otherwise allocate gigabytes). */
		static final class Scratch {
			final long[] tps;
			final long[] fpsCount;
			final double[] thr;
			final int[] keep;

			Scratch(int groups) {
				tps = new long[groups];
				fpsCount = new long[groups];
				thr = new double[groups];
				keep = new int[groups];
			}
		}

		/** {@link #curve(int[], int)} in the given work arrays (made for this curve's groups). */
		FrocCurve curve(int[] weight, int scans, Scratch scratch) {
			long positives = 0;
			long detected = 0;
			long localCount = 0;
			long all = 0;
			for (int s = 0; s < scanAll.length; s++) {
				long w = weight == null ? 1 : weight[s];
				positives += w * scanPositives[s];
				detected += w * scanDetected[s];
				localCount += w * scanLocal[s];
				all += w * scanAll[s];
			}
			int groups = groupProbability.length;
			// cumulative true and false positives at each distinct threshold (roc_curve before dropping)
			long[] tps = scratch.tps;
			long[] fpsCount = scratch.fpsCount;
			double[] thr = scratch.thr;
			long tp = 0;
			long fp = 0;
			int used = 0;
			for (int g = 0; g < groups; g++) {
				long count = 0;
				for (int i = groupStart[g]; i < groupStart[g + 1]; i++) {
					long w = weight == null ? 1 : weight[entryScan[i]];
					count += w;
					if (entryPositive[i]) {
						tp += w;
					} else {
						fp += w;
					}
				}
				if (count == 0) {
					continue; // only marks of scans the resample did not draw: no such threshold in it
				}
				tps[used] = tp;
				fpsCount[used] = fp;
				thr[used] = groupProbability[g];
				used++;
			}
			// drop_intermediate: keep the ends and every point where the curve changes direction
			int[] keep = scratch.keep;
			int kept = 0;
			for (int i = 0; i < used; i++) {
				if (used <= 2 || i == 0 || i == used - 1
						|| (fpsCount[i + 1] - fpsCount[i]) - (fpsCount[i] - fpsCount[i - 1]) != 0
						|| (tps[i + 1] - tps[i]) - (tps[i] - tps[i - 1]) != 0) {
					keep[kept++] = i;
				}
			}
			int n = kept + 1;
			double[] fpsOut = new double[n];
			double[] sensOut = new double[n];
			double[] thrOut = new double[n];
			long lastTp = kept == 0 ? 0 : tps[keep[kept - 1]];
			long lastFp = kept == 0 ? 0 : fpsCount[keep[kept - 1]];
			thrOut[0] = kept == 0 ? Double.NaN : thr[keep[0]] + 1;
			boolean allPositive = positives == all;
			for (int i = 0; i < n; i++) {
				long t = i == 0 ? 0 : tps[keep[i - 1]];
				long f = i == 0 ? 0 : fpsCount[keep[i - 1]];
				if (i > 0) {
					thrOut[i] = thr[keep[i - 1]];
				}
				double fpr = lastFp > 0 ? (double) f / lastFp : Double.NaN;
				double tpr = lastTp > 0 ? (double) t / lastTp : Double.NaN;
				fpsOut[i] = allPositive ? 0.0 : fpr * (localCount - detected) / scans;
				sensOut[i] = tpr * detected / positives;
			}
			return new FrocCurve(fpsOut, sensOut, thrOut);
		}
	}
}
