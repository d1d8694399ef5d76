package org.nodulab.test.architectures;

import java.util.List;
import java.util.Random;

import org.nodulab.nn.Batch;

/**
 * A small learnable task: a bright sphere (radius 2-4 voxels, random position near the centre) in
 * Gaussian noise is a nodule; noise with a thin bright line (a vessel) is not. Seeded.
 */
public final class SphereTask {

	private final int size;
	private final Random random;

	public SphereTask(int size, long seed) {
		this.size = size;
		this.random = new Random(seed);
	}

	/** A balanced batch: even samples are spheres, odd ones are not. */
	public Batch batch(int n) {
		float[] data = new float[n * size * size * size];
		float[] labels = new float[n];
		for (int i = 0; i < n; i++) {
			boolean sphere = i % 2 == 0;
			labels[i] = sphere ? 1f : 0f;
			fill(data, i * size * size * size, sphere);
		}
		return new Batch(n, List.of(data), labels);
	}

	private void fill(float[] data, int offset, boolean sphere) {
		double c = (size - 1) / 2.0;
		double cx = c + random.nextGaussian();
		double cy = c + random.nextGaussian();
		double cz = c + random.nextGaussian();
		double r = 2 + 2 * random.nextDouble();
		int lineY = random.nextInt(size);
		int lineX = random.nextInt(size);
		for (int z = 0; z < size; z++) {
			for (int y = 0; y < size; y++) {
				for (int x = 0; x < size; x++) {
					double v = 0.2 + 0.08 * random.nextGaussian();
					if (sphere) {
						double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz);
						if (d2 <= r * r) {
							v += 0.5;
						}
					} else if (y == lineY && x == lineX) {
						v += 0.5;
					}
					data[offset + (z * size + y) * size + x] = (float) v;
				}
			}
		}
	}
}
