package org.nodulab.eval.supplier.luna16;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.luna16.Annotation;
import org.nodulab.eval.EvaluationInput;
import org.nodulab.eval.EvaluationResult;
import org.nodulab.eval.Evaluator;
import org.nodulab.luna16.Prediction;

/**
 * Candidate classification: ROC AUC (the Mann-Whitney statistic with ties counted half, as
 * scikit-learn's roc_auc_score), and accuracy, sensitivity and specificity at a threshold. Labels are
 * the candidates' own (the class column); candidates without one are labelled by the LUNA16 hit test
 * (inside an included nodule's radius).
 */
public class ClassificationEvaluator implements Evaluator<ClassificationSettings> {

	@Override
	public EvaluationResult evaluate(EvaluationInput input, ClassificationSettings s) throws IOException {
		List<Prediction> scored = input.predictions();
		int[] labels = labels(scored, input.annotations());
		double[] p = scored.stream().mapToDouble(Prediction::probability).toArray();
		Map<String, Double> metrics = new LinkedHashMap<>();
		metrics.put("auc", auc(p, labels));
		long tp = 0;
		long tn = 0;
		long positives = 0;
		for (int i = 0; i < p.length; i++) {
			boolean called = p[i] >= s.threshold;
			positives += labels[i];
			if (called && labels[i] == 1) {
				tp++;
			} else if (!called && labels[i] == 0) {
				tn++;
			}
		}
		long negatives = p.length - positives;
		metrics.put("accuracy", p.length == 0 ? Double.NaN : (double) (tp + tn) / p.length);
		metrics.put("sensitivity", positives == 0 ? Double.NaN : (double) tp / positives);
		metrics.put("specificity", negatives == 0 ? Double.NaN : (double) tn / negatives);
		metrics.put("positives", (double) positives);
		metrics.put("negatives", (double) negatives);
		return new EvaluationResult("roc", metrics, List.of());
	}

	/** Each candidate's label, from its class column or the annotations. */
	static int[] labels(List<Prediction> predictions, List<Annotation> annotations) {
		Map<String, List<Annotation>> byScan = new HashMap<>();
		for (Annotation a : annotations) {
			byScan.computeIfAbsent(a.seriesuid(), k -> new ArrayList<>()).add(a);
		}
		int[] labels = new int[predictions.size()];
		for (int i = 0; i < labels.length; i++) {
			Prediction p = predictions.get(i);
			if (p.label() != Prediction.UNKNOWN) {
				labels[i] = p.label();
				continue;
			}
			for (Annotation a : byScan.getOrDefault(p.seriesuid(), List.of())) {
				double r = (a.diameter() < 0 ? 10 : a.diameter()) / 2;
				double dx = a.x() - p.x();
				double dy = a.y() - p.y();
				double dz = a.z() - p.z();
				if (dx * dx + dy * dy + dz * dz < r * r) {
					labels[i] = 1;
					break;
				}
			}
		}
		return labels;
	}

	/** Area under the ROC curve: P(score of a positive > score of a negative) + P(tie) / 2. */
	public static double auc(double[] scores, int[] labels) {
		int n = scores.length;
		Integer[] order = new Integer[n];
		for (int i = 0; i < n; i++) {
			order[i] = i;
		}
		Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
		double rankSumPositives = 0;
		long positives = 0;
		int i = 0;
		while (i < n) {
			int j = i;
			while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
				j++;
			}
			double averageRank = (i + j) / 2.0 + 1;
			for (int k = i; k <= j; k++) {
				if (labels[order[k]] == 1) {
					rankSumPositives += averageRank;
					positives++;
				}
			}
			i = j + 1;
		}
		long negatives = n - positives;
		if (positives == 0 || negatives == 0) {
			return Double.NaN;
		}
		return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
	}
}
