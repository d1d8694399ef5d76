package org.nodulab.core.tests;

import java.util.random.RandomGenerator;

import org.nodulab.augment.Augmentation;
import org.nodulab.augment.SpatialTransform;

/** A contribution whose class fails while it is initialised: listing must not touch it. */
public class ExplodingAugmentation implements Augmentation<SampleSettings> {

	static {
		LoadTracker.explodingInitialised = true;
		if (Boolean.TRUE) {
			throw new IllegalStateException("this class must only be loaded on use");
		}
	}

	@Override
	public int variants(SampleSettings settings) {
		return 0;
	}

	@Override
	public SpatialTransform variant(SampleSettings settings, int k) {
		return SpatialTransform.identity();
	}

	@Override
	public SpatialTransform draw(SampleSettings settings, RandomGenerator random) {
		return SpatialTransform.identity();
	}
}
