package org.nodulab.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.augment.SpatialTransform;
import org.nodulab.nn.Batch;
import org.nodulab.nn.TrainableNetwork;

/**
 * Scores candidates with a network, optionally averaging over the 4 rotations about the z axis
 * (test-time augmentation). Batches are built ahead on worker threads.
 */
public final class Predictor {

	private Predictor() {
	}

	/**
	 * What is wrong with a pass's scores where they cannot rank anything: some not numbers, or all the same (a network
	 * whose outputs saturated: its training diverged). Empty for scores that differ, and for fewer than two.
	 */
	public static java.util.Optional<String> degenerate(float[] scores) {
		int notNumbers = 0;
		for (float s : scores) {
			if (!Float.isFinite(s)) {
				notNumbers++;
			}
		}
		if (notNumbers > 0) {
			return java.util.Optional.of(String.format(java.util.Locale.ROOT, "%,d of the %,d scores are not numbers (NaN or infinite)",
					notNumbers, scores.length));
		}
		if (scores.length < 2) {
			return java.util.Optional.empty();
		}
		for (float s : scores) {
			if (s != scores[0]) {
				return java.util.Optional.empty();
			}
		}
		return java.util.Optional.of(String.format(java.util.Locale.ROOT, "all %,d scores are the same (%.4f)", scores.length, scores[0]));
	}

	/** The transforms whose predictions are averaged. */
	public static List<SpatialTransform> transforms(boolean tta) {
		List<SpatialTransform> list = new ArrayList<>();
		list.add(SpatialTransform.identity());
		if (tta) {
			for (int k = 1; k < 4; k++) {
				list.add(SpatialTransform.rotation(2, k * Math.PI / 2));
			}
		}
		return list;
	}

	/** Scores of every candidate of the source's set. */
	public static float[] predict(TrainableNetwork net, BatchSource source, int batchSize, boolean tta, int workers,
			Progress progress) throws Exception {
		CandidateSet set = source.candidates();
		int n = set.size();
		// the candidates scan by scan (in the order the scans first appear; a file grouped by scan, as LUNA16's are,
		// keeps its order), so a scan is read once and can be dropped when its candidates are done
		Map<String, List<Integer>> byScan = new LinkedHashMap<>();
		for (int i = 0; i < n; i++) {
			byScan.computeIfAbsent(set.uid(i), u -> new ArrayList<>()).add(i);
		}
		int[] order = byScan.values().stream().flatMap(List::stream).mapToInt(Integer::intValue).toArray();
		float[] scored = predict(net, source, order, batchSize, tta, workers, progress);
		float[] out = new float[n];
		for (int k = 0; k < n; k++) {
			out[order[k]] = scored[k];
		}
		return out;
	}

	/** Scores of some candidates of the source's set. */
	public static float[] predict(TrainableNetwork net, BatchSource source, int[] indices, int batchSize, boolean tta,
			int workers, Progress progress) throws Exception {
		List<SpatialTransform> transforms = transforms(tta);
		int n = indices.length;
		double[] sum = new double[n];
		int batches = (n + batchSize - 1) / batchSize;
		int total = batches * transforms.size();
		int views = transforms.size();
		// batch by batch, each batch under every transform before the next: the candidates' scans are visited once, in
		// order (each candidate's views are still summed in the transforms' order, so the scores do not change)
		try (BatchPipeline pipeline = new BatchPipeline(b -> {
			SpatialTransform t = transforms.get(b % views);
			int from = (b / views) * batchSize;
			return source.predictionBatch(indices, from, Math.min(batchSize, n - from), t);
		}, 0, total, workers, 2 * workers)) {
			for (int b = 0; b < total; b++) {
				if (Thread.currentThread().isInterrupted()) { // Ctrl-C on a command the resident process runs
					throw new InterruptedException("prediction interrupted after " + b + " of " + total + " batches; nothing was written");
				}
				Batch batch = pipeline.next();
				float[] p = net.predict(batch);
				FirstCompute.scoredBatch();
				int from = (b / views) * batchSize;
				for (int i = 0; i < p.length; i++) {
					sum[from + i] += p[i];
				}
				if (progress != null) {
					progress.step(b + 1, total);
				}
			}
		}
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			out[i] = (float) (sum[i] / transforms.size());
		}
		return out;
	}
}
