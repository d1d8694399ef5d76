package org.nodulab.volume;

import java.util.Arrays;

/**
 * Where the voxels of a volume lie in the world (patient coordinates in mm, as LUNA16's CSVs use):
 * {@code world = origin + D * (spacing .* index)} with the direction matrix {@code D} (columns are the
 * world directions of the x, y and z index axes), and back. Indices are (x, y, z); voxel data are
 * stored x fastest, then y, then z.
 */
public final class VolumeGeometry {

	private final int[] size;
	private final double[] spacing;
	private final double[] origin;
	private final double[] direction;
	private final double[] inverse;

	/**
	 * @param size voxels along x, y, z (each at least 1)
	 * @param spacing mm between voxel centres along x, y, z (each positive and finite)
	 * @param origin world position of voxel (0, 0, 0) in mm
	 * @param direction row-major 3x3 direction matrix (invertible)
	 */
	public VolumeGeometry(int[] size, double[] spacing, double[] origin, double[] direction) {
		check(size.length == 3 && spacing.length == 3 && origin.length == 3 && direction.length == 9,
				"size, spacing and origin need 3 values and the direction matrix 9");
		for (int i = 0; i < 3; i++) {
			check(size[i] >= 1, "size must be positive, got " + Arrays.toString(size));
			check(spacing[i] > 0 && Double.isFinite(spacing[i]),
					"spacing must be positive and finite, got " + Arrays.toString(spacing));
			check(Double.isFinite(origin[i]), "origin must be finite, got " + Arrays.toString(origin));
		}
		this.size = size.clone();
		this.spacing = spacing.clone();
		this.origin = origin.clone();
		this.direction = direction.clone();
		this.inverse = invert(direction);
	}

	/** Axis-aligned geometry (identity direction). */
	public static VolumeGeometry axisAligned(int[] size, double[] spacing, double[] origin) {
		return new VolumeGeometry(size, spacing, origin, new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 });
	}

	public int[] size() {
		return size.clone();
	}

	public int size(int axis) {
		return size[axis];
	}

	public double[] spacing() {
		return spacing.clone();
	}

	public double[] origin() {
		return origin.clone();
	}

	/** Row-major direction matrix. */
	public double[] direction() {
		return direction.clone();
	}

	/** Number of voxels. */
	public long voxelCount() {
		return (long) size[0] * size[1] * size[2];
	}

	/** World position (mm) of a continuous voxel index (x, y, z). */
	public double[] voxelToWorld(double[] index) {
		double sx = index[0] * spacing[0];
		double sy = index[1] * spacing[1];
		double sz = index[2] * spacing[2];
		return new double[] { origin[0] + direction[0] * sx + direction[1] * sy + direction[2] * sz,
				origin[1] + direction[3] * sx + direction[4] * sy + direction[5] * sz,
				origin[2] + direction[6] * sx + direction[7] * sy + direction[8] * sz };
	}

	/** Continuous voxel index (x, y, z) of a world position (mm). */
	public double[] worldToVoxel(double[] world) {
		double dx = world[0] - origin[0];
		double dy = world[1] - origin[1];
		double dz = world[2] - origin[2];
		return new double[] { (inverse[0] * dx + inverse[1] * dy + inverse[2] * dz) / spacing[0],
				(inverse[3] * dx + inverse[4] * dy + inverse[5] * dz) / spacing[1],
				(inverse[6] * dx + inverse[7] * dy + inverse[8] * dz) / spacing[2] };
	}

	/** Whether a continuous index lies inside the voxel grid (between the first and last voxel centres). */
	public boolean contains(double[] index) {
		for (int i = 0; i < 3; i++) {
			if (index[i] < 0 || index[i] > size[i] - 1) {
				return false;
			}
		}
		return true;
	}

	private static double[] invert(double[] m) {
		double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
				+ m[2] * (m[3] * m[7] - m[4] * m[6]);
		check(Math.abs(det) > 1e-9 && Double.isFinite(det), "direction matrix is not invertible: " + Arrays.toString(m));
		double inv = 1.0 / det;
		return new double[] { (m[4] * m[8] - m[5] * m[7]) * inv, (m[2] * m[7] - m[1] * m[8]) * inv,
				(m[1] * m[5] - m[2] * m[4]) * inv, (m[5] * m[6] - m[3] * m[8]) * inv,
				(m[0] * m[8] - m[2] * m[6]) * inv, (m[2] * m[3] - m[0] * m[5]) * inv,
				(m[3] * m[7] - m[4] * m[6]) * inv, (m[1] * m[6] - m[0] * m[7]) * inv,
				(m[0] * m[4] - m[1] * m[3]) * inv };
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	@Override
	public String toString() {
		return "size " + Arrays.toString(size) + ", spacing " + Arrays.toString(spacing) + " mm, origin "
				+ Arrays.toString(origin) + " mm, direction " + Arrays.toString(direction);
	}
}
