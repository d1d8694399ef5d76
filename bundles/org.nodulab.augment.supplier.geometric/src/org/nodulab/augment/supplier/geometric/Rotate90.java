package org.nodulab.augment.supplier.geometric;

import java.util.random.RandomGenerator;

import org.nodulab.augment.Augmentation;
import org.nodulab.augment.SpatialTransform;

/** The 4 rotations by k * 90 degrees about one axis; variant 0 is the identity. */
public class Rotate90 implements Augmentation<Rotate90Settings> {

	@Override
	public int variants(Rotate90Settings settings) {
		return 4;
	}

	@Override
	public SpatialTransform variant(Rotate90Settings settings, int k) {
		if (k < 0 || k >= 4) {
			throw new IllegalArgumentException("variant must be 0..3, got " + k);
		}
		return SpatialTransform.rotation(settings.axis.index(), k * Math.PI / 2);
	}

	@Override
	public SpatialTransform draw(Rotate90Settings settings, RandomGenerator random) {
		return variant(settings, random.nextInt(4));
	}
}
