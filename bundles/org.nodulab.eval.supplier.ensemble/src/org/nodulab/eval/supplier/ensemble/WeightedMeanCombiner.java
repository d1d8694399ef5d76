package org.nodulab.eval.supplier.ensemble;

import java.util.List;

import org.nodulab.eval.EnsembleCombiner;

/** Weighted mean with weights normalised to sum to 1. */
public class WeightedMeanCombiner implements EnsembleCombiner<WeightedMeanSettings> {

	@Override
	public double[] combine(List<double[]> memberScores, WeightedMeanSettings settings) {
		int n = EnsembleCombiner.checkMembers(memberScores);
		List<Double> weights = settings.weights;
		if (weights.size() != memberScores.size()) {
			throw new IllegalArgumentException(
					"weights: " + weights.size() + " weight(s) for " + memberScores.size() + " member(s)");
		}
		double sum = 0;
		for (double w : weights) {
			if (!(w >= 0) || !Double.isFinite(w)) {
				throw new IllegalArgumentException("weights must be finite and non-negative, got " + weights);
			}
			sum += w;
		}
		if (sum <= 0) {
			throw new IllegalArgumentException("weights: at least one weight must be positive");
		}
		double[] out = new double[n];
		for (int m = 0; m < memberScores.size(); m++) {
			double w = weights.get(m) / sum;
			double[] member = memberScores.get(m);
			for (int i = 0; i < n; i++) {
				out[i] += w * member[i];
			}
		}
		return out;
	}
}
