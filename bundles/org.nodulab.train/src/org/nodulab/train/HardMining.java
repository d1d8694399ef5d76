package org.nodulab.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.nodulab.core.experiment.HardMiningSettings;

/**
 * Chooses the hard samples of a mining round from the scores of the training candidates: every
 * misclassified negative (scored at or above the threshold), hardest first, and positives at
 * {@code 1 : negativesPerPositive} of them, the misclassified (below the threshold) first, then the
 * lowest-scored.
 */
public final class HardMining {

	private HardMining() {
	}

	public static int[] choose(CandidateSet set, float[] scores, HardMiningSettings settings) {
		List<Integer> negatives = new ArrayList<>();
		List<Integer> positives = new ArrayList<>();
		for (int i = 0; i < set.size(); i++) {
			if (set.label(i) == 0 && scores[i] >= settings.threshold) {
				negatives.add(i);
			} else if (set.label(i) == 1) {
				positives.add(i);
			}
		}
		negatives.sort(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i));
		positives.sort(Comparator.comparingDouble((Integer i) -> scores[i]).thenComparingInt(i -> i));
		long misclassifiedPositives = positives.stream().filter(i -> scores[i] < settings.threshold).count();
		int wantPositives = (int) Math.max(misclassifiedPositives,
				Math.ceil(negatives.size() / settings.negativesPerPositive));
		wantPositives = Math.min(wantPositives, positives.size());
		List<Integer> chosen = new ArrayList<>(positives.subList(0, wantPositives));
		chosen.addAll(negatives);
		return chosen.stream().mapToInt(Integer::intValue).toArray();
	}
}
