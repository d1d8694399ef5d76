package org.nodulab.detect.supplier.blob;

import java.util.concurrent.ExecutorService;

import org.nodulab.core.concurrent.Parallel;

/**
 * Separable 3D Gaussian smoothing of a float volume (x fastest, then y, then z), edges replicated. Every
 * pass runs its innermost loop along x over whole rows, so the JIT vectorises it, and each output voxel is
 * summed in the same order whatever the number of threads (the result is bit-identical).
 */
public final class Gaussian {

	private Gaussian() {
	}

	/** Normalised kernel of {@code sigma} voxels, radius {@code ceil(3 sigma)}; {1} for sigma under 0.05. */
	public static float[] kernel(double sigma) {
		if (sigma < 0.05) {
			return new float[] { 1f };
		}
		int radius = (int) Math.ceil(3 * sigma);
		double[] k = new double[2 * radius + 1];
		double sum = 0;
		for (int t = -radius; t <= radius; t++) {
			k[t + radius] = Math.exp(-0.5 * t * t / (sigma * sigma));
			sum += k[t + radius];
		}
		float[] out = new float[k.length];
		for (int t = 0; t < k.length; t++) {
			out[t] = (float) (k[t] / sum);
		}
		return out;
	}

	/**
	 * Smooths {@code src} into {@code dst} with {@code sigma} voxels along each axis, using {@code tmp} as
	 * scratch; {@code src} is left unchanged. All three arrays have {@code nx * ny * nz} values.
	 */
	public static void smooth(float[] src, float[] dst, float[] tmp, int nx, int ny, int nz, double sigma, ExecutorService pool) {
		float[] k = kernel(sigma);
		alongX(src, dst, nx, ny, nz, k, pool);
		alongY(dst, tmp, nx, ny, nz, k, pool);
		alongZ(tmp, dst, nx, ny, nz, k, pool);
	}

	static void alongX(float[] src, float[] dst, int nx, int ny, int nz, float[] k, ExecutorService pool) {
		int r = k.length / 2;
		Parallel.ranges(nz * ny, pool, (from, to) -> {
			float[] line = new float[nx + 2 * r];
			for (int row = from; row < to; row++) {
				int off = row * nx;
				// the row with r replicated values on each side
				float first = src[off];
				float last = src[off + nx - 1];
				for (int i = 0; i < r; i++) {
					line[i] = first;
					line[r + nx + i] = last;
				}
				System.arraycopy(src, off, line, r, nx);
				for (int x = 0; x < nx; x++) {
					dst[off + x] = 0f;
				}
				for (int t = 0; t < k.length; t++) {
					float w = k[t];
					for (int x = 0; x < nx; x++) {
						dst[off + x] += w * line[x + t];
					}
				}
			}
		});
	}

	static void alongY(float[] src, float[] dst, int nx, int ny, int nz, float[] k, ExecutorService pool) {
		int r = k.length / 2;
		Parallel.ranges(nz, pool, (from, to) -> {
			for (int z = from; z < to; z++) {
				int slice = z * nx * ny;
				for (int y = 0; y < ny; y++) {
					int out = slice + y * nx;
					for (int x = 0; x < nx; x++) {
						dst[out + x] = 0f;
					}
					for (int t = 0; t < k.length; t++) {
						int yy = Math.min(ny - 1, Math.max(0, y + t - r));
						int in = slice + yy * nx;
						float w = k[t];
						for (int x = 0; x < nx; x++) {
							dst[out + x] += w * src[in + x];
						}
					}
				}
			}
		});
	}

	static void alongZ(float[] src, float[] dst, int nx, int ny, int nz, float[] k, ExecutorService pool) {
		int r = k.length / 2;
		int plane = nx * ny;
		// rows of the output in parallel: each thread owns whole (z, y) rows
		Parallel.ranges(nz * ny, pool, (from, to) -> {
			for (int row = from; row < to; row++) {
				int z = row / ny;
				int y = row % ny;
				int out = z * plane + y * nx;
				for (int x = 0; x < nx; x++) {
					dst[out + x] = 0f;
				}
				for (int t = 0; t < k.length; t++) {
					int zz = Math.min(nz - 1, Math.max(0, z + t - r));
					int in = zz * plane + y * nx;
					float w = k[t];
					for (int x = 0; x < nx; x++) {
						dst[out + x] += w * src[in + x];
					}
				}
			}
		});
	}
}
