package org.nodulab.preprocess.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nodulab.augment.SpatialTransform;
import org.nodulab.preprocess.FloatVolume;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.preprocess.Resampler;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

class PatchSamplerTest {

	/** HU = a*x + b*y + c*z + d in world mm, on an anisotropic grid with a rotated direction. */
	static Volume ramp(VolumeGeometry g, double a, double b, double c, double d) {
		short[] v = new short[(int) g.voxelCount()];
		int[] n = g.size();
		for (int z = 0; z < n[2]; z++) {
			for (int y = 0; y < n[1]; y++) {
				for (int x = 0; x < n[0]; x++) {
					double[] w = g.voxelToWorld(new double[] { x, y, z });
					v[(z * n[1] + y) * n[0] + x] = (short) Math.round(a * w[0] + b * w[1] + c * w[2] + d);
				}
			}
		}
		return new Volume(g, v);
	}

	@Test
	void aLinearRampIsReproducedUnderAnyRotationAndShift() {
		// integer-valued ramp: slopes chosen so every voxel centre is an integer HU
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { 60, 50, 40 }, new double[] { 1, 1, 2 },
				new double[] { -30, -25, -40 });
		Volume v = ramp(g, 3, -2, 5, 10);
		PatchSampler sampler = new PatchSampler(v, -1000);
		SplittableRandom random = new SplittableRandom(3);
		for (int trial = 0; trial < 20; trial++) {
			double angle = random.nextDouble(-Math.PI, Math.PI);
			SpatialTransform t = SpatialTransform.translation(random.nextDouble(-2, 2), random.nextDouble(-2, 2),
					random.nextDouble(-2, 2)).after(SpatialTransform.rotation(trial % 3, angle));
			double[] center = { random.nextDouble(-5, 5), random.nextDouble(-5, 5), random.nextDouble(-5, 5) };
			PatchSpec spec = PatchSpec.cube(9, 0.75);
			float[] out = new float[spec.voxels()];
			assertEquals(0, sampler.sample(center, spec, t, out, 0));
			int o = 0;
			for (int k = 0; k < 9; k++) {
				for (int j = 0; j < 9; j++) {
					for (int i = 0; i < 9; i++) {
						double[] w = t.apply(new double[] { (i - 4) * 0.75, (j - 4) * 0.75, (k - 4) * 0.75 });
						double expected = 3 * (center[0] + w[0]) - 2 * (center[1] + w[1]) + 5 * (center[2] + w[2]) + 10;
						assertEquals(expected, out[o++], 2e-3);
					}
				}
			}
		}
	}

	@Test
	void aRotatedPatchEqualsThePatchOfTheRotatedVolume() {
		int n = 21;
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { n, n, n }, new double[] { 1, 1, 1 }, new double[3]);
		short[] values = new short[n * n * n];
		SplittableRandom random = new SplittableRandom(1);
		for (int i = 0; i < values.length; i++) {
			values[i] = (short) random.nextInt(-1000, 400);
		}
		// the volume rotated by 90 degrees about z around the centre voxel (10, 10): (x, y) -> (20 - y, x)
		short[] rotated = new short[values.length];
		for (int z = 0; z < n; z++) {
			for (int y = 0; y < n; y++) {
				for (int x = 0; x < n; x++) {
					rotated[(z * n + x) * n + (20 - y)] = values[(z * n + y) * n + x];
				}
			}
		}
		double[] center = { 10, 10, 10 };
		PatchSpec spec = PatchSpec.cube(11, 1);
		float[] fromRotatedVolume = new float[spec.voxels()];
		new PatchSampler(g, rotated, -1000).sample(center, spec, SpatialTransform.identity(), fromRotatedVolume, 0);
		float[] rotatedPatch = new float[spec.voxels()];
		// sampling the original under the inverse rotation gives the rotated volume's patch
		new PatchSampler(g, values, -1000).sample(center, spec, SpatialTransform.rotation(2, -Math.PI / 2), rotatedPatch, 0);
		assertArrayEquals(fromRotatedVolume, rotatedPatch);
	}

	@Test
	void aMemoryMappedVolumeSamplesLikeOneOnTheHeap() {
		VolumeGeometry g = new VolumeGeometry(new int[] { 30, 28, 20 }, new double[] { 0.7, 0.8, 1.5 },
				new double[] { -10, 5, -40 }, new double[] { 0, -1, 0, 1, 0, 0, 0, 0, 1 });
		short[] values = new short[(int) g.voxelCount()];
		SplittableRandom random = new SplittableRandom(9);
		for (int i = 0; i < values.length; i++) {
			values[i] = (short) random.nextInt(-1000, 1000);
		}
		java.nio.ShortBuffer direct = java.nio.ByteBuffer.allocateDirect(values.length * 2)
				.order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer();
		direct.put(values).flip();
		Volume mapped = new Volume(g, direct);
		assertEquals(true, mapped.isMapped());
		PatchSampler heap = new PatchSampler(new Volume(g, values), -1000);
		PatchSampler off = new PatchSampler(mapped, -1000);
		double[] centre = g.voxelToWorld(new double[] { 15, 14, 10 });
		double[] edge = g.voxelToWorld(new double[] { 1, 2, 1 });
		PatchSpec spec = new PatchSpec(7, 9, 11, 1, 0.9, 0.8);
		for (double[] c : new double[][] { centre, edge }) {
			SpatialTransform t = SpatialTransform.rotation(1, 0.4).after(SpatialTransform.translation(0.3, -0.2, 0.1));
			float[] a = new float[spec.voxels()];
			float[] b = new float[spec.voxels()];
			assertEquals(heap.sample(c, spec, t, a, 0), off.sample(c, spec, t, b, 0));
			assertArrayEquals(a, b);
		}
	}

	@Test
	void atTheBorderInsideVoxelsStillFollowTheRamp() {
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { 20, 20, 20 }, new double[] { 1, 1, 1 }, new double[3]);
		Volume v = ramp(g, 2, -3, 1, 5);
		PatchSpec spec = PatchSpec.cube(8, 1);
		float[] out = new float[spec.voxels()];
		double[] centre = { 1.25, 10.5, 10.25 }; // the patch sticks out of the volume at x < 0
		int padded = new PatchSampler(v, -1000).sample(centre, spec, SpatialTransform.identity(), out, 0);
		assertEquals(8 * 8 * 3, padded, "x = -2.25, -1.25 and -0.25 are outside");
		int o = 0;
		for (int k = 0; k < 8; k++) {
			for (int j = 0; j < 8; j++) {
				for (int i = 0; i < 8; i++) {
					double x = centre[0] + i - 3.5;
					double y = centre[1] + j - 3.5;
					double z = centre[2] + k - 3.5;
					assertEquals(x < 0 ? -1000 : 2 * x - 3 * y + z + 5, out[o++], 1e-3);
				}
			}
		}
	}

	@Test
	void outsideTheScanIsPaddedAndCounted() {
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { 10, 10, 10 }, new double[] { 1, 1, 1 }, new double[3]);
		Volume v = ramp(g, 0, 0, 0, 50);
		PatchSpec spec = PatchSpec.cube(4, 1);
		float[] out = new float[spec.voxels()];
		// centre at the corner voxel: the patch spans -1.5..1.5, so x, y and z below 0 are outside
		int padded = new PatchSampler(v, -1000).sample(new double[] { 0, 0, 0 }, spec, SpatialTransform.identity(), out, 0);
		assertEquals(64 - 8, padded);
		assertEquals(50f, out[(2 * 4 + 2) * 4 + 2]);
		assertEquals(-1000f, out[0]);
	}

	@Test
	void resamplingKeepsTheFirstVoxelAndReproducesRamps() {
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { 31, 23, 11 }, new double[] { 0.7, 0.8, 2.5 },
				new double[] { 10, 20, -100 });
		Volume v = ramp(g, 10, 5, 2, -300);
		FloatVolume r = Resampler.resample(v, new double[] { 1, 1, 1 });
		assertArrayEquals(new int[] { 22, 18, 26 }, r.geometry().size());
		assertArrayEquals(g.origin(), r.geometry().origin());
		int[] n = r.geometry().size();
		for (int z = 0; z < n[2]; z++) {
			for (int y = 0; y < n[1]; y++) {
				for (int x = 0; x < n[0]; x++) {
					double[] w = r.geometry().voxelToWorld(new double[] { x, y, z });
					double exact = 10 * w[0] + 5 * w[1] + 2 * w[2] - 300;
					assertEquals(exact, r.get(x, y, z), 0.51, "at " + x + "," + y + "," + z); // ramp rounded to int16
				}
			}
		}
		float[] reuse = new float[r.values().length];
		java.util.Arrays.fill(reuse, Float.NaN);
		FloatVolume again = Resampler.resample(v, new double[] { 1, 1, 1 }, null, reuse);
		assertEquals(true, again.values() == reuse, "an output array of the right size is written into");
		assertArrayEquals(r.values(), again.values());
		assertEquals(false, Resampler.resample(v, new double[] { 1, 1, 1 }, null, new float[3]).values().length == 3);
		FloatVolume windowed = Resampler.resample(v, new double[] { 1, 1, 1 }, new HuWindow("w", -200, 200));
		for (float value : windowed.values()) {
			assertEquals(true, value >= 0 && value <= 1);
		}
	}
}
