package org.nodulab.preprocess;

import java.util.Arrays;

import org.nodulab.core.concurrent.Parallel;

/**
 * Exact squared Euclidean distance transform (Felzenszwalb and Huttenlocher, one pass of lower
 * envelopes of parabolas per axis) with anisotropic voxel spacing; gives dilations and erosions by a
 * ball of any radius in mm in linear time.
 */
public final class DistanceTransform {

	private static final float INF = 1e20f;

	private DistanceTransform() {
	}

	/** Squared distance in mm^2 from each voxel to the nearest voxel where {@code mask} is set. */
	public static float[] squared(byte[] mask, int[] size, double[] spacing) {
		int nx = size[0];
		int ny = size[1];
		int nz = size[2];
		float[] d = new float[mask.length];
		for (int i = 0; i < d.length; i++) {
			d[i] = mask[i] != 0 ? 0 : INF;
		}
		int max = Math.max(nx, Math.max(ny, nz));
		Parallel.ranges(nz, (z0, z1) -> {
			float[] f = new float[max];
			float[] out = new float[max];
			int[] v = new int[max];
			float[] zz = new float[max + 1];
			for (int z = z0; z < z1; z++) {
				for (int y = 0; y < ny; y++) {
					pass(d, (z * ny + y) * nx, 1, nx, (float) spacing[0], f, out, v, zz);
				}
				for (int x = 0; x < nx; x++) {
					pass(d, z * ny * nx + x, nx, ny, (float) spacing[1], f, out, v, zz);
				}
			}
		});
		Parallel.ranges(ny, (y0, y1) -> {
			float[] f = new float[max];
			float[] out = new float[max];
			int[] v = new int[max];
			float[] zz = new float[max + 1];
			for (int y = y0; y < y1; y++) {
				for (int x = 0; x < nx; x++) {
					pass(d, y * nx + x, nx * ny, nz, (float) spacing[2], f, out, v, zz);
				}
			}
		});
		return d;
	}

	/** One 1D pass over {@code n} values starting at {@code start} with {@code stride}. */
	private static void pass(float[] d, int start, int stride, int n, float h, float[] f, float[] out, int[] v,
			float[] z) {
		boolean any = false;
		for (int i = 0; i < n; i++) {
			f[i] = d[start + i * stride];
			any |= f[i] < INF;
		}
		if (!any) {
			return;
		}
		float h2 = h * h;
		int k = 0;
		v[0] = firstFinite(f, n);
		z[0] = -INF;
		z[1] = INF;
		for (int q = v[0] + 1; q < n; q++) {
			if (f[q] >= INF) {
				continue;
			}
			float s;
			while (true) {
				int p = v[k];
				s = ((f[q] + h2 * q * q) - (f[p] + h2 * p * p)) / (2 * h2 * (q - p));
				if (s <= z[k] && k > 0) {
					k--;
				} else {
					break;
				}
			}
			if (s <= z[k]) { // k == 0: the new parabola dominates everywhere
				v[0] = q;
				z[0] = -INF;
				z[1] = INF;
				continue;
			}
			k++;
			v[k] = q;
			z[k] = s;
			z[k + 1] = INF;
		}
		k = 0;
		for (int q = 0; q < n; q++) {
			while (z[k + 1] < q) {
				k++;
			}
			float dq = h * (q - v[k]);
			out[q] = dq * dq + f[v[k]];
		}
		for (int i = 0; i < n; i++) {
			d[start + i * stride] = out[i];
		}
	}

	private static int firstFinite(float[] f, int n) {
		for (int i = 0; i < n; i++) {
			if (f[i] < INF) {
				return i;
			}
		}
		return 0;
	}

	/** The mask grown by a ball of {@code radius} mm. */
	public static byte[] dilate(byte[] mask, int[] size, double[] spacing, double radius) {
		float[] d = squared(mask, size, spacing);
		float r2 = (float) (radius * radius);
		byte[] out = new byte[mask.length];
		for (int i = 0; i < out.length; i++) {
			out[i] = d[i] <= r2 ? (byte) 1 : 0;
		}
		return out;
	}

	/** The mask shrunk by a ball of {@code radius} mm. */
	public static byte[] erode(byte[] mask, int[] size, double[] spacing, double radius) {
		byte[] inverse = new byte[mask.length];
		for (int i = 0; i < mask.length; i++) {
			inverse[i] = mask[i] != 0 ? 0 : (byte) 1;
		}
		byte[] grown = dilate(inverse, size, spacing, radius);
		for (int i = 0; i < grown.length; i++) {
			grown[i] = grown[i] != 0 ? 0 : (byte) 1;
		}
		return grown;
	}

	static byte[] copy(byte[] mask) {
		return Arrays.copyOf(mask, mask.length);
	}
}
