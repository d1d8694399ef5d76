package org.nodulab.preprocess;

import org.nodulab.augment.SpatialTransform;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * Takes patches around candidates straight from the original volume, in world coordinates: the patch
 * grid (its own spacing, centred on the candidate) is moved by an augmentation transform (rotation,
 * flip, scale, translation in mm) and each voxel is one trilinear interpolation of the scan's HU. So
 * resampling, rotation and translation together cost a single interpolation and augmentation needs no
 * copy of the volume. Outside the scan the patch is padded with {@code padHu}. Output order: z, y, x
 * (x fastest), as networks read NCDHW.
 */
public final class PatchSampler {

	private final VolumeGeometry geometry;
	private final short[] voxels;
	private final int nx;
	private final int ny;
	private final int nz;
	private final float padHu;
	/** world to continuous index: index = inverse * (world - origin), inverse = S^-1 D^-1. */
	private final double[] inverse = new double[9];

	/**
	 * @param padHu value outside the volume (-1000 HU: air)
	 */
	public PatchSampler(Volume volume, float padHu) {
		this(volume.geometry(), volume.toArray(), padHu);
	}

	/** A sampler over voxels already in an array (x fastest, then y, then z). */
	public PatchSampler(VolumeGeometry geometry, short[] voxels, float padHu) {
		if (voxels.length != geometry.voxelCount()) {
			throw new IllegalArgumentException("expected " + geometry.voxelCount() + " voxels, got " + voxels.length);
		}
		this.geometry = geometry;
		this.voxels = voxels;
		this.nx = geometry.size(0);
		this.ny = geometry.size(1);
		this.nz = geometry.size(2);
		this.padHu = padHu;
		// columns of the inverse: worldToVoxel of the unit vectors, relative to the origin
		double[] o = geometry.origin();
		for (int c = 0; c < 3; c++) {
			double[] e = o.clone();
			e[c] += 1;
			double[] idx = geometry.worldToVoxel(e);
			for (int r = 0; r < 3; r++) {
				inverse[r * 3 + c] = idx[r];
			}
		}
	}

	public VolumeGeometry geometry() {
		return geometry;
	}

	/** Whether a world position lies inside the scan (between the first and last voxel centres). */
	public boolean contains(double[] world) {
		return geometry.contains(geometry.worldToVoxel(world));
	}

	/**
	 * Fills {@code out[offset .. offset + spec.voxels())} with HU around {@code center} (world mm) under
	 * {@code transform}.
	 *
	 * @return the number of patch voxels that fell outside the scan (padded)
	 */
	public int sample(double[] center, PatchSpec spec, SpatialTransform transform, float[] out, int offset) {
		double[] l = transform.linear();
		double[] t = transform.translation();
		double[] s = { spec.spacingX(), spec.spacingY(), spec.spacingZ() };
		double[] half = { (spec.width() - 1) / 2.0 * s[0], (spec.height() - 1) / 2.0 * s[1],
				(spec.depth() - 1) / 2.0 * s[2] };
		double[] origin = geometry.origin();
		// world of patch voxel (i, j, k) = center + t + L * (diag(s) * (i, j, k) - half)
		double[] base = new double[3];
		for (int r = 0; r < 3; r++) {
			base[r] = center[r] + t[r] - origin[r] - (l[r * 3] * half[0] + l[r * 3 + 1] * half[1] + l[r * 3 + 2] * half[2]);
		}
		// index = M * (i, j, k) + q with M = inverse * L * diag(s), q = inverse * base
		double[] m = new double[9];
		double[] q = new double[3];
		for (int r = 0; r < 3; r++) {
			for (int c = 0; c < 3; c++) {
				m[r * 3 + c] = (inverse[r * 3] * l[c] + inverse[r * 3 + 1] * l[3 + c] + inverse[r * 3 + 2] * l[6 + c]) * s[c];
			}
			q[r] = inverse[r * 3] * base[0] + inverse[r * 3 + 1] * base[1] + inverse[r * 3 + 2] * base[2];
		}
		int padded = 0;
		int o = offset;
		for (int k = 0; k < spec.depth(); k++) {
			for (int j = 0; j < spec.height(); j++) {
				double x = q[0] + m[1] * j + m[2] * k;
				double y = q[1] + m[4] * j + m[5] * k;
				double z = q[2] + m[7] * j + m[8] * k;
				for (int i = 0; i < spec.width(); i++) {
					float v = interpolate(x, y, z);
					if (v != v) { // NaN: outside
						v = padHu;
						padded++;
					}
					out[o++] = v;
					x += m[0];
					y += m[3];
					z += m[6];
				}
			}
		}
		return padded;
	}

	/** Trilinear HU at a continuous index; NaN when it lies entirely outside, pad values for outside corners. */
	private float interpolate(double x, double y, double z) {
		if (x < -1 || y < -1 || z < -1 || x > nx || y > ny || z > nz) {
			return Float.NaN;
		}
		int x0 = (int) Math.floor(x);
		int y0 = (int) Math.floor(y);
		int z0 = (int) Math.floor(z);
		float fx = (float) (x - x0);
		float fy = (float) (y - y0);
		float fz = (float) (z - z0);
		if (x0 >= 0 && y0 >= 0 && z0 >= 0 && x0 < nx - 1 && y0 < ny - 1 && z0 < nz - 1) {
			int i = (z0 * ny + y0) * nx + x0;
			int nxy = nx * ny;
			float c000 = voxels[i];
			float c100 = voxels[i + 1];
			float c010 = voxels[i + nx];
			float c110 = voxels[i + nx + 1];
			float c001 = voxels[i + nxy];
			float c101 = voxels[i + nxy + 1];
			float c011 = voxels[i + nxy + nx];
			float c111 = voxels[i + nxy + nx + 1];
			float c00 = c000 + fx * (c100 - c000);
			float c10 = c010 + fx * (c110 - c010);
			float c01 = c001 + fx * (c101 - c001);
			float c11 = c011 + fx * (c111 - c011);
			float c0 = c00 + fy * (c10 - c00);
			float c1 = c01 + fy * (c11 - c01);
			return c0 + fz * (c1 - c0);
		}
		// at the border: corners outside the scan take the pad value; exactly on the last voxel no weight leaks
		float c00 = lerp(voxel(x0, y0, z0), voxel(x0 + 1, y0, z0), fx);
		float c10 = lerp(voxel(x0, y0 + 1, z0), voxel(x0 + 1, y0 + 1, z0), fx);
		float c01 = lerp(voxel(x0, y0, z0 + 1), voxel(x0 + 1, y0, z0 + 1), fx);
		float c11 = lerp(voxel(x0, y0 + 1, z0 + 1), voxel(x0 + 1, y0 + 1, z0 + 1), fx);
		float v = lerp(lerp(c00, c10, fy), lerp(c01, c11, fy), fz);
		boolean inside = x >= 0 && y >= 0 && z >= 0 && x <= nx - 1 && y <= ny - 1 && z <= nz - 1;
		return inside ? v : Float.NaN;
	}

	private static float lerp(float a, float b, float f) {
		return f == 0 ? a : a + f * (b - a);
	}

	private float voxel(int x, int y, int z) {
		if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) {
			return padHu;
		}
		return voxels[(z * ny + y) * nx + x];
	}
}
