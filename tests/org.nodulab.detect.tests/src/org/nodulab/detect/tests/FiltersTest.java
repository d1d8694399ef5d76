package org.nodulab.detect.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nodulab.detect.supplier.blob.Gaussian;
import org.nodulab.detect.supplier.blob.Hessian;

/** The blob detector's building blocks against direct computations. */
class FiltersTest {

	@Test
	void separableSmoothingEqualsTheDirectThreeDimensionalConvolution() {
		int nx = 13;
		int ny = 9;
		int nz = 7;
		float[] src = new float[nx * ny * nz];
		SplittableRandom r = new SplittableRandom(3);
		for (int i = 0; i < src.length; i++) {
			src[i] = (float) r.nextDouble(-1000, 400);
		}
		float[] copy = src.clone();
		for (double sigma : new double[] { 0.7, 1.6 }) {
			float[] dst = new float[src.length];
			Gaussian.smooth(src, dst, new float[src.length], nx, ny, nz, sigma, null);
			assertArrayEquals(copy, src, "the source is left unchanged");
			float[] k = Gaussian.kernel(sigma);
			int rad = k.length / 2;
			double sum = 0;
			for (float w : k) {
				sum += w;
			}
			assertEquals(1, sum, 1e-6, "the kernel is normalised");
			for (int z = 0; z < nz; z++) {
				for (int y = 0; y < ny; y++) {
					for (int x = 0; x < nx; x++) {
						double expected = 0;
						for (int c = -rad; c <= rad; c++) {
							for (int b = -rad; b <= rad; b++) {
								for (int a = -rad; a <= rad; a++) {
									int xx = Math.min(nx - 1, Math.max(0, x + a)); // edges replicated
									int yy = Math.min(ny - 1, Math.max(0, y + b));
									int zz = Math.min(nz - 1, Math.max(0, z + c));
									expected += (double) k[a + rad] * k[b + rad] * k[c + rad] * src[(zz * ny + yy) * nx + xx];
								}
							}
						}
						assertEquals(expected, dst[(z * ny + y) * nx + x], 2e-3, "voxel " + x + "," + y + "," + z + " at sigma " + sigma);
					}
				}
			}
		}
	}

	@Test
	void eigenvaluesOfARotatedDiagonalMatrixAreItsDiagonal() {
		SplittableRandom r = new SplittableRandom(8);
		for (int trial = 0; trial < 50; trial++) {
			double[] d = { -r.nextDouble(0, 5), -r.nextDouble(0, 5), r.nextDouble(-5, 5) };
			double[][] q = rotation(r);
			double[][] m = new double[3][3];
			for (int i = 0; i < 3; i++) {
				for (int j = 0; j < 3; j++) {
					for (int k = 0; k < 3; k++) {
						m[i][j] += q[i][k] * d[k] * q[j][k];
					}
				}
			}
			double[] e = Hessian.eigenvalues(m[0][0], m[1][1], m[2][2], m[0][1], m[0][2], m[1][2]);
			double[] sorted = d.clone();
			java.util.Arrays.sort(sorted);
			assertArrayEquals(sorted, e, 1e-9);
		}
		assertArrayEquals(new double[] { -3, -2, 1 }, Hessian.eigenvalues(1, -2, -3, 0, 0, 0), 1e-12, "diagonal");
	}

	@Test
	void roundnessIsOneForABallAndZeroForATubeOrASaddle() {
		assertEquals(1, Hessian.roundness(new double[] { -3, -3, -3 }), 1e-12);
		assertEquals(0.5, Hessian.roundness(new double[] { -4, -3, -2 }), 1e-12);
		assertEquals(0, Hessian.roundness(new double[] { -3, -3, 0 }), 1e-12, "a tube: no curvature along it");
		assertEquals(0, Hessian.roundness(new double[] { -3, -2, 0.5 }), 1e-12, "a saddle");
		assertEquals(0, Hessian.roundness(new double[] { 1, 2, 3 }), 1e-12, "a dark spot");
	}

	private static double[][] rotation(SplittableRandom r) {
		double[] a = { r.nextGaussian(), r.nextGaussian(), r.nextGaussian() };
		double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
		double[] u = { a[0] / n, a[1] / n, a[2] / n };
		double t = r.nextDouble(0, Math.PI);
		double c = Math.cos(t);
		double s = Math.sin(t);
		return new double[][] {
				{ c + u[0] * u[0] * (1 - c), u[0] * u[1] * (1 - c) - u[2] * s, u[0] * u[2] * (1 - c) + u[1] * s },
				{ u[1] * u[0] * (1 - c) + u[2] * s, c + u[1] * u[1] * (1 - c), u[1] * u[2] * (1 - c) - u[0] * s },
				{ u[2] * u[0] * (1 - c) - u[1] * s, u[2] * u[1] * (1 - c) + u[0] * s, c + u[2] * u[2] * (1 - c) } };
	}
}
