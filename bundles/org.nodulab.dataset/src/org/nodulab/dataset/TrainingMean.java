package org.nodulab.dataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.nodulab.augment.SpatialTransform;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.preprocess.Preprocessing;

/**
 * The mean intensity that mean subtraction removes, computed on training data only: the windowed
 * (to [0, 1]) voxels of the unaugmented patches of a seeded random sample of the training candidates,
 * every patch size of the network's inputs weighted by its voxels. The estimate is recorded with the
 * run, so that prediction subtracts the same number.
 */
public final class TrainingMean {

	/** The mean and how it was obtained. */
	public record Estimate(float mean, int patches, long voxels, long seed, String window) {
	}

	private TrainingMean() {
	}

	/**
	 * @param trainScans the training scans (validation and test scans must not contribute)
	 * @param maxCandidates how many candidates to sample at most
	 */
	public static Estimate estimate(ScanVolumes volumes, CandidateTable candidates, List<Luna16Dataset.Scan> trainScans,
			Preprocessing preprocessing, List<int[]> sizes, int maxCandidates, long seed) throws IOException {
		List<int[]> rows = new ArrayList<>(); // (row) for scans on disk
		for (Luna16Dataset.Scan scan : trainScans) {
			for (int row : candidates.rowsOf(scan.uid())) {
				rows.add(new int[] { row });
			}
		}
		if (rows.isEmpty()) {
			throw new DatasetException(candidates.file(), "no candidates on the training scans: cannot compute the training mean");
		}
		SplittableRandom random = new SplittableRandom(seed);
		int n = Math.min(maxCandidates, rows.size());
		for (int i = 0; i < n; i++) { // partial Fisher-Yates: the first n rows are a uniform sample
			int j = i + random.nextInt(rows.size() - i);
			int[] t = rows.get(i);
			rows.set(i, rows.get(j));
			rows.set(j, t);
		}
		Preprocessing windowOnly = preprocessing.withMean(0);
		double sum = 0;
		long voxels = 0;
		for (int i = 0; i < n; i++) {
			int row = rows.get(i)[0];
			PatchSampler sampler = volumes.sampler(candidates.uid(row));
			PatchSpec[] specs = windowOnly.specs(sizes, sampler.geometry());
			for (PatchSpec spec : specs) {
				float[] patch = new float[spec.voxels()];
				sampler.sample(candidates.position(row), spec, SpatialTransform.identity(), windowOnly.normalizer(), patch, 0);
				for (float v : patch) {
					sum += v;
				}
				voxels += patch.length;
			}
		}
		return new Estimate((float) (sum / voxels), n, voxels, seed, preprocessing.window().id());
	}
}
