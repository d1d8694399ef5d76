package org.nodulab.augment.supplier.geometric;

import java.util.random.RandomGenerator;

import org.nodulab.augment.Augmentation;
import org.nodulab.augment.SpatialTransform;

/** Isotropic zoom by a log-uniform factor in [min, max]. */
public class Scale implements Augmentation<ScaleSettings> {

	@Override
	public int variants(ScaleSettings settings) {
		return 0;
	}

	@Override
	public SpatialTransform variant(ScaleSettings settings, int k) {
		throw new UnsupportedOperationException("scale draws continuous factors and has no variants");
	}

	@Override
	public SpatialTransform draw(ScaleSettings settings, RandomGenerator random) {
		if (settings.min == settings.max) {
			return SpatialTransform.scale(settings.min);
		}
		double logFactor = random.nextDouble(Math.log(settings.min), Math.log(settings.max));
		return SpatialTransform.scale(Math.exp(logFactor));
	}
}
