package org.nodulab.preprocess;

/**
 * A patch to take around a candidate: {@code depth x height x width} voxels (z, y, x) of
 * {@code spacingZ x spacingY x spacingX} mm. Isotropic 1 mm cubes (40^3, 32^3, 24^3) are the usual
 * ones; anisotropic boxes such as 26x40x40 can use the scan's own spacing.
 */
public record PatchSpec(int depth, int height, int width, double spacingZ, double spacingY, double spacingX) {

	public PatchSpec {
		if (depth < 1 || height < 1 || width < 1 || depth * (long) height * width > 1 << 24) {
			throw new IllegalArgumentException("patch size must be positive and reasonable, got " + depth + "x" + height
					+ "x" + width);
		}
		if (!(spacingZ > 0 && spacingY > 0 && spacingX > 0)) {
			throw new IllegalArgumentException("patch spacing must be positive");
		}
	}

	/** A cube of {@code size}^3 voxels of {@code spacing} mm. */
	public static PatchSpec cube(int size, double spacing) {
		return new PatchSpec(size, size, size, spacing, spacing, spacing);
	}

	public int voxels() {
		return depth * height * width;
	}
}
