package org.nodulab.synth;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

import org.nodulab.core.concurrent.Parallel;

/**
 * A float volume on an axis-aligned grid in world millimetres, with the rendering operations the
 * phantom needs: soft-edged shapes blended by maximum (everything drawn into the lungs is denser than
 * the parenchyma around it), separable Gaussian blurs and correlated noise. Voxel (i, j, k) lies at
 * {@code origin + (i sx, j sy, k sz)}; values are x fastest.
 */
final class Grid {

	final int nx;
	final int ny;
	final int nz;
	final double[] origin;
	final double[] spacing;
	final float[] values;
	/** Width (mm) over which a shape's edge goes from 0 to 1: partial volume of one in-plane voxel. */
	final double edge;

	Grid(int nx, int ny, int nz, double[] origin, double[] spacing) {
		this.nx = nx;
		this.ny = ny;
		this.nz = nz;
		this.origin = origin.clone();
		this.spacing = spacing.clone();
		this.values = new float[Math.multiplyExact(Math.multiplyExact(nx, ny), nz)];
		this.edge = Math.max(spacing[0], spacing[1]);
	}

	double x(int i) {
		return origin[0] + i * spacing[0];
	}

	double y(int j) {
		return origin[1] + j * spacing[1];
	}

	double z(int k) {
		return origin[2] + k * spacing[2];
	}

	int index(int i, int j, int k) {
		return (k * ny + j) * nx + i;
	}

	/** A signed distance in mm (negative inside) and the HU a shape has at a point. */
	interface Shape {
		/** Signed distance (mm) of the world point from the shape's surface. */
		double distance(double x, double y, double z);
	}

	/**
	 * Draws a shape with a soft edge of width {@code edgeMm}: each voxel becomes the larger of its value
	 * and its value blended towards {@code hu} by the shape's coverage.
	 */
	void drawMax(Shape shape, double[] min, double[] max, float hu, double edgeMm) {
		int i0 = clampIndex((min[0] - edgeMm - origin[0]) / spacing[0], nx);
		int i1 = clampIndex((max[0] + edgeMm - origin[0]) / spacing[0] + 1, nx);
		int j0 = clampIndex((min[1] - edgeMm - origin[1]) / spacing[1], ny);
		int j1 = clampIndex((max[1] + edgeMm - origin[1]) / spacing[1] + 1, ny);
		int k0 = clampIndex((min[2] - edgeMm - origin[2]) / spacing[2], nz);
		int k1 = clampIndex((max[2] + edgeMm - origin[2]) / spacing[2] + 1, nz);
		for (int k = k0; k < k1; k++) {
			double z = z(k);
			for (int j = j0; j < j1; j++) {
				double y = y(j);
				int row = (k * ny + j) * nx;
				for (int i = i0; i < i1; i++) {
					double d = shape.distance(x(i), y, z);
					double cover = 0.5 - d / edgeMm;
					if (cover <= 0) {
						continue;
					}
					float c = cover >= 1 ? 1f : (float) cover;
					float v = values[row + i];
					float blended = v + c * (hu - v);
					if (blended > v) {
						values[row + i] = blended;
					}
				}
			}
		}
	}

	private static int clampIndex(double v, int n) {
		return (int) Math.max(0, Math.min(n, Math.floor(v)));
	}

	/** Gaussian blur along one axis (0 x, 1 y, 2 z) with sigma in voxels. */
	static void blur(float[] data, int nx, int ny, int nz, int axis, double sigma, ExecutorService pool) {
		if (sigma < 0.2) {
			return;
		}
		int radius = (int) Math.ceil(3 * sigma);
		float[] kernel = new float[2 * radius + 1];
		double sum = 0;
		for (int t = -radius; t <= radius; t++) {
			kernel[t + radius] = (float) Math.exp(-0.5 * t * t / (sigma * sigma));
			sum += kernel[t + radius];
		}
		for (int t = 0; t < kernel.length; t++) {
			kernel[t] /= (float) sum;
		}
		int n = axis == 0 ? nx : axis == 1 ? ny : nz;
		int stride = axis == 0 ? 1 : axis == 1 ? nx : nx * ny;
		// lines along the axis: one per (other two coordinates); split the lines over the pool by slab
		int outer = axis == 2 ? ny : nz; // slabs that do not overlap
		Parallel.ranges(outer, pool, (from, to) -> {
			float[] line = new float[n];
			for (int o = from; o < to; o++) {
				int inner = axis == 2 ? nx : (axis == 0 ? ny : nx);
				for (int p = 0; p < inner; p++) {
					int start = switch (axis) {
					case 0 -> (o * ny + p) * nx;
					case 1 -> o * nx * ny + p;
					default -> o * nx + p;
					};
					for (int q = 0; q < n; q++) {
						line[q] = data[start + q * stride];
					}
					for (int q = 0; q < n; q++) {
						float acc = 0;
						for (int t = -radius; t <= radius; t++) {
							int s = q + t;
							s = s < 0 ? 0 : s >= n ? n - 1 : s; // edges replicate
							acc += kernel[t + radius] * line[s];
						}
						data[start + q * stride] = acc;
					}
				}
			}
		});
	}

	/** 3D Gaussian blur with sigma in mm. */
	void blurMm(float[] data, double sigmaMm, ExecutorService pool) {
		blur(data, nx, ny, nz, 0, sigmaMm / spacing[0], pool);
		blur(data, nx, ny, nz, 1, sigmaMm / spacing[1], pool);
		blur(data, nx, ny, nz, 2, sigmaMm / spacing[2], pool);
	}

	/** Seeded Gaussian white noise, one generator per slice so that threads do not change the result. */
	float[] whiteNoise(long seed, ExecutorService pool) {
		float[] noise = new float[values.length];
		int plane = nx * ny;
		Parallel.ranges(nz, pool, (from, to) -> {
			for (int k = from; k < to; k++) {
				SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k);
				for (int p = 0; p < plane; p++) {
					noise[k * plane + p] = (float) r.nextGaussian();
				}
			}
		});
		return noise;
	}
}
