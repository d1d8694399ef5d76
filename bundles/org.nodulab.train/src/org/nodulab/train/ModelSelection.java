package org.nodulab.train;

import java.util.List;

/**
 * Model selection from a model's epoch history: the best epoch by validation CPM (the last epoch when no
 * epoch has a validation CPM, as without validation scans), and early stopping of the main training
 * when the validation CPM has not improved for a number of epochs. Hard-mining rounds take part in the
 * choice of the best epoch but never stop early.
 */
final class ModelSelection {

	/** The chosen epoch, its metrics row, and how it was chosen (as written to {@code models/<model>.json}). */
	record Choice(int epoch, RunDirectory.EpochMetrics metrics, String selectedBy) {
	}

	private ModelSelection() {
	}

	/** The best epoch of {@code model} in {@code metrics}; empty history is an error (nothing was trained). */
	static Choice best(List<RunDirectory.EpochMetrics> metrics, String model) {
		List<RunDirectory.EpochMetrics> history = metrics.stream().filter(m -> m.model().equals(model)).toList();
		if (history.isEmpty()) {
			throw new IllegalStateException(model + ": no epoch has been trained, so there is no model to select");
		}
		int best = history.get(history.size() - 1).epoch();
		double bestCpm = Double.NEGATIVE_INFINITY;
		for (RunDirectory.EpochMetrics m : history) {
			if (!Double.isNaN(m.validationCpm()) && m.validationCpm() > bestCpm) {
				bestCpm = m.validationCpm();
				best = m.epoch();
			}
		}
		final int bestEpoch = best;
		RunDirectory.EpochMetrics at = history.stream().filter(m -> m.epoch() == bestEpoch).reduce((a, b) -> b).orElseThrow();
		return new Choice(bestEpoch, at,
				Double.isNaN(at.validationCpm()) ? "last epoch (no validation scans)" : "validation CPM");
	}

	/**
	 * Whether the main training of {@code model} should stop: its best validation CPM (round 0) is at least
	 * {@code patience} epochs behind its last epoch. Never with {@code patience <= 0}.
	 */
	static boolean stopEarly(List<RunDirectory.EpochMetrics> metrics, String model, int patience) {
		if (patience <= 0) {
			return false;
		}
		double best = Double.NEGATIVE_INFINITY;
		int bestEpoch = 0;
		int last = 0;
		for (RunDirectory.EpochMetrics m : metrics) {
			if (!m.model().equals(model) || m.round() != 0 || Double.isNaN(m.validationCpm())) {
				continue;
			}
			if (m.validationCpm() > best) {
				best = m.validationCpm();
				bestEpoch = m.epoch();
			}
			last = Math.max(last, m.epoch());
		}
		return bestEpoch > 0 && last - bestEpoch >= patience;
	}
}
