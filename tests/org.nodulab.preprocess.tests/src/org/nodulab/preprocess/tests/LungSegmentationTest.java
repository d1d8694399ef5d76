package org.nodulab.preprocess.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nodulab.preprocess.DistanceTransform;
import org.nodulab.preprocess.LungMask;
import org.nodulab.preprocess.LungSegmentation;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

class LungSegmentationTest {

	@Test
	void theDistanceTransformIsExactWithAnisotropicSpacing() {
		int[] size = { 17, 13, 9 };
		double[] spacing = { 0.7, 1.1, 2.5 };
		byte[] mask = new byte[17 * 13 * 9];
		SplittableRandom random = new SplittableRandom(4);
		for (int i = 0; i < 6; i++) {
			mask[random.nextInt(mask.length)] = 1;
		}
		float[] d = DistanceTransform.squared(mask, size, spacing);
		for (int i = 0; i < mask.length; i++) {
			double best = Double.MAX_VALUE;
			for (int j = 0; j < mask.length; j++) {
				if (mask[j] != 0) {
					double dx = (i % 17 - j % 17) * 0.7;
					double dy = (i / 17 % 13 - j / 17 % 13) * 1.1;
					double dz = (i / (17 * 13) - j / (17 * 13)) * 2.5;
					best = Math.min(best, dx * dx + dy * dy + dz * dz);
				}
			}
			assertEquals(best, d[i], 1e-3 * Math.max(1, best));
		}
	}

	/** A body (soft tissue) with two ellipsoid lungs, a vessel and a nodule inside one, air around. */
	@Test
	void twoLungsAreFoundWithTheirVesselsAndNodulesInside() {
		int nx = 80;
		int ny = 64;
		int nz = 40;
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { nx, ny, nz }, new double[] { 1.5, 1.5, 2 },
				new double[3]);
		short[] hu = new short[nx * ny * nz];
		byte[] truth = new byte[hu.length];
		for (int z = 0; z < nz; z++) {
			for (int y = 0; y < ny; y++) {
				for (int x = 0; x < nx; x++) {
					int i = (z * ny + y) * nx + x;
					double bx = (x - 40) / 36.0;
					double by = (y - 32) / 28.0;
					boolean body = bx * bx + by * by < 1;
					boolean left = sq((x - 24) / 12.0) + sq((y - 32) / 18.0) + sq((z - 20) / 16.0) < 1;
					boolean right = sq((x - 56) / 12.0) + sq((y - 32) / 18.0) + sq((z - 20) / 16.0) < 1;
					short v = body ? (short) 40 : -1000;
					if (left || right) {
						v = -850;
						truth[i] = 1;
					}
					boolean vessel = left && Math.abs(x - 24) <= 1 && Math.abs(y - 30) <= 1;
					boolean nodule = sq((x - 58) / 3.0) + sq((y - 36) / 3.0) + sq((z - 20) / 2.5) < 1;
					if (vessel || nodule) {
						v = 30;
					}
					hu[i] = v;
				}
			}
		}
		LungSegmentation.Result r = LungSegmentation.segment(new Volume(g, hu), LungSegmentation.Settings.defaults());
		assertEquals(2, r.components());
		double dice = r.mask().dice(truth);
		assertTrue(dice > 0.97, "Dice " + dice);
		assertTrue(r.mask().contains(new double[] { 58 * 1.5, 36 * 1.5, 40 }), "the nodule is inside the mask");
		assertTrue(r.mask().contains(new double[] { 24 * 1.5, 30 * 1.5, 40 }), "the vessel is inside the mask");
		LungMask.FilterReport report = r.mask().dilated(3).filter(
				List.of(new double[] { 58 * 1.5, 36 * 1.5, 40 }, new double[] { 40 * 1.5, 5 * 1.5, 40 }),
				List.of(new double[] { 58 * 1.5, 36 * 1.5, 40 }, new double[] { 40 * 1.5, 60 * 1.5, 10 }));
		assertEquals(List.of(0), report.kept());
		assertEquals(1, report.dropped());
		assertEquals(1, report.nodulesOutside());
	}

	private static double sq(double v) {
		return v * v;
	}
}
