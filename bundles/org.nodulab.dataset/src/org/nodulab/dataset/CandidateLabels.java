package org.nodulab.dataset;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.HitRule;

/**
 * Labels a detector's candidates by the LUNA16 hit rule ({@link HitRule}): class 1 inside an annotated
 * nodule's radius, else {@code excluded} inside a finding of {@code annotations_excluded.csv}, else
 * class 0. Counts what the candidates find: sensitivity over the annotated nodules of the scans
 * considered, and false positives per scan (excluded hits are neither, as in the LUNA16 evaluation).
 */
public final class CandidateLabels {

	/**
	 * The labelled table and its figures.
	 *
	 * @param scans the scans counted (those of the dataset's series list, else those on disk)
	 * @param nodules annotated nodules on those scans
	 * @param found nodules hit by at least one candidate
	 * @param falsePositives candidates on those scans that hit neither a nodule nor an excluded finding
	 * @param excluded candidates that hit only an excluded finding
	 * @param candidatesOffScans candidates of scans the dataset does not list (labelled, not counted)
	 */
	public record Result(CandidateTable table, int scans, int nodules, int found, int positives, int falsePositives,
			int excluded, int candidatesOffScans) {

		public double sensitivity() {
			return nodules == 0 ? Double.NaN : (double) found / nodules;
		}

		public double falsePositivesPerScan() {
			return scans == 0 ? Double.NaN : (double) falsePositives / scans;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%d candidates on %d scans: %d labelled 1 (hitting %d of %d nodules, sensitivity %.3f), %d false positives (%.1f per scan), %d on excluded findings%s",
					table.size(), scans, positives, found, nodules, sensitivity(), falsePositives, falsePositivesPerScan(), excluded,
					candidatesOffScans > 0 ? "; " + candidatesOffScans + " candidates of scans the dataset does not list" : "");
		}
	}

	private CandidateLabels() {
	}

	/**
	 * Labels every row of {@code table} against the dataset's annotations and excluded findings; the
	 * rows keep their order, coordinates, probabilities and source lines.
	 *
	 * @throws DatasetException when the dataset has no annotations to label against
	 */
	public static Result label(Luna16Dataset dataset, CandidateTable table) throws DatasetException {
		if (dataset.annotations().isEmpty()) {
			throw new DatasetException(dataset.annotationsFile(), "has no annotations: there is nothing to label "
					+ table.file() + " against (the LUNA16 hit rule needs the nodules)");
		}
		Map<String, List<Annotation>> excludedByScan = new HashMap<>();
		dataset.excluded().forEach(a -> excludedByScan.computeIfAbsent(a.seriesuid(), k -> new java.util.ArrayList<>()).add(a));
		List<String> counted = dataset.listedUids().isEmpty() ? dataset.scans().stream().map(Luna16Dataset.Scan::uid).toList()
				: dataset.listedUids();
		java.util.Set<String> countedSet = new java.util.HashSet<>(counted);
		CandidateTable.Builder b = CandidateTable.builder().withExcludedColumn();
		java.util.Set<Annotation> hit = new java.util.HashSet<>();
		int positives = 0;
		int falsePositives = 0;
		int excluded = 0;
		int off = 0;
		for (int r = 0; r < table.size(); r++) {
			String uid = table.uid(r);
			double x = table.x(r);
			double y = table.y(r);
			double z = table.z(r);
			boolean nodule = false;
			for (Annotation a : dataset.annotationsOf(uid)) {
				if (HitRule.hits(a, x, y, z)) {
					nodule = true;
					hit.add(a);
				}
			}
			boolean onExcluded = false;
			if (!nodule) {
				for (Annotation a : excludedByScan.getOrDefault(uid, List.of())) {
					onExcluded |= HitRule.hits(a, x, y, z);
				}
			}
			b.add(table, r, nodule ? 1 : 0, onExcluded);
			if (!countedSet.contains(uid)) {
				off++;
			} else if (nodule) {
				positives++;
			} else if (onExcluded) {
				excluded++;
			} else {
				falsePositives++;
			}
		}
		int nodules = 0;
		int found = 0;
		for (String uid : counted) {
			for (Annotation a : dataset.annotationsOf(uid)) {
				nodules++;
				found += hit.contains(a) ? 1 : 0;
			}
		}
		return new Result(b.build(table.file()), counted.size(), nodules, found, positives, falsePositives, excluded, off);
	}
}
