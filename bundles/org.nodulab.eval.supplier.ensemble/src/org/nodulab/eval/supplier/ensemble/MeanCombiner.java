package org.nodulab.eval.supplier.ensemble;

import java.util.List;

import org.nodulab.eval.EnsembleCombiner;

/** Unweighted mean. */
public class MeanCombiner implements EnsembleCombiner<Void> {

	@Override
	public double[] combine(List<double[]> memberScores, Void settings) {
		int n = EnsembleCombiner.checkMembers(memberScores);
		double[] out = new double[n];
		for (double[] member : memberScores) {
			for (int i = 0; i < n; i++) {
				out[i] += member[i];
			}
		}
		for (int i = 0; i < n; i++) {
			out[i] /= memberScores.size();
		}
		return out;
	}
}
