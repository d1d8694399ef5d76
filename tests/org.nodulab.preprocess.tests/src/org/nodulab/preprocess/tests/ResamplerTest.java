package org.nodulab.preprocess.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nodulab.preprocess.FloatVolume;
import org.nodulab.preprocess.Resampler;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

class ResamplerTest {

	/** Trilinear interpolation of the voxels at voxel position (px, py, pz), straight from its definition. */
	private static double trilinear(short[] v, int[] n, double px, double py, double pz) {
		int[] i = new int[3];
		double[] f = new double[3];
		double[] p = { px, py, pz };
		for (int a = 0; a < 3; a++) {
			i[a] = (int) Math.floor(p[a]);
			f[a] = p[a] - i[a];
			if (i[a] >= n[a] - 1) {
				i[a] = n[a] - 1;
				f[a] = 0;
			}
		}
		double sum = 0;
		for (int dz = 0; dz < 2; dz++) {
			for (int dy = 0; dy < 2; dy++) {
				for (int dx = 0; dx < 2; dx++) {
					double w = (dx == 0 ? 1 - f[0] : f[0]) * (dy == 0 ? 1 - f[1] : f[1]) * (dz == 0 ? 1 - f[2] : f[2]);
					if (w == 0) {
						continue;
					}
					int x = i[0] + dx;
					int y = i[1] + dy;
					int z = i[2] + dz;
					sum += w * v[(z * n[1] + y) * n[0] + x];
				}
			}
		}
		return sum;
	}

	@Test
	void everyOutputVoxelIsTheTrilinearInterpolationOfNoise() {
		// noise, not a ramp: a pass that reads the wrong row, column or slice cannot hide behind linearity
		int[] n = { 37, 29, 13 };
		VolumeGeometry g = VolumeGeometry.axisAligned(n, new double[] { 0.7, 0.85, 2.5 }, new double[] { -5, 3, -100 });
		short[] v = new short[n[0] * n[1] * n[2]];
		SplittableRandom random = new SplittableRandom(11);
		for (int k = 0; k < v.length; k++) {
			v[k] = (short) random.nextInt(-1024, 1500);
		}
		Volume volume = new Volume(g, v);
		for (double[] spacing : new double[][] { { 1, 1, 1 }, { 0.5, 0.6, 1.25 }, { 0.7, 0.85, 2.5 } }) {
			FloatVolume r = Resampler.resample(volume, spacing);
			int[] m = r.geometry().size();
			for (int a = 0; a < 3; a++) {
				assertEquals((int) Math.floor((n[a] - 1) * g.spacing()[a] / spacing[a] + 1e-9) + 1, m[a], "size along axis " + a);
			}
			for (int z = 0; z < m[2]; z++) {
				for (int y = 0; y < m[1]; y++) {
					for (int x = 0; x < m[0]; x++) {
						double expected = trilinear(v, n, x * spacing[0] / 0.7, y * spacing[1] / 0.85, z * spacing[2] / 2.5);
						assertEquals(expected, r.get(x, y, z), 1e-3 * Math.max(1, Math.abs(expected)),
								"voxel " + x + "," + y + "," + z + " at spacing " + java.util.Arrays.toString(spacing));
					}
				}
			}
			HuWindow window = new HuWindow("lung", -1000, 400);
			FloatVolume w = Resampler.resample(volume, spacing, window);
			for (int k = 0; k < w.values().length; k++) {
				double hu = r.values()[k];
				assertEquals(Math.min(1, Math.max(0, (hu + 1000) / 1400)), w.values()[k], 1e-5, "windowed voxel " + k);
			}
		}
		// the same spacing as the input reproduces it exactly
		assertArrayEquals(toFloats(v), Resampler.resample(volume, new double[] { 0.7, 0.85, 2.5 }).values());
	}

	private static float[] toFloats(short[] v) {
		float[] f = new float[v.length];
		for (int k = 0; k < v.length; k++) {
			f[k] = v[k];
		}
		return f;
	}
}
