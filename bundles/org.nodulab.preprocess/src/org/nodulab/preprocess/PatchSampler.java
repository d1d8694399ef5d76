package org.nodulab.preprocess;

import java.nio.ShortBuffer;

import org.nodulab.augment.SpatialTransform;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * Takes patches around candidates straight from the original volume, in world coordinates: the patch
 * grid (its own spacing, centred on the candidate) is moved by an augmentation transform (rotation,
 * flip, scale, translation in mm) and each voxel is one trilinear interpolation of the scan's HU. So
 * resampling, rotation and translation together cost a single interpolation and augmentation needs no
 * copy of the volume. The voxels are read where the volume keeps them (a memory-mapped data file
 * stays in the page cache, never on the heap). Outside the scan the patch is padded with {@code padHu}.
 * Output order: z, y, x (x fastest), as networks read NCDHW. Thread-safe: samplers share nothing
 * mutable, so several threads may sample one volume.
 */
public final class PatchSampler {

	private final VolumeGeometry geometry;
	private final ShortBuffer voxels;
	private final int nx;
	private final int ny;
	private final int nz;
	private final int nxy;
	private final float padHu;
	/** world to continuous index: index = inverse * (world - origin), inverse = S^-1 D^-1. */
	private final double[] inverse = new double[9];

	/**
	 * @param padHu value outside the volume (-1000 HU: air)
	 */
	public PatchSampler(Volume volume, float padHu) {
		this(volume.geometry(), volume.voxels(), padHu);
	}

	/** A sampler over voxels already in an array (x fastest, then y, then z). */
	public PatchSampler(VolumeGeometry geometry, short[] voxels, float padHu) {
		this(geometry, ShortBuffer.wrap(voxels), padHu);
	}

	private PatchSampler(VolumeGeometry geometry, ShortBuffer voxels, float padHu) {
		if (voxels.capacity() != geometry.voxelCount()) {
			throw new IllegalArgumentException("expected " + geometry.voxelCount() + " voxels, got " + voxels.capacity());
		}
		this.geometry = geometry;
		this.voxels = voxels;
		this.nx = geometry.size(0);
		this.ny = geometry.size(1);
		this.nz = geometry.size(2);
		this.nxy = nx * ny;
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

	/** Whether the voxels are read from a memory-mapped file (rather than the heap). */
	public boolean isMapped() {
		return voxels.isDirect();
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
		return sample(center, spec, transform, null, out, offset);
	}

	/**
	 * Several patches around one candidate under one transform (the scales of a multi-branch network),
	 * normalised when {@code normalizer} is not null.
	 *
	 * @param out one array per spec, each at least {@code specs[i].voxels()} long
	 * @return the number of patch voxels that fell outside the scan, over all patches
	 */
	public int sample(double[] center, PatchSpec[] specs, SpatialTransform transform, IntensityNormalizer normalizer,
			float[][] out) {
		int padded = 0;
		for (int i = 0; i < specs.length; i++) {
			padded += sample(center, specs[i], transform, normalizer, out[i], 0);
		}
		return padded;
	}

	/**
	 * One patch, normalised (window to [0, 1], mean subtracted) in the same pass when
	 * {@code normalizer} is not null.
	 *
	 * @return the number of patch voxels that fell outside the scan (padded)
	 */
	public int sample(double[] center, PatchSpec spec, SpatialTransform transform, IntensityNormalizer normalizer,
			float[] out, int offset) {
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
		int padded = interior(q, m, spec) ? sampleInterior(q, m, spec, out, offset)
				: sampleChecked(q, m, spec, out, offset);
		if (normalizer != null) {
			normalizer.apply(out, offset, spec.voxels());
		}
		return padded;
	}

	/** Whether every sampling position (an affine image of the patch box: check its corners) has all 8 neighbours. */
	private boolean interior(double[] q, double[] m, PatchSpec spec) {
		int[] last = { spec.width() - 1, spec.height() - 1, spec.depth() - 1 };
		int[] n = { nx, ny, nz };
		for (int r = 0; r < 3; r++) {
			double lo = q[r];
			double hi = q[r];
			for (int c = 0; c < 3; c++) {
				double d = m[r * 3 + c] * last[c];
				lo += Math.min(0, d);
				hi += Math.max(0, d);
			}
			if (!(lo >= 0 && hi < n[r] - 1 - 1e-6)) {
				return false;
			}
		}
		return true;
	}

	private int sampleInterior(double[] q, double[] m, PatchSpec spec, float[] out, int offset) {
		ShortBuffer v = voxels;
		int o = offset;
		int w = spec.width();
		for (int k = 0; k < spec.depth(); k++) {
			for (int j = 0; j < spec.height(); j++) {
				double x = q[0] + m[1] * j + m[2] * k;
				double y = q[1] + m[4] * j + m[5] * k;
				double z = q[2] + m[7] * j + m[8] * k;
				for (int i = 0; i < w; i++) {
					int x0 = (int) x;
					int y0 = (int) y;
					int z0 = (int) z;
					float fx = (float) (x - x0);
					float fy = (float) (y - y0);
					float fz = (float) (z - z0);
					int idx = (z0 * ny + y0) * nx + x0;
					float c000 = v.get(idx);
					float c100 = v.get(idx + 1);
					float c010 = v.get(idx + nx);
					float c110 = v.get(idx + nx + 1);
					float c001 = v.get(idx + nxy);
					float c101 = v.get(idx + nxy + 1);
					float c011 = v.get(idx + nxy + nx);
					float c111 = v.get(idx + nxy + nx + 1);
					float c00 = c000 + fx * (c100 - c000);
					float c10 = c010 + fx * (c110 - c010);
					float c01 = c001 + fx * (c101 - c001);
					float c11 = c011 + fx * (c111 - c011);
					float c0 = c00 + fy * (c10 - c00);
					float c1 = c01 + fy * (c11 - c01);
					out[o++] = c0 + fz * (c1 - c0);
					x += m[0];
					y += m[3];
					z += m[6];
				}
			}
		}
		return 0;
	}

	private int sampleChecked(double[] q, double[] m, PatchSpec spec, float[] out, int offset) {
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

	/** Trilinear HU at a continuous index; NaN when it lies outside, pad values for corners outside the scan. */
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
		return voxels.get((z * ny + y) * nx + x);
	}
}
