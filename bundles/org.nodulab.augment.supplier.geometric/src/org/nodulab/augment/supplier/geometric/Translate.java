package org.nodulab.augment.supplier.geometric;

import java.util.random.RandomGenerator;

import org.nodulab.augment.Augmentation;
import org.nodulab.augment.SpatialTransform;

/**
 * Shifts of the sampling centre. Variant k (0..26) takes base-3 digits (x fastest) mapped to
 * 0, -step, +step, so variant 0 is the identity.
 */
public class Translate implements Augmentation<TranslateSettings> {

	private static final double[] SIGN = { 0, -1, 1 };

	@Override
	public int variants(TranslateSettings settings) {
		return 27;
	}

	@Override
	public SpatialTransform variant(TranslateSettings settings, int k) {
		if (k < 0 || k >= 27) {
			throw new IllegalArgumentException("variant must be 0..26, got " + k);
		}
		return SpatialTransform.translation(SIGN[k % 3] * settings.step, SIGN[k / 3 % 3] * settings.step,
				SIGN[k / 9] * settings.step);
	}

	@Override
	public SpatialTransform draw(TranslateSettings settings, RandomGenerator random) {
		double s = settings.step;
		return SpatialTransform.translation(random.nextDouble(-s, Math.nextUp(s)), random.nextDouble(-s, Math.nextUp(s)),
				random.nextDouble(-s, Math.nextUp(s)));
	}
}
