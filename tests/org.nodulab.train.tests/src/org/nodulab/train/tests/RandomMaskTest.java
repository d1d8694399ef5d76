package org.nodulab.train.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.core.experiment.AugmentationRef;
import org.nodulab.core.experiment.PreprocessingSettings;
import org.nodulab.core.experiment.SamplingSettings;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.nn.Batch;
import org.nodulab.preprocess.Preprocessing;
import org.nodulab.test.support.Osgi;
import org.nodulab.train.Augmenter;
import org.nodulab.train.BatchSource;
import org.nodulab.train.CandidateSet;
import org.nodulab.train.SamplePlan;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

/** Random mask: labels flip, and only the voxels of the nodule sphere change. */
class RandomMaskTest {

	@Test
	void maskedPositivesBecomeNegativesAndPastedNegativesBecomePositives() throws Exception {
		Luna16Dataset d = Luna16Dataset.open(TinyData.dataset());
		CandidateSet set = CandidateSet.of(d, d.candidates("candidates_V2.csv"), d.scans().stream().map(Luna16Dataset.Scan::uid).toList());
		ScanVolumes volumes = new ScanVolumes(d, Osgi.service(VolumeReaderRegistry.class));
		Preprocessing prep = Preprocessing.of(new PreprocessingSettings(), Osgi.service(WindowRegistry.class), 0f);
		List<int[]> sizes = List.of(new int[] { 24, 24, 24 });
		AugmentationRef mask = new AugmentationRef();
		mask.id = "random-mask";
		Augmenter withMask = Augmenter.of(List.of(mask), Osgi.service(AugmentationRegistry.class));
		BatchSource masked = new BatchSource(set, volumes, prep, sizes, withMask, 9);
		BatchSource plain = new BatchSource(set, volumes, prep, sizes, Augmenter.none(), 9);
		int[] positives = java.util.Arrays.stream(set.withLabel(1)).filter(i -> !Double.isNaN(set.noduleDiameter(i))).toArray();
		assertTrue(positives.length >= 3, "the tiny benchmark has annotated positives");
		SamplingSettings s = new SamplingSettings();
		s.positiveFactor = 1;
		s.negativeFactor = 1;
		s.epochSize = 40.0 / set.withLabel(0).length;
		SamplePlan planner = new SamplePlan(positives, set.withLabel(0), set.withLabel(0).length, s, 3);
		long[] plan = planner.epoch(0);
		Batch a = masked.trainingBatch(plan, 0, 0, plan.length);
		Batch b = plain.trainingBatch(plan, 0, 0, plan.length);
		int n = 24 * 24 * 24;
		int flippedPositives = 0;
		int flippedNegatives = 0;
		for (int i = 0; i < plan.length; i++) {
			int c = SamplePlan.candidate(plan[i]);
			float original = set.label(c);
			assertEquals(original, b.labels()[i]);
			assertEquals(1 - original, a.labels()[i], "probability 1: every sample is mixed and relabelled");
			int changed = 0;
			int changedOutside = 0;
			double[] centre = set.position(c);
			for (int v = 0; v < n; v++) {
				if (a.inputs().get(0)[i * n + v] != b.inputs().get(0)[i * n + v]) {
					changed++;
					if (original == 1) {
						// offset of voxel v from the patch centre (1 mm voxels, x fastest)
						double dx = v % 24 - 11.5;
						double dy = v / 24 % 24 - 11.5;
						double dz = v / 576 - 11.5;
						double[] nodule = set.noduleCentre(c);
						double r = set.noduleDiameter(c) / 2;
						double ox = centre[0] + dx - nodule[0];
						double oy = centre[1] + dy - nodule[1];
						double oz = centre[2] + dz - nodule[2];
						if (ox * ox + oy * oy + oz * oz > r * r + 1e-6) {
							changedOutside++;
						}
					}
				}
			}
			assertEquals(0, changedOutside, "only voxels inside the nodule sphere are replaced");
			assertTrue(changed > 0 && changed < n, "a sphere, not the whole patch, was pasted (" + changed + ")");
			if (original == 1) {
				flippedPositives++;
			} else {
				flippedNegatives++;
			}
		}
		assertEquals(20, flippedPositives);
		assertEquals(20, flippedNegatives);
	}

	/**
	 * D29 and D36: with {@code pairing: alongside} every second slot of a batch holds the masked copy of the sample
	 * before it (the original stays, plain, beside it), and {@code radiusMargin} widens the sphere by voxels.
	 */
	@Test
	void alongsideTheMaskedCopyJoinsTheBatchBesideItsOriginalAndTheMarginWidensTheSphere() throws Exception {
		Luna16Dataset d = Luna16Dataset.open(TinyData.dataset());
		CandidateSet set = CandidateSet.of(d, d.candidates("candidates_V2.csv"), d.scans().stream().map(Luna16Dataset.Scan::uid).toList());
		ScanVolumes volumes = new ScanVolumes(d, Osgi.service(VolumeReaderRegistry.class));
		Preprocessing prep = Preprocessing.of(new PreprocessingSettings(), Osgi.service(WindowRegistry.class), 0f);
		List<int[]> sizes = List.of(new int[] { 24, 24, 24 });
		int[] positives = java.util.Arrays.stream(set.withLabel(1)).filter(i -> !Double.isNaN(set.noduleDiameter(i))).toArray();
		SamplingSettings s = new SamplingSettings();
		s.positiveFactor = 1;
		s.negativeFactor = 1;
		s.epochSize = 40.0 / set.withLabel(0).length;
		long[] plan = new SamplePlan(positives, set.withLabel(0), set.withLabel(0).length, s, 3).epoch(0);
		BatchSource plain = new BatchSource(set, volumes, prep, sizes, Augmenter.none(), 9);
		Batch b = plain.trainingBatch(plan, 0, 0, plan.length);
		int n = 24 * 24 * 24;
		int[] changedBy = new int[2];
		for (int margin = 0; margin <= 1; margin++) {
			String yaml = TinyData.yaml("mask", TinyData.dataset().resolve("runs"), 1, TinyData.TINY_VGG, "")
					.replaceAll("(?s)augmentations:.*?architectures:", "augmentations:\n  - id: random-mask\n    settings: {pairing: alongside, radiusMargin: "
							+ (margin * 3) + "}\narchitectures:");
			List<AugmentationRef> refs = TinyData.experiment(yaml, TinyData.dataset()).augmentations;
			BatchSource paired = new BatchSource(set, volumes, prep, sizes, Augmenter.of(refs, Osgi.service(AugmentationRegistry.class)), 9);
			Batch a = paired.trainingBatch(plan, 0, 0, plan.length);
			int changed = 0;
			for (int i = 0; i + 1 < plan.length; i += 2) {
				int c = SamplePlan.candidate(plan[i]);
				assertEquals(set.label(c), a.labels()[i], "the original keeps its label");
				assertEquals(1 - set.label(c), a.labels()[i + 1], "its masked copy beside it has the other label");
				for (int v = 0; v < n; v++) {
					assertEquals(b.inputs().get(0)[i * n + v], a.inputs().get(0)[i * n + v], "slot " + i + " is the plain sample");
					if (a.inputs().get(0)[(i + 1) * n + v] != a.inputs().get(0)[i * n + v]) {
						changed++;
					}
				}
			}
			assertTrue(changed > 0, "the copies are masked");
			changedBy[margin] = changed;
		}
		assertTrue(changedBy[1] > changedBy[0] * 1.3, "a 3-voxel margin masks more voxels: " + changedBy[0] + " -> " + changedBy[1]);
	}
}
