package org.nodulab.eval.ensemble;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.eval.froc.Luna16Reference;

/**
 * Ensembles of prediction sets: aligning members over the same candidates, merging disjoint test
 * folds, and choosing weights by grid search on validation predictions, never on the scans being
 * evaluated (unless the run is explicitly marked exploratory).
 */
public final class Ensembles {

	private Ensembles() {
	}

	/** One member: where its predictions came from, and the predictions. */
	public record Member(String source, List<Prediction> predictions) {
	}

	/** Members aligned over the same candidates: the candidates (first member's order) and each member's scores. */
	public record Aligned(List<Prediction> candidates, List<double[]> scores) {
	}

	/** How members' scores are combined with weights: the installed 'weighted' combiner, reached through its registry. */
	@FunctionalInterface
	public interface WeightedCombination {
		double[] combine(List<double[]> scores, double[] weights) throws Exception;
	}

	/** Weights chosen by grid search and the validation CPM they reach. */
	public record Search(double[] weights, double cpm, int combinations, boolean exploratory, Set<String> sharedScans) {
	}

	/** Thrown when weights would be searched on the scans that are evaluated. */
	public static final class LeakageException extends IllegalArgumentException {
		private static final long serialVersionUID = 1L;

		public LeakageException(String message) {
			super(message);
		}
	}

	private static String key(Prediction p) {
		return p.seriesuid() + "," + p.x() + "," + p.y() + "," + p.z();
	}

	/**
	 * Aligns members that score the same candidates (same seriesuid and position), in any order.
	 *
	 * @throws IllegalArgumentException naming the member and a candidate that is missing or extra
	 */
	public static Aligned align(List<Member> members) {
		if (members.isEmpty()) {
			throw new IllegalArgumentException("an ensemble needs at least one member");
		}
		List<Prediction> candidates = members.get(0).predictions();
		Map<String, Integer> index = new HashMap<>();
		for (int i = 0; i < candidates.size(); i++) {
			index.put(key(candidates.get(i)), i);
		}
		List<double[]> scores = new ArrayList<>();
		for (Member m : members) {
			double[] s = new double[candidates.size()];
			boolean[] seen = new boolean[candidates.size()];
			for (Prediction p : m.predictions()) {
				Integer i = index.get(key(p));
				if (i == null) {
					throw new IllegalArgumentException(m.source() + " scores a candidate the other members do not: "
							+ p.seriesuid() + " at " + p.x() + "," + p.y() + "," + p.z() + " (" + members.get(0).source()
							+ " has none there); all members must score the same candidates");
				}
				s[i] = p.probability();
				seen[i] = true;
			}
			for (int i = 0; i < seen.length; i++) {
				if (!seen[i]) {
					Prediction p = candidates.get(i);
					throw new IllegalArgumentException(m.source() + " has no score for the candidate " + p.seriesuid()
							+ " at " + p.x() + "," + p.y() + "," + p.z() + " that " + members.get(0).source()
							+ " scores; all members must score the same candidates");
				}
			}
			scores.add(s);
		}
		return new Aligned(candidates, scores);
	}

	/** The candidates with new probabilities. */
	public static List<Prediction> withScores(List<Prediction> candidates, double[] scores) {
		List<Prediction> out = new ArrayList<>(candidates.size());
		for (int i = 0; i < scores.length; i++) {
			Prediction p = candidates.get(i);
			out.add(new Prediction(p.seriesuid(), p.x(), p.y(), p.z(), scores[i], p.label()));
		}
		return out;
	}

	/**
	 * Concatenates the predictions of disjoint test folds into one submission.
	 *
	 * @throws IllegalArgumentException when a scan appears in two folds
	 */
	public static List<Prediction> mergeFolds(List<Member> folds) {
		Map<String, String> owner = new HashMap<>();
		List<Prediction> out = new ArrayList<>();
		for (Member fold : folds) {
			for (Prediction p : fold.predictions()) {
				String previous = owner.putIfAbsent(p.seriesuid(), fold.source());
				if (previous != null && !previous.equals(fold.source())) {
					throw new IllegalArgumentException("scan " + p.seriesuid() + " is in " + previous + " and in "
							+ fold.source() + "; folds must not share scans");
				}
				out.add(p);
			}
		}
		return out;
	}

	/** The scans some predictions are on. */
	public static Set<String> scans(List<Prediction> predictions) {
		Set<String> scans = new HashSet<>();
		predictions.forEach(p -> scans.add(p.seriesuid()));
		return scans;
	}

	/**
	 * Refuses weights chosen on evaluated scans.
	 *
	 * @return the shared scans (empty when there is no leakage)
	 * @throws LeakageException when the sets share scans and the run is not exploratory
	 */
	public static Set<String> checkNoLeakage(Set<String> searchScans, Set<String> evaluatedScans, boolean exploratory) {
		Set<String> shared = new TreeSet<>(searchScans);
		shared.retainAll(evaluatedScans);
		if (!shared.isEmpty() && !exploratory) {
			throw new LeakageException("the weight search would use " + shared.size() + " of the evaluated scans (e.g. "
					+ shared.iterator().next() + "): weights must be chosen on validation predictions only. Use "
					+ "validation predictions of other scans, or mark the run exploratory (its numbers are then not an "
					+ "estimate of performance).");
		}
		return shared;
	}

	/**
	 * Grid search of weights (multiples of {@code step}, summing to 1) that maximise the CPM of the
	 * weighted mean on validation predictions. Ties go to the weights closest to equal, then to the
	 * first in grid order.
	 *
	 * @param reference the reference; its scans are restricted to those the validation predictions cover
	 */
	public static Search searchWeights(Aligned validation, Luna16Reference reference, double step, boolean exploratory,
			Set<String> sharedScans, WeightedCombination combination) throws Exception {
		int members = validation.scores().size();
		int units = (int) Math.round(1 / step);
		if (units < 1 || Math.abs(units * step - 1) > 1e-9) {
			throw new IllegalArgumentException("step must divide 1 (0.1, 0.05, 0.25...), got " + step);
		}
		Luna16Reference restricted = reference.restrictedTo(scans(validation.candidates()));
		if (restricted.seriesUids().isEmpty()) {
			throw new IllegalArgumentException("none of the validation predictions' scans is in the series list");
		}
		List<int[]> grid = new ArrayList<>();
		compositions(units, members, new int[members], 0, grid);
		double bestCpm = Double.NEGATIVE_INFINITY;
		double bestSpread = Double.POSITIVE_INFINITY;
		double[] best = null;
		for (int[] g : grid) {
			double[] w = new double[members];
			double sum = 0;
			for (int m = 0; m < members; m++) {
				w[m] = (double) g[m] / units;
				sum += w[m];
			}
			if (sum <= 0) {
				continue;
			}
			double[] combined = combination.combine(validation.scores(), w);
			double cpm = Luna16Evaluation.evaluate(restricted.seriesUids(), restricted.annotations(),
					restricted.excluded(), withScores(validation.candidates(), combined), Luna16Evaluation.Options.of("search"))
					.cpm();
			double spread = 0;
			for (double v : w) {
				spread = Math.max(spread, Math.abs(v - 1.0 / members));
			}
			if (cpm > bestCpm + 1e-12 || Math.abs(cpm - bestCpm) <= 1e-12 && spread < bestSpread - 1e-12) {
				bestCpm = cpm;
				bestSpread = spread;
				best = w;
			}
		}
		return new Search(best, bestCpm, grid.size(), exploratory, sharedScans);
	}

	private static void compositions(int remaining, int members, int[] current, int position, List<int[]> out) {
		if (position == members - 1) {
			current[position] = remaining;
			out.add(current.clone());
			return;
		}
		for (int k = remaining; k >= 0; k--) {
			current[position] = k;
			compositions(remaining - k, members, current, position + 1, out);
		}
	}
}
