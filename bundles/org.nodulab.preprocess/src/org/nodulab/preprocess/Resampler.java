package org.nodulab.preprocess;

import java.nio.ShortBuffer;

import org.nodulab.core.concurrent.Parallel;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * Resamples a volume to new voxel sizes with trilinear interpolation, done as separable linear passes
 * (exactly trilinear): each input slice is resampled in-plane (along y, then x) when an output slice
 * first needs it, and output slices interpolate between two resampled input slices (along z), with the
 * HU window fused into that last pass. Threads take contiguous slabs of output slices and keep only
 * the two input planes they are between, so memory is the output plus a few planes, and the voxels are
 * read where the volume keeps them (a memory-mapped file is never copied to the heap). The first voxel
 * centre stays where it was; the grid covers the same extent ({@code floor((n - 1) * old / new) + 1}
 * voxels per axis); the direction is kept.
 */
public final class Resampler {

	private Resampler() {
	}

	/** The geometry of the resampled grid. */
	public static VolumeGeometry resampledGeometry(VolumeGeometry g, double[] spacing) {
		int[] size = new int[3];
		for (int a = 0; a < 3; a++) {
			if (!(spacing[a] > 0)) {
				throw new IllegalArgumentException("spacing must be positive, got " + spacing[a]);
			}
			size[a] = (int) Math.floor((g.size(a) - 1) * g.spacing()[a] / spacing[a] + 1e-9) + 1;
		}
		return new VolumeGeometry(size, spacing, g.origin(), g.direction());
	}

	/** Resampled HU as floats. */
	public static FloatVolume resample(Volume volume, double[] spacing) {
		return resample(volume, spacing, null);
	}

	/** Resampled, then windowed to [0, 1] when {@code window} is not null (fused into the last pass). */
	public static FloatVolume resample(Volume volume, double[] spacing, HuWindow window) {
		return resample(volume, spacing, window, null);
	}

	/**
	 * Like {@link #resample(Volume, double[], HuWindow)}, writing into {@code reuse} when it has exactly
	 * the output's size: a pipeline that preprocesses scan after scan then touches no fresh memory (the
	 * first write to a new array costs as much as the resampling itself).
	 */
	public static FloatVolume resample(Volume volume, double[] spacing, HuWindow window, float[] reuse) {
		VolumeGeometry in = volume.geometry();
		VolumeGeometry out = resampledGeometry(in, spacing);
		int nx = in.size(0);
		int ny = in.size(1);
		int mx = out.size(0);
		int my = out.size(1);
		int mz = out.size(2);
		Axis ax = new Axis(nx, mx, in.spacing()[0], spacing[0]);
		Axis ay = new Axis(ny, my, in.spacing()[1], spacing[1]);
		Axis az = new Axis(in.size(2), mz, in.spacing()[2], spacing[2]);
		ShortBuffer source = volume.voxels();
		int plane = mx * my;
		float[] c = reuse != null && reuse.length == (long) plane * mz ? reuse : new float[plane * mz];
		float lo = window == null ? 0 : (float) window.min();
		float scale = window == null ? 1 : (float) (1 / (window.max() - window.min()));
		Parallel.ranges(mz, (z0, z1) -> {
			short[] slab = new short[nx * ny];
			float[] row = new float[nx];
			Plane lower = new Plane(plane);
			Plane upper = new Plane(plane);
			for (int z = z0; z < z1; z++) {
				int i = az.index[z];
				float f = az.weight[z];
				if (lower.slice != i) {
					if (upper.slice == i) {
						Plane t = lower;
						lower = upper;
						upper = t;
					} else {
						inPlane(source, i, nx, ny, mx, my, ax, ay, slab, row, lower);
					}
				}
				if (f != 0 && upper.slice != i + 1) {
					inPlane(source, i + 1, nx, ny, mx, my, ax, ay, slab, row, upper);
				}
				float[] p0 = lower.values;
				float[] p1 = f == 0 ? p0 : upper.values;
				int dst = z * plane;
				// two straight loops without branches, which the JIT turns into vector instructions (a conditional
				// clamp in the loop kept it scalar: three quarters of the time went here)
				if (window == null) {
					for (int k = 0; k < plane; k++) {
						float v0 = p0[k];
						c[dst + k] = v0 + f * (p1[k] - v0);
					}
				} else {
					for (int k = 0; k < plane; k++) {
						float v0 = p0[k];
						c[dst + k] = Math.min(1f, Math.max(0f, (v0 + f * (p1[k] - v0) - lo) * scale));
					}
				}
			}
		});
		return new FloatVolume(out, c);
	}

	/** One input slice resampled in-plane. */
	private static final class Plane {
		final float[] values;
		int slice = -1;

		Plane(int size) {
			values = new float[size];
		}
	}

	/**
	 * Input slice {@code z} resampled along y, then along x, into {@code target}. The slice is copied in one bulk read
	 * into {@code slab} (a mapped file is read once, without a bounds check per voxel); the y pass combines two whole
	 * input rows, a loop the JIT vectorises; the x pass, the only one that gathers, then runs over the
	 * {@code my} output rows rather than the {@code ny} input rows (fewer when the scan is finer than the target).
	 */
	private static void inPlane(ShortBuffer source, int z, int nx, int ny, int mx, int my, Axis ax, Axis ay, short[] slab,
			float[] row, Plane target) {
		source.get(z * nx * ny, slab, 0, nx * ny);
		float[] b = target.values;
		int[] xi = ax.index;
		float[] xf = ax.weight;
		for (int y = 0; y < my; y++) {
			int r0 = ay.index[y] * nx;
			float f = ay.weight[y];
			if (f == 0) {
				for (int x = 0; x < nx; x++) {
					row[x] = slab[r0 + x];
				}
			} else {
				int r1 = r0 + nx;
				for (int x = 0; x < nx; x++) {
					float v0 = slab[r0 + x];
					row[x] = v0 + f * (slab[r1 + x] - v0);
				}
			}
			int dst = y * mx;
			for (int x = 0; x < mx; x++) {
				int i = xi[x];
				float v0 = row[i];
				// the last column has weight 0 and no right neighbour: clamp the index, the product is 0
				b[dst + x] = v0 + xf[x] * (row[Math.min(i + 1, nx - 1)] - v0);
			}
		}
		target.slice = z;
	}

	/** Source index and fraction for every output position along one axis. */
	private static final class Axis {
		final int[] index;
		final float[] weight;

		Axis(int n, int m, double oldSpacing, double newSpacing) {
			index = new int[m];
			weight = new float[m];
			for (int o = 0; o < m; o++) {
				double pos = o * newSpacing / oldSpacing;
				int i = (int) Math.floor(pos);
				double f = pos - i;
				if (i >= n - 1) {
					i = n - 1;
					f = 0;
				}
				index[o] = i;
				weight[o] = (float) f;
			}
		}
	}
}
