package org.nodulab.augment;

import java.util.random.RandomGenerator;

/**
 * A geometric augmentation, contributed to {@code org.nodulab.augment.augmentations}. It never
 * touches voxels: it yields a {@link SpatialTransform} that the patch sampler applies while it
 * interpolates.
 *
 * @param <S> the settings class declared in the contribution
 */
public interface Augmentation<S> {

	/** Number of distinct variants (4 rotations, 27 translations), or 0 when parameters are continuous. */
	int variants(S settings);

	/**
	 * The {@code k}-th variant, {@code 0 <= k < variants(settings)}; variant 0 is the identity where the
	 * augmentation has one.
	 */
	SpatialTransform variant(S settings, int k);

	/** A random instance; every random choice comes from {@code random}, which the run seeds. */
	SpatialTransform draw(S settings, RandomGenerator random);
}
