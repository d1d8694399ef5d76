package org.nodulab.eval;

import java.util.List;

/**
 * Combines several models' probabilities for the same candidates; contributed to
 * {@code org.nodulab.eval.combiners}.
 *
 * @param <S> the settings class declared in the contribution ({@link Void} when it has none)
 */
public interface EnsembleCombiner<S> {

	/**
	 * @param memberScores one array per model, all of the same length, candidates in the same order
	 * @return one probability per candidate
	 * @throws IllegalArgumentException when the members disagree in length or the settings do not fit
	 *             the number of members
	 */
	double[] combine(List<double[]> memberScores, S settings);

	/** Checks that there is at least one member and all have the same length; returns that length. */
	static int checkMembers(List<double[]> memberScores) {
		if (memberScores.isEmpty()) {
			throw new IllegalArgumentException("an ensemble needs at least one member");
		}
		int n = memberScores.get(0).length;
		for (int m = 1; m < memberScores.size(); m++) {
			if (memberScores.get(m).length != n) {
				throw new IllegalArgumentException("member " + m + " scores " + memberScores.get(m).length
						+ " candidates, member 0 scores " + n + "; all must score the same candidates");
			}
		}
		return n;
	}
}
