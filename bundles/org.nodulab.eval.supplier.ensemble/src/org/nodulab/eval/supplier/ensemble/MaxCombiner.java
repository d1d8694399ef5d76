package org.nodulab.eval.supplier.ensemble;

import java.util.Arrays;
import java.util.List;

import org.nodulab.eval.EnsembleCombiner;

/** Highest probability of any member. */
public class MaxCombiner implements EnsembleCombiner<Void> {

	@Override
	public double[] combine(List<double[]> memberScores, Void settings) {
		int n = EnsembleCombiner.checkMembers(memberScores);
		double[] out = new double[n];
		Arrays.fill(out, Double.NEGATIVE_INFINITY);
		for (double[] member : memberScores) {
			for (int i = 0; i < n; i++) {
				out[i] = Math.max(out[i], member[i]);
			}
		}
		return out;
	}
}
