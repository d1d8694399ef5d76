package org.nodulab.train.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.PreprocessingSettings;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.nn.Batch;
import org.nodulab.preprocess.PatchLayout;
import org.nodulab.preprocess.Preprocessing;
import org.nodulab.test.support.Osgi;
import org.nodulab.train.Augmenter;
import org.nodulab.train.BatchSource;
import org.nodulab.train.CandidateSet;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.Progress;
import org.nodulab.train.RunPredictor;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

/**
 * A field of view per branch (the notebook's D9) and several scales stacked as channels (I7): each channel is
 * exactly the patch a plain input would get at that voxel size, and such networks train and predict.
 */
class PatchLayoutTest {

	@TempDir
	Path tmp;

	@Test
	void eachChannelIsThePlainPatchAtItsOwnVoxelSize() throws Exception {
		Luna16Dataset d = Luna16Dataset.open(TinyData.dataset());
		CandidateSet set = CandidateSet.of(d, d.candidates("candidates_V2.csv"), d.scans().stream().map(Luna16Dataset.Scan::uid).toList());
		ScanVolumes volumes = new ScanVolumes(d, Osgi.service(VolumeReaderRegistry.class));
		WindowRegistry windows = Osgi.service(WindowRegistry.class);
		Preprocessing oneMm = Preprocessing.of(new PreprocessingSettings(), windows, 0.25f);
		int[] size = { 16, 16, 16 };
		int n = 16 * 16 * 16;
		int[] picks = { set.withLabel(1)[0], set.withLabel(0)[0], set.withLabel(0)[set.withLabel(0).length - 1] };

		// I7: scales 2, 1.5 and 1 on 16 voxels of 1 mm: 32, 24 and 16 mm resampled to 16 voxels, as three channels
		BatchSource stacked = new BatchSource(set, volumes, oneMm, Augmenter.none(), 1,
				List.of(new PatchLayout(size, null, new double[] { 2, 1.5, 1 })));
		Batch b = stacked.predictionBatch(picks, 0, picks.length, org.nodulab.augment.SpatialTransform.identity());
		assertEquals(picks.length * 3 * n, b.inputs().get(0).length, "three channels per sample");
		double[] spacings = { 2, 1.5, 1 };
		for (int c = 0; c < 3; c++) {
			Preprocessing atSpacing = new Preprocessing(true, spacings[c], oneMm.window(), oneMm.mean());
			Batch plain = new BatchSource(set, volumes, atSpacing, List.of(size), Augmenter.none(), 1).predictionBatch(picks, 0, picks.length,
					org.nodulab.augment.SpatialTransform.identity());
			for (int i = 0; i < picks.length; i++) {
				float[] channel = Arrays.copyOfRange(b.inputs().get(0), (i * 3 + c) * n, (i * 3 + c + 1) * n);
				float[] expected = Arrays.copyOfRange(plain.inputs().get(0), i * n, (i + 1) * n);
				assertArrayEquals(expected, channel, "sample " + i + ", channel " + c + " is the plain patch at " + spacings[c] + " mm");
			}
		}
		float[] first = Arrays.copyOfRange(b.inputs().get(0), 0, n);
		float[] last = Arrays.copyOfRange(b.inputs().get(0), 2 * n, 3 * n);
		assertFalse(Arrays.equals(first, last), "the scales see different fields of view");

		// D9: a 12 mm field of view on 16 voxels is the plain patch at 0.75 mm, whatever the preprocessing spacing
		BatchSource fov = new BatchSource(set, volumes, oneMm, Augmenter.none(), 1,
				List.of(new PatchLayout(size, new double[] { 12, 12, 12 }, new double[] { 1 })));
		Batch f = fov.predictionBatch(picks, 0, picks.length, org.nodulab.augment.SpatialTransform.identity());
		Batch expected = new BatchSource(set, volumes, new Preprocessing(true, 0.75, oneMm.window(), oneMm.mean()), List.of(size),
				Augmenter.none(), 1).predictionBatch(picks, 0, picks.length, org.nodulab.augment.SpatialTransform.identity());
		assertArrayEquals(expected.inputs().get(0), f.inputs().get(0));
		Batch notResampled = new BatchSource(set, volumes, new Preprocessing(false, 1, oneMm.window(), oneMm.mean()), Augmenter.none(), 1,
				List.of(new PatchLayout(size, new double[] { 12, 12, 12 }, new double[] { 1 }))).predictionBatch(picks, 0, picks.length,
						org.nodulab.augment.SpatialTransform.identity());
		assertArrayEquals(expected.inputs().get(0), notResampled.inputs().get(0), "a field of view resamples even without 'resample'");
	}

	@Test
	void aThreeScaleChannelNetworkAndAFieldOfViewBranchTrainAndPredict() throws Exception {
		String archs = """
				  - id: vgg
				    settings:
				      branches: [{size: [10, 10, 10], scales: [2, 1.5, 1]}]
				      filters: [4, 8]
				      convsPerStage: 1
				      denseUnits: 8
				  - id: vgg
				    settings:
				      branches: [{size: [12, 12, 12], fieldOfView: [9, 9, 9]}]
				      filters: [4, 8]
				      convsPerStage: 1
				      denseUnits: 8
				""";
		Path runs = tmp.resolve("runs");
		Experiment e = TinyData.experiment(TinyData.yaml("layouts", runs, 1, archs, "").replace("epochSize: 0.2", "epochSize: 0.1"), tmp);
		ExperimentRunner.RunResult r = new ExperimentRunner(TinyData.tools(), Progress.NONE).train(e, TinyData.cmd());
		String log = Files.readString(r.run().resolve("log.txt"));
		assertTrue(log.contains("inputs [3x10x10x10] sampled as [10x10x10, scales 2, 1.5, 1]"), log);
		assertTrue(log.contains("inputs [1x12x12x12] sampled as [12x12x12 over 9x9x9 mm]"), log);
		RunPredictor.Result p = RunPredictor.predict(TinyData.tools(), r.run().dir(), TinyData.dataset().resolve("candidates_stage2.csv"), true,
				Progress.NONE);
		assertEquals(2, p.models().size());
		for (var predictions : p.models().values()) {
			assertFalse(predictions.isEmpty());
			assertTrue(predictions.stream().allMatch(x -> x.probability() >= 0 && x.probability() <= 1));
		}
	}
}
