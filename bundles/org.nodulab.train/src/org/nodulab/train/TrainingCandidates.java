package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nodulab.core.experiment.DatasetSettings;
import org.nodulab.core.experiment.DatasetSettings.Positives;
import org.nodulab.dataset.CandidateLabels;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.HitRule;

/**
 * The candidates an experiment trains on, from its dataset settings: the candidate file (labelled by
 * its class column, or by the LUNA16 hit rule with {@code labels: annotations}), candidates on excluded
 * findings left out, positives from the candidates, the annotations or both, positives outside the
 * diameter range left out, and extra negatives from a second detector above a probability (those at the
 * position of a candidate of the file already there are not added twice). Rows keep the
 * candidate file as their source; annotation positives follow the file's rows in annotation order.
 */
public final class TrainingCandidates {

	/**
	 * The training table and what went into it.
	 *
	 * @param source the candidate file with its labels (every row), which predictions on the same file reuse
	 * @param files the files read besides the dataset's annotations (for provenance)
	 */
	public record Result(CandidateTable table, CandidateTable source, List<Path> files, String summary) {
	}

	private TrainingCandidates() {
	}

	/** Refusals name the settings key at fault; the message says why. */
	public static final class Refusal extends IOException {
		private static final long serialVersionUID = 1L;
		private final String key;

		Refusal(String key, String message) {
			super(message);
			this.key = key;
		}

		/** The settings key, e.g. {@code dataset.positiveDiameter}. */
		public String key() {
			return key;
		}
	}

	/** The candidate file with labels: its own, or by the hit rule when {@code labels: annotations}. */
	public static CandidateTable labelled(Luna16Dataset dataset, DatasetSettings s, String name) throws IOException {
		CandidateTable table = dataset.candidates(name);
		if (s.labels == DatasetSettings.Labels.ANNOTATIONS) {
			try {
				return CandidateLabels.label(dataset, table).table();
			} catch (org.nodulab.dataset.DatasetException x) {
				throw new Refusal("dataset.labels", x.getMessage());
			}
		}
		return table;
	}

	/**
	 * Builds the training candidates of all scans (the split picks its scans later).
	 *
	 * @throws Refusal for settings the data cannot satisfy (no labels, no annotations to label against, a
	 *             diameter range without positives)
	 */
	public static Result of(Luna16Dataset dataset, DatasetSettings s) throws IOException {
		CandidateTable source = labelled(dataset, s, s.candidates);
		if (!source.hasLabels()) {
			throw new Refusal("dataset.candidates", source.file() + " has no 'class' column: training needs labels"
					+ " (set dataset.labels: annotations to label it by the LUNA16 hit rule, or write a labelled copy with"
					+ " 'nodulab dataset label')");
		}
		List<Path> files = new ArrayList<>(List.of(source.file()));
		boolean plain = s.positives == Positives.CANDIDATES && s.positiveDiameter.all() && !s.extraNegatives.enabled()
				&& !source.hasExcluded();
		if (plain) {
			return new Result(source, source, files, "");
		}
		CandidateTable.Builder b = CandidateTable.builder();
		int left = 0;
		int excluded = 0;
		int candidatePositives = 0;
		for (int r = 0; r < source.size(); r++) {
			if (source.excluded(r)) {
				excluded++;
				continue;
			}
			if (source.label(r) == 1) {
				if (s.positives == Positives.ANNOTATIONS) {
					continue;
				}
				double d = noduleDiameter(dataset, source.uid(r), source.x(r), source.y(r), source.z(r));
				if (!s.positiveDiameter.all() && !(d >= 0 && s.positiveDiameter.contains(d))) {
					left++;
					continue;
				}
				candidatePositives++;
			}
			b.add(source, r, source.label(r), false);
		}
		int annotationPositives = 0;
		if (s.positives != Positives.CANDIDATES) {
			for (Annotation a : dataset.annotations()) {
				if (!s.positiveDiameter.all() && !s.positiveDiameter.contains(a.diameter())) {
					left++;
					continue;
				}
				b.add(a.seriesuid(), a.x(), a.y(), a.z(), Double.NaN, 1, false, 0);
				annotationPositives++;
			}
		}
		int extra = 0;
		if (s.extraNegatives.enabled()) {
			CandidateTable other = dataset.candidates(s.extraNegatives.file);
			files.add(other.file());
			if (!other.hasProbabilities()) {
				throw new Refusal("dataset.extraNegatives.file", other.file() + " has no 'probability' column: extra negatives are"
						+ " chosen above minProbability " + s.extraNegatives.minProbability);
			}
			CandidateTable labelled;
			try {
				labelled = CandidateLabels.label(dataset, other).table();
			} catch (org.nodulab.dataset.DatasetException x) {
				throw new Refusal("dataset.extraNegatives.file", x.getMessage());
			}
			java.util.Set<String> present = new java.util.HashSet<>();
			for (int r = 0; r < source.size(); r++) {
				present.add(source.uid(r) + "," + source.x(r) + "," + source.y(r) + "," + source.z(r));
			}
			for (int r = 0; r < labelled.size(); r++) {
				if (labelled.label(r) == 0 && !labelled.excluded(r) && labelled.probability(r) >= s.extraNegatives.minProbability
						&& !present.contains(labelled.uid(r) + "," + labelled.x(r) + "," + labelled.y(r) + "," + labelled.z(r))) {
					b.add(labelled.uid(r), labelled.x(r), labelled.y(r), labelled.z(r), Double.NaN, 0, false, labelled.line(r));
					extra++;
				}
			}
		}
		if (candidatePositives + annotationPositives == 0) {
			throw new Refusal(s.positiveDiameter.all() ? "dataset.positives" : "dataset.positiveDiameter",
					"no training positives are left: " + (s.positiveDiameter.all() ? "" : "nodules of " + s.positiveDiameter.min
							+ " to " + s.positiveDiameter.max + " mm; ") + left + " positives outside the range, positives from "
							+ s.positives.name().toLowerCase(Locale.ROOT) + " of " + source.file().getFileName());
		}
		String summary = String.format(Locale.ROOT,
				"training candidates: %d positives from %s, %d from annotations%s%s%s", candidatePositives,
				source.file().getFileName(), annotationPositives,
				s.positiveDiameter.all() ? "" : String.format(Locale.ROOT, " (diameter %s to %s mm; %d left out)",
						fmt(s.positiveDiameter.min), fmt(s.positiveDiameter.max), left),
				excluded > 0 ? "; " + excluded + " candidates on excluded findings left out" : "",
				s.extraNegatives.enabled() ? "; " + extra + " extra negatives from " + s.extraNegatives.file + " at probability >= "
						+ fmt(s.extraNegatives.minProbability) : "");
		return new Result(b.build(source.file()), source, files, summary);
	}

	private static String fmt(double v) {
		return org.nodulab.luna16.Formats.shortest(v);
	}

	/** The diameter of the annotated nodule a point hits (the nearest one), -1 when it hits none. */
	static double noduleDiameter(Luna16Dataset dataset, String uid, double x, double y, double z) {
		double best = Double.POSITIVE_INFINITY;
		double diameter = -1;
		for (Annotation a : dataset.annotationsOf(uid)) {
			if (HitRule.hits(a, x, y, z)) {
				double d = (a.x() - x) * (a.x() - x) + (a.y() - y) * (a.y() - y) + (a.z() - z) * (a.z() - z);
				if (d < best) {
					best = d;
					diameter = a.diameter();
				}
			}
		}
		return diameter;
	}
}
