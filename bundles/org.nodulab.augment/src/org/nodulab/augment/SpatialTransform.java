package org.nodulab.augment;

import java.util.Arrays;

/**
 * A spatial transform of the neighbourhood of a candidate, in world millimetres about the candidate
 * centre: a patch voxel at offset {@code o} (mm, x/y/z) is sampled from the volume at
 * {@code centre + linear * o + translation}. The patch sampler applies it during its single
 * interpolation, so augmentation never needs a transformed copy of the volume.
 */
public final class SpatialTransform {

	private static final SpatialTransform IDENTITY = new SpatialTransform(new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 },
			new double[3]);

	private final double[] linear;
	private final double[] translation;

	/**
	 * @param linear row-major 3x3 matrix acting on offsets (mm)
	 * @param translation shift of the sampling centre (mm)
	 */
	public SpatialTransform(double[] linear, double[] translation) {
		if (linear.length != 9 || translation.length != 3) {
			throw new IllegalArgumentException("need a 3x3 matrix and a 3-vector");
		}
		this.linear = normalized(linear);
		this.translation = normalized(translation);
	}

	/** Copies, turning -0.0 into 0.0 so that equal transforms compare and hash equal. */
	private static double[] normalized(double[] values) {
		double[] copy = new double[values.length];
		for (int i = 0; i < values.length; i++) {
			if (!Double.isFinite(values[i])) {
				throw new IllegalArgumentException("transform values must be finite, got " + Arrays.toString(values));
			}
			copy[i] = values[i] + 0.0;
		}
		return copy;
	}

	public static SpatialTransform identity() {
		return IDENTITY;
	}

	public static SpatialTransform translation(double x, double y, double z) {
		return new SpatialTransform(IDENTITY.linear, new double[] { x, y, z });
	}

	/** Rotation by {@code radians} about a world axis (0 = x, 1 = y, 2 = z), right-handed. */
	public static SpatialTransform rotation(int axis, double radians) {
		double c = Math.cos(radians);
		double s = Math.sin(radians);
		// exact values for multiples of 90 degrees, so that rotated patches hit voxel centres
		if (Math.abs(c) < 1e-12) {
			c = 0;
		}
		if (Math.abs(s) < 1e-12) {
			s = 0;
		}
		double[] m = switch (axis) {
		case 0 -> new double[] { 1, 0, 0, 0, c, -s, 0, s, c };
		case 1 -> new double[] { c, 0, s, 0, 1, 0, -s, 0, c };
		case 2 -> new double[] { c, -s, 0, s, c, 0, 0, 0, 1 };
		default -> throw new IllegalArgumentException("axis must be 0, 1 or 2, got " + axis);
		};
		return new SpatialTransform(m, new double[3]);
	}

	/** Mirror along world axes. */
	public static SpatialTransform flip(boolean x, boolean y, boolean z) {
		return new SpatialTransform(new double[] { x ? -1 : 1, 0, 0, 0, y ? -1 : 1, 0, 0, 0, z ? -1 : 1 },
				new double[3]);
	}

	/** Isotropic scaling of the neighbourhood (values above 1 zoom out). */
	public static SpatialTransform scale(double factor) {
		if (!(factor > 0) || !Double.isFinite(factor)) {
			throw new IllegalArgumentException("scale must be positive, got " + factor);
		}
		return new SpatialTransform(new double[] { factor, 0, 0, 0, factor, 0, 0, 0, factor }, new double[3]);
	}

	/** Row-major 3x3 matrix. */
	public double[] linear() {
		return linear.clone();
	}

	public double[] translation() {
		return translation.clone();
	}

	/** Where, relative to the candidate centre, the patch offset {@code offset} (mm) is sampled. */
	public double[] apply(double[] offset) {
		double[] m = linear;
		return new double[] { m[0] * offset[0] + m[1] * offset[1] + m[2] * offset[2] + translation[0],
				m[3] * offset[0] + m[4] * offset[1] + m[5] * offset[2] + translation[1],
				m[6] * offset[0] + m[7] * offset[1] + m[8] * offset[2] + translation[2] };
	}

	/** The transform that applies {@code inner} first, then this one. */
	public SpatialTransform after(SpatialTransform inner) {
		double[] a = linear;
		double[] b = inner.linear;
		double[] m = new double[9];
		for (int r = 0; r < 3; r++) {
			for (int c = 0; c < 3; c++) {
				m[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
			}
		}
		double[] t = inner.translation;
		double[] shifted = { a[0] * t[0] + a[1] * t[1] + a[2] * t[2] + translation[0],
				a[3] * t[0] + a[4] * t[1] + a[5] * t[2] + translation[1],
				a[6] * t[0] + a[7] * t[1] + a[8] * t[2] + translation[2] };
		return new SpatialTransform(m, shifted);
	}

	public boolean isIdentity() {
		return equals(IDENTITY);
	}

	@Override
	public boolean equals(Object obj) {
		return obj instanceof SpatialTransform other && Arrays.equals(linear, other.linear)
				&& Arrays.equals(translation, other.translation);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(linear) + Arrays.hashCode(translation);
	}

	@Override
	public String toString() {
		return "SpatialTransform[linear=" + Arrays.toString(linear) + ", translation=" + Arrays.toString(translation)
				+ "]";
	}
}
