package org.nodulab.augment;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * An augmentation that combines a training sample with a partner of the other class (the seed's
 * random mask). The sampler draws the partner, samples both patches with their own spatial transforms
 * and computes, for each input, which voxels of the sample's patch lie in the positive's nodule
 * sphere; the augmentation then changes the sample's voxels in place and says its new label. Its
 * spatial part is the identity.
 *
 * @param <S> the settings class declared in the contribution
 */
public interface PairedAugmentation<S> extends Augmentation<S> {

	/**
	 * @param sample the sample's patches, one per network input, changed in place
	 * @param label the sample's label (1 = nodule)
	 * @param partner the partner's patches (the other class), same shapes, sampled at the same offsets
	 * @param noduleMask per input, the voxels inside the positive's nodule sphere (the positive is the
	 *            sample when {@code label} is 1, the partner otherwise)
	 * @param random seeded by the run
	 * @return the sample's new label
	 */
	float mix(S settings, List<float[]> sample, float label, List<float[]> partner, List<boolean[]> noduleMask,
			RandomGenerator random);

	/** How much larger than the annotated diameter the pasted sphere is. */
	double radiusScale(S settings);

	/** Voxels (of each input's patch) added to the sphere's radius after scaling (D36's +5). */
	default double radiusMargin(S settings) {
		return 0;
	}

	/**
	 * Whether the mixed sample joins the batch beside its original (the sample in one slot, its mixed copy in the
	 * next; D29) instead of replacing it.
	 */
	default boolean alongside(S settings) {
		return false;
	}

	@Override
	default int variants(S settings) {
		return 0;
	}

	@Override
	default SpatialTransform variant(S settings, int k) {
		throw new IllegalArgumentException("a paired augmentation has no spatial variants");
	}

	@Override
	default SpatialTransform draw(S settings, RandomGenerator random) {
		return SpatialTransform.identity();
	}
}
