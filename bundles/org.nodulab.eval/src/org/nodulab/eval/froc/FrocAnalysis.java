package org.nodulab.eval.froc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;

/**
 * Matches CAD marks to reference findings exactly as the official LUNA16 evaluation script does:
 * only listed scans count; at most {@code maxMarksPerScan} marks per scan (those with probability
 * strictly above the (max+1)-th largest); a mark hits a finding when its squared distance is strictly
 * below the squared radius (diameter below 0 counts as 10 mm); per scan, included nodules are
 * processed before excluded findings and every kept mark is tested against every finding; a nodule
 * hit by k marks is one true positive at the highest probability and k-1 double detections; a mark
 * inside two nodules counts for both; unclaimed marks inside excluded findings are ignored; every
 * other mark is a false positive.
 */
public final class FrocAnalysis {

	/** The probability the official script gives missed nodules. */
	public static final double MISSED = -1000000000.0;

	/** One included nodule and how it was found. */
	public record NoduleResult(Annotation nodule, int scan, boolean detected, double probability, int marks) {
	}

	private final List<String> seriesUids;
	private final FrocEntries entries;
	private final List<NoduleResult> nodules;
	private final int truePositives;
	private final int falsePositives;
	private final int falseNegatives;
	private final int candidates;
	private final int ignoredOnExcluded;
	private final int doubleDetections;
	private final int marksOnUnlistedScans;
	private final int marksDroppedByCap;
	private final List<String> warnings;

	private FrocAnalysis(Builder b) {
		this.seriesUids = List.copyOf(b.seriesUids);
		this.entries = new FrocEntries(b.scan.stream().mapToInt(Integer::intValue).toArray(), toBooleans(b.positive),
				b.probability.stream().mapToDouble(Double::doubleValue).toArray(), toBooleans(b.excluded));
		this.nodules = List.copyOf(b.nodules);
		this.truePositives = b.tp;
		this.falsePositives = b.fp;
		this.falseNegatives = b.fn;
		this.candidates = b.candidates;
		this.ignoredOnExcluded = b.ignored;
		this.doubleDetections = b.doubles;
		this.marksOnUnlistedScans = b.unlisted;
		this.marksDroppedByCap = b.dropped;
		this.warnings = List.copyOf(b.warnings);
	}

	/**
	 * @param seriesUids the evaluated scans; their number is the denominator of FPs per scan
	 * @param annotations included nodules
	 * @param excluded findings that count neither as hit nor as false positive
	 * @param marks CAD marks in file order
	 * @param maxMarksPerScan 100 in LUNA16; 0 or less for no limit
	 */
	public static FrocAnalysis analyse(List<String> seriesUids, List<Annotation> annotations, List<Annotation> excluded,
			List<Prediction> marks, int maxMarksPerScan) {
		Builder b = new Builder(seriesUids);
		Map<String, Integer> scanIndex = new HashMap<>();
		for (int i = 0; i < seriesUids.size(); i++) {
			if (scanIndex.putIfAbsent(seriesUids.get(i), i) != null) {
				throw new IllegalArgumentException("seriesuid " + seriesUids.get(i) + " is listed twice");
			}
		}
		Map<String, List<Prediction>> marksByScan = new LinkedHashMap<>();
		for (Prediction p : marks) {
			if (scanIndex.containsKey(p.seriesuid())) {
				marksByScan.computeIfAbsent(p.seriesuid(), k -> new ArrayList<>()).add(p);
			} else {
				b.unlisted++;
			}
		}
		Map<String, List<Annotation>> included = group(annotations);
		Map<String, List<Annotation>> excludedByScan = group(excluded);
		for (int s = 0; s < seriesUids.size(); s++) {
			String uid = seriesUids.get(s);
			List<Prediction> kept = cap(marksByScan.getOrDefault(uid, List.of()), maxMarksPerScan, b);
			b.candidates += kept.size();
			boolean[] claimed = new boolean[kept.size()];
			for (Annotation nodule : included.getOrDefault(uid, List.of())) {
				b.nodule(s, nodule, kept, claimed);
			}
			for (Annotation finding : excludedByScan.getOrDefault(uid, List.of())) {
				b.excludedFinding(finding, kept, claimed);
			}
			for (int j = 0; j < kept.size(); j++) {
				if (!claimed[j]) {
					b.fp++;
					b.entry(s, false, kept.get(j).probability(), false);
				}
			}
		}
		if (b.unlisted > 0) {
			b.warnings.add(b.unlisted + " mark(s) on scans that are not in the series list were ignored");
		}
		return new FrocAnalysis(b);
	}

	private static List<Prediction> cap(List<Prediction> marks, int max, Builder b) {
		if (max <= 0 || marks.size() <= max) {
			return marks;
		}
		double[] probs = marks.stream().mapToDouble(Prediction::probability).sorted().toArray();
		double threshold = probs[probs.length - 1 - max]; // the (max+1)-th largest
		List<Prediction> kept = new ArrayList<>(max);
		for (Prediction p : marks) {
			if (kept.size() >= max) {
				break;
			}
			if (p.probability() > threshold) {
				kept.add(p);
			}
		}
		b.dropped += marks.size() - kept.size();
		return kept;
	}

	private static Map<String, List<Annotation>> group(List<Annotation> annotations) {
		Map<String, List<Annotation>> map = new HashMap<>();
		for (Annotation a : annotations) {
			map.computeIfAbsent(a.seriesuid(), k -> new ArrayList<>()).add(a);
		}
		return map;
	}

	private static boolean[] toBooleans(List<Boolean> list) {
		boolean[] out = new boolean[list.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = list.get(i);
		}
		return out;
	}

	private static double radiusSquared(Annotation a) {
		return org.nodulab.luna16.HitRule.radiusSquared(a);
	}

	private static boolean hits(Annotation a, Prediction p, double radiusSquared) {
		double dx = a.x() - p.x();
		double dy = a.y() - p.y();
		double dz = a.z() - p.z();
		return dx * dx + dy * dy + dz * dz < radiusSquared;
	}

	private static final class Builder {
		final List<String> seriesUids;
		final List<Integer> scan = new ArrayList<>();
		final List<Boolean> positive = new ArrayList<>();
		final List<Double> probability = new ArrayList<>();
		final List<Boolean> excluded = new ArrayList<>();
		final List<NoduleResult> nodules = new ArrayList<>();
		final List<String> warnings = new ArrayList<>();
		int tp;
		int fp;
		int fn;
		int candidates;
		int ignored;
		int doubles;
		int unlisted;
		int dropped;

		Builder(List<String> seriesUids) {
			this.seriesUids = seriesUids;
		}

		void entry(int s, boolean pos, double p, boolean excl) {
			scan.add(s);
			positive.add(pos);
			probability.add(p);
			excluded.add(excl);
		}

		void nodule(int s, Annotation nodule, List<Prediction> kept, boolean[] claimed) {
			double r2 = radiusSquared(nodule);
			int matches = 0;
			double best = Double.NaN;
			for (int j = 0; j < kept.size(); j++) {
				Prediction mark = kept.get(j);
				if (hits(nodule, mark, r2)) {
					matches++;
					if (Double.isNaN(best) || mark.probability() > best) {
						best = mark.probability();
					}
					if (claimed[j]) {
						warnings.add("a mark on " + nodule.seriesuid() + " lies inside two nodules (overlapping annotations)");
					}
					claimed[j] = true;
				}
			}
			if (matches > 1) {
				doubles += matches - 1;
			}
			if (matches > 0) {
				tp++;
				entry(s, true, best, false);
				nodules.add(new NoduleResult(nodule, s, true, best, matches));
			} else {
				fn++;
				entry(s, true, MISSED, true);
				nodules.add(new NoduleResult(nodule, s, false, Double.NaN, 0));
			}
		}

		void excludedFinding(Annotation finding, List<Prediction> kept, boolean[] claimed) {
			double r2 = radiusSquared(finding);
			for (int j = 0; j < kept.size(); j++) {
				if (!claimed[j] && hits(finding, kept.get(j), r2)) {
					ignored++;
					claimed[j] = true;
				}
			}
		}
	}

	/**
	 * The FROC entries restricted to the nodules that pass {@code keep}: their hits are positives, their
	 * misses count in the denominator, all false positives stay; the marks on the other nodules drop out
	 * (they are neither hits nor false positives). Gives FROC curves per nodule size.
	 */
	public FrocEntries entriesFor(java.util.function.Predicate<Annotation> keep) {
		List<Integer> idx = new ArrayList<>();
		int nodule = 0;
		for (int i = 0; i < entries.size(); i++) {
			if (entries.positive(i)) {
				if (keep.test(nodules.get(nodule++).nodule())) {
					idx.add(i);
				}
			} else {
				idx.add(i);
			}
		}
		int n = idx.size();
		int[] scan = new int[n];
		boolean[] positive = new boolean[n];
		double[] probability = new double[n];
		boolean[] excl = new boolean[n];
		for (int k = 0; k < n; k++) {
			int i = idx.get(k);
			scan[k] = entries.scan(i);
			positive[k] = entries.positive(i);
			probability[k] = entries.probability(i);
			excl[k] = entries.excluded(i);
		}
		return new FrocEntries(scan, positive, probability, excl);
	}

	public List<String> seriesUids() {
		return seriesUids;
	}

	public int scans() {
		return seriesUids.size();
	}

	public FrocEntries entries() {
		return entries;
	}

	/** Every included nodule on the listed scans, in evaluation order. */
	public List<NoduleResult> nodules() {
		return nodules;
	}

	public List<NoduleResult> missedNodules() {
		return nodules.stream().filter(n -> !n.detected()).toList();
	}

	public int truePositives() {
		return truePositives;
	}

	public int falsePositives() {
		return falsePositives;
	}

	public int falseNegatives() {
		return falseNegatives;
	}

	/** Marks kept (after the per-scan cap) on listed scans. */
	public int candidates() {
		return candidates;
	}

	public int totalNodules() {
		return nodules.size();
	}

	public int ignoredOnExcluded() {
		return ignoredOnExcluded;
	}

	public int doubleDetections() {
		return doubleDetections;
	}

	public int marksOnUnlistedScans() {
		return marksOnUnlistedScans;
	}

	public int marksDroppedByCap() {
		return marksDroppedByCap;
	}

	/** Detected nodules / nodules (0 when there are no nodules). */
	public double sensitivity() {
		return nodules.isEmpty() ? 0 : (double) truePositives / nodules.size();
	}

	public double candidatesPerScan() {
		return (double) candidates / seriesUids.size();
	}

	/** Things the official script would print or silently accept (unlisted scans, overlapping nodules). */
	public List<String> warnings() {
		return warnings;
	}
}
