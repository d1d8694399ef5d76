package org.nodulab.augment.supplier.geometric;

import java.util.random.RandomGenerator;

import org.nodulab.augment.Augmentation;
import org.nodulab.augment.SpatialTransform;

/** Mirrors along the enabled axes: 2^(enabled axes) variants; variant 0 is the identity. */
public class Flip implements Augmentation<FlipSettings> {

	@Override
	public int variants(FlipSettings settings) {
		return 1 << enabled(settings).length;
	}

	@Override
	public SpatialTransform variant(FlipSettings settings, int k) {
		int[] axes = enabled(settings);
		if (k < 0 || k >= 1 << axes.length) {
			throw new IllegalArgumentException("variant must be 0.." + ((1 << axes.length) - 1) + ", got " + k);
		}
		boolean[] flip = new boolean[3];
		for (int i = 0; i < axes.length; i++) {
			flip[axes[i]] = (k >> i & 1) == 1;
		}
		return SpatialTransform.flip(flip[0], flip[1], flip[2]);
	}

	@Override
	public SpatialTransform draw(FlipSettings settings, RandomGenerator random) {
		return variant(settings, random.nextInt(variants(settings)));
	}

	private static int[] enabled(FlipSettings s) {
		return java.util.stream.IntStream.range(0, 3).filter(i -> i == 0 ? s.x : i == 1 ? s.y : s.z).toArray();
	}
}
