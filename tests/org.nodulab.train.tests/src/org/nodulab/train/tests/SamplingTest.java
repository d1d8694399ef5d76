package org.nodulab.train.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.augment.SpatialTransform;
import org.nodulab.core.experiment.AugmentationRef;
import org.nodulab.core.experiment.SamplingSettings;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.test.support.Osgi;
import org.nodulab.train.Augmenter;
import org.nodulab.train.SamplePlan;
import org.nodulab.volume.VolumeGeometry;

/** Sampler ratios and augmentation geometry. */
class SamplingTest {

	private static int[] range(int from, int to) {
		return java.util.stream.IntStream.range(from, to).toArray();
	}

	@Test
	void oversamplingGivesHalfPositivesAndEveryNegativeOncePerEpoch() {
		SamplingSettings s = new SamplingSettings();
		s.positiveFactor = 108;
		s.negativeFactor = 1;
		s.epochSize = 2.0;
		int[] positives = range(0, 5); // candidates 0..4
		int[] negatives = range(5, 305); // 300 negatives
		SamplePlan plan = new SamplePlan(positives, negatives, negatives.length, s, 11);
		assertEquals(600, plan.size());
		long[] epoch = plan.epoch(0);
		assertEquals(600, epoch.length);
		Map<Integer, Integer> negativeCounts = new HashMap<>();
		Set<Long> positiveEntries = new HashSet<>();
		int pos = 0;
		for (long e : epoch) {
			int c = SamplePlan.candidate(e);
			if (c < 5) {
				pos++;
				assertTrue(SamplePlan.variant(e) >= 0 && SamplePlan.variant(e) < 108);
				positiveEntries.add(e);
			} else {
				negativeCounts.merge(c, 1, Integer::sum);
				assertEquals(0, SamplePlan.variant(e), "negatives are not augmented with factor 1");
			}
		}
		assertEquals(300, pos, "half of the epoch are positives");
		assertEquals(300, negativeCounts.size(), "every negative appears");
		assertTrue(negativeCounts.values().stream().allMatch(n -> n == 1), "exactly once");
		assertEquals(300, positiveEntries.size(), "positive variants are drawn without repetition within a pass of the pool");
		assertArrayEquals(epoch, plan.epoch(0), "an epoch's plan depends only on seed and epoch");
		assertFalse(java.util.Arrays.equals(epoch, plan.epoch(1)), "epochs differ");
		assertFalse(java.util.Arrays.equals(epoch, new SamplePlan(positives, negatives, 300, s, 12).epoch(0)), "seeds differ");
	}

	@Test
	void naturalFrequenciesWithoutBalancing() {
		SamplingSettings s = new SamplingSettings();
		s.positiveFactor = 4;
		s.negativeFactor = 2;
		s.balance = SamplingSettings.Balance.NONE;
		s.epochSize = 1.0;
		SamplePlan plan = new SamplePlan(range(0, 10), range(10, 110), 100, s, 3);
		// pools: 40 positive, 200 negative entries; 100 samples drawn without replacement from the 240
		long positives = java.util.Arrays.stream(plan.epoch(0)).filter(e -> SamplePlan.candidate(e) < 10).count();
		assertTrue(positives > 5 && positives < 35, "about 1/6 positives, got " + positives);
		assertEquals(240, plan.positivePool() + plan.negativePool());
	}

	@Test
	void hardMinedCandidatesRepeatInThePool() {
		SamplingSettings s = new SamplingSettings();
		s.positiveFactor = 1;
		s.negativeFactor = 1;
		s.epochSize = 10;
		int[] negatives = { 10, 11, 12, 13, 12, 12 }; // 12 added twice by mining
		SamplePlan plan = new SamplePlan(new int[] { 0 }, negatives, 4, s, 1);
		long twelve = java.util.Arrays.stream(plan.epoch(0)).filter(e -> SamplePlan.candidate(e) == 12).count();
		assertEquals(10, twelve, "3 of 6 pool entries: 3/6 of the 20 negative samples");
	}

	@SuppressWarnings("unchecked")
	private static Augmenter augmenter(String... ids) throws Exception {
		List<AugmentationRef> refs = new java.util.ArrayList<>();
		for (String id : ids) {
			AugmentationRef r = new AugmentationRef();
			r.id = id;
			refs.add(r);
		}
		return Augmenter.of(refs, Osgi.service(AugmentationRegistry.class));
	}

	@Test
	void translationsTimesRotationsAre108DistinctVariantsAndFactor4IsTheRotations() throws Exception {
		Augmenter a = augmenter("translate", "rotate90");
		assertEquals(108, a.variants());
		Set<SpatialTransform> all = new HashSet<>();
		SplittableRandom r = new SplittableRandom(1);
		for (int v = 0; v < 108; v++) {
			all.add(a.transform(v, r));
		}
		assertEquals(108, all.size());
		assertEquals(SpatialTransform.identity(), a.transform(0, r));
		for (int v = 1; v < 4; v++) {
			SpatialTransform t = a.transform(v, r);
			assertArrayEquals(new double[3], t.translation(), "variants 1-3 rotate without shifting");
			assertEquals(SpatialTransform.rotation(2, v * Math.PI / 2), t);
		}
		assertNotEquals(a.transform(4, r).translation()[0], 0.0, "variant 4 shifts");
	}

	/** A smooth, asymmetric test volume on a grid centred on the z axis (so 90-degree turns map voxels to voxels). */
	private static short[] volume(int n, int nz) {
		short[] v = new short[n * n * nz];
		for (int z = 0; z < nz; z++) {
			for (int y = 0; y < n; y++) {
				for (int x = 0; x < n; x++) {
					v[(z * n + y) * n + x] = (short) (-900 + 7 * x + 3 * y * y / n + 11 * z + 40 * Math.sin(x * 0.7 + y * 0.3 * z));
				}
			}
		}
		return v;
	}

	@Test
	void aRotatedPatchEqualsThePatchOfTheRotatedVolume() throws Exception {
		int n = 41;
		int nz = 30;
		double h = (n - 1) / 2.0;
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { n, n, nz }, new double[] { 1, 1, 1 },
				new double[] { -h, -h, 0 });
		short[] original = volume(n, nz);
		Augmenter rotations = augmenter("rotate90");
		SplittableRandom random = new SplittableRandom(2);
		double[] centre = { 3.3, -4.6, 14.2 };
		PatchSpec spec = new PatchSpec(8, 12, 12, 1, 1, 1);
		for (int k = 1; k < 4; k++) {
			SpatialTransform t = rotations.transform(k, random);
			// the rotated volume: V'(w) = V(R w), read at grid points (R maps them onto grid points)
			short[] rotated = new short[original.length];
			for (int z = 0; z < nz; z++) {
				for (int y = 0; y < n; y++) {
					for (int x = 0; x < n; x++) {
						double[] w = t.apply(new double[] { x - h, y - h, 0 });
						int sx = (int) Math.round(w[0] + h);
						int sy = (int) Math.round(w[1] + h);
						rotated[(z * n + y) * n + x] = original[(z * n + sy) * n + sx];
					}
				}
			}
			// V'(R^-1 c + o) = V(c + R o): the rotated patch of V at c is the plain patch of V' at R^-1 c
			double[] back = inverse(t).apply(centre);
			float[] a = new float[spec.voxels()];
			float[] b = new float[spec.voxels()];
			new PatchSampler(g, original, -1000f).sample(centre, spec, t, a, 0);
			new PatchSampler(g, rotated, -1000f).sample(back, spec, SpatialTransform.identity(), b, 0);
			for (int i = 0; i < a.length; i++) {
				assertEquals(a[i], b[i], 1e-3, "rotation " + k + ", voxel " + i);
			}
		}
	}

	private static SpatialTransform inverse(SpatialTransform t) {
		double[] m = t.linear(); // rotations: the inverse is the transpose
		return new SpatialTransform(new double[] { m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8] }, new double[3]);
	}
}
