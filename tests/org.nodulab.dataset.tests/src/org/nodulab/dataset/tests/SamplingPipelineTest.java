package org.nodulab.dataset.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.augment.SpatialTransform;
import org.nodulab.core.experiment.PreprocessingSettings;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.LungFilter;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.dataset.TrainingMean;
import org.nodulab.luna16.Annotation;
import org.nodulab.preprocess.LungSegmentation;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.preprocess.Preprocessing;
import org.nodulab.synth.SynthDataset;
import org.nodulab.synth.SynthSettings;
import org.nodulab.test.support.Osgi;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

/** From a dataset on disk to normalised multi-scale patches, on a small synthetic benchmark. */
class SamplingPipelineTest {

	@TempDir
	static Path dir;

	static Path root;
	static Luna16Dataset dataset;
	static ScanVolumes volumes;

	@BeforeAll
	static void generate() throws Exception {
		SynthSettings s = new SynthSettings();
		s.scans = 2;
		s.seed = 3;
		root = dir.resolve("synth");
		SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), s, root, false, line -> {
		});
		dataset = Luna16Dataset.open(root);
		volumes = new ScanVolumes(dataset, Osgi.service(VolumeReaderRegistry.class));
	}

	@Test
	void volumesAreMappedAndShared() throws Exception {
		String uid = dataset.scans().get(0).uid();
		PatchSampler a = volumes.sampler(uid);
		assertSame(a, volumes.sampler(uid));
		assertTrue(volumes.volume(uid).isMapped());
		assertEquals(a.geometry().toString(), volumes.geometry(uid).toString());
		assertThrows(java.io.IOException.class, () -> volumes.sampler("no.such.scan"));
	}

	@Test
	void aPassScanAfterScanKeepsNoMappingAndABoundedCacheWithTheSamePatches() throws Exception {
		String first = dataset.scans().get(0).uid();
		String second = dataset.scans().get(1).uid();
		ScanVolumes passing = ScanVolumes.oneAfterAnother(dataset, Osgi.service(VolumeReaderRegistry.class), 1);
		PatchSampler heap = passing.sampler(first);
		assertEquals(false, heap.isMapped(), "copied onto the heap");
		assertTrue(volumes.sampler(first).isMapped());
		assertSame(heap, passing.sampler(first), "kept while it is the scan in use");
		assertEquals(false, passing.sampler(second).isMapped());
		assertNotEquals(heap, passing.sampler(first), "a 1-byte cache keeps one scan: the first was dropped for the second");
		PatchSpec spec = PatchSpec.cube(24, 1);
		double[] centre = volumes.geometry(first).voxelToWorld(new double[] { 20, 25, 10 });
		SpatialTransform turn = SpatialTransform.rotation(2, Math.PI / 2);
		float[] a = new float[spec.voxels()];
		float[] b = new float[spec.voxels()];
		volumes.sampler(first).sample(centre, spec, turn, a, 0);
		heap.sample(centre, spec, turn, b, 0);
		assertArrayEquals(a, b, "the heap copy samples the same patch as the mapping");
	}

	@Test
	void candidatesOutsideTheirVolumeAreCountedAndTheirPatchesPadded() throws Exception {
		String uid = dataset.scans().get(0).uid();
		VolumeGeometry g = volumes.geometry(uid);
		double[] corner = g.voxelToWorld(new double[] { 0, 0, 0 });
		Path file = root.resolve("candidates_edge.csv");
		Files.writeString(file, "seriesuid,coordX,coordY,coordZ,class\n" + uid + "," + (corner[0] - 30) + "," + corner[1] + ","
				+ corner[2] + ",0\n" + uid + "," + corner[0] + "," + corner[1] + "," + corner[2] + ",0\n" + uid + ","
				+ (corner[0] + 50) + "," + (corner[1] + 50) + "," + (corner[2] + 20) + ",0\n");
		CandidateTable t = dataset.candidates("candidates_edge.csv");
		assertEquals(1, volumes.outside(t), "only the first lies outside (the corner voxel centre is inside)");
		PatchSpec spec = PatchSpec.cube(10, 1);
		float[] patch = new float[spec.voxels()];
		int padded = volumes.sampler(uid).sample(t.position(0), spec, SpatialTransform.identity(), patch, 0);
		assertEquals(spec.voxels(), padded, "30 mm outside: the whole patch is padding");
		assertEquals(-1000f, patch[0]);
		assertTrue(volumes.sampler(uid).sample(t.position(1), spec, SpatialTransform.identity(), patch, 0) > 0);
		assertEquals(0, volumes.sampler(uid).sample(t.position(2), spec, SpatialTransform.identity(), patch, 0));
	}

	@Test
	void preprocessingFromTheExperimentSettings() throws Exception {
		WindowRegistry windows = Osgi.service(WindowRegistry.class);
		PreprocessingSettings settings = new PreprocessingSettings();
		Preprocessing p = Preprocessing.of(settings, windows, 0.3f);
		assertEquals(-1000, p.window().min());
		assertEquals(400, p.window().max());
		assertEquals(0.3f, p.mean());
		String uid = dataset.scans().get(0).uid();
		VolumeGeometry g = volumes.geometry(uid);
		List<int[]> sizes = List.of(new int[] { 26, 40, 40 }, new int[] { 6, 20, 20 });
		PatchSpec[] iso = p.specs(sizes, g);
		assertEquals(new PatchSpec(26, 40, 40, 1, 1, 1), iso[0]);
		settings.resample = false;
		settings.window = "lung-wide";
		settings.meanSubtraction = false;
		Preprocessing native_ = Preprocessing.of(settings, windows, 0.3f);
		assertEquals(0f, native_.mean(), "mean subtraction off");
		assertEquals(-1200, native_.window().min());
		PatchSpec[] own = native_.specs(sizes, g);
		assertEquals(new PatchSpec(6, 20, 20, g.spacing()[2], g.spacing()[1], g.spacing()[0]), own[1]);
		settings.window = "no-such-window";
		assertThrows(org.nodulab.core.registry.ContributionException.class, () -> Preprocessing.of(settings, windows, 0));
	}

	@Test
	void multiScalePatchesAreNormalisedInTheSamePass() throws Exception {
		WindowRegistry windows = Osgi.service(WindowRegistry.class);
		Preprocessing p = Preprocessing.of(new PreprocessingSettings(), windows, 0.25f);
		CandidateTable t = dataset.candidates("candidates_V2.csv");
		int row = t.rowsOf(dataset.scans().get(1).uid())[3];
		PatchSampler sampler = volumes.sampler(t.uid(row));
		PatchSpec[] specs = p.specs(List.of(new int[] { 40, 40, 40 }, new int[] { 32, 32, 32 }, new int[] { 24, 24, 24 }),
				sampler.geometry());
		float[][] out = { new float[specs[0].voxels()], new float[specs[1].voxels()], new float[specs[2].voxels()] };
		SpatialTransform t30 = SpatialTransform.rotation(2, Math.toRadians(30)).after(SpatialTransform.translation(1, -2, 0.5));
		sampler.sample(t.position(row), specs, t30, p.normalizer(), out);
		for (int i = 0; i < specs.length; i++) {
			float[] hu = new float[specs[i].voxels()];
			sampler.sample(t.position(row), specs[i], t30, hu, 0);
			p.normalizer().apply(hu, 0, hu.length);
			assertArrayEquals(hu, out[i], "scale " + i);
			for (float v : out[i]) {
				assertTrue(v >= -0.25f && v <= 0.75f);
			}
		}
		// the 24^3 patch is the centre of the 40^3 one: same world positions
		for (int k = 0; k < 24; k++) {
			for (int j = 0; j < 24; j++) {
				for (int i = 0; i < 24; i++) {
					assertEquals(out[0][((k + 8) * 40 + j + 8) * 40 + i + 8], out[2][(k * 24 + j) * 24 + i], 1e-5f);
				}
			}
		}
	}

	@Test
	void theTrainingMeanIsSeededAndUsesTrainingScansOnly() throws Exception {
		Preprocessing p = Preprocessing.of(new PreprocessingSettings(), Osgi.service(WindowRegistry.class), 0);
		CandidateTable t = dataset.candidates("candidates_V2.csv");
		List<int[]> sizes = List.of(new int[] { 32, 32, 32 });
		List<Luna16Dataset.Scan> train = dataset.scansOf(List.of(0));
		TrainingMean.Estimate a = TrainingMean.estimate(volumes, t, train, p, sizes, 50, 11);
		TrainingMean.Estimate b = TrainingMean.estimate(volumes, t, train, p, sizes, 50, 11);
		assertEquals(a, b);
		assertEquals(50, a.patches());
		assertEquals(50L * 32 * 32 * 32, a.voxels());
		assertTrue(a.mean() > 0.02 && a.mean() < 0.6, "windowed lung patches: " + a.mean());
		assertNotEquals(a.mean(), TrainingMean.estimate(volumes, t, dataset.scansOf(List.of(1)), p, sizes, 50, 11).mean());
		assertNotEquals(a.mean(), TrainingMean.estimate(volumes, t, train, p, sizes, 50, 12).mean());
		assertEquals(t.rowsOf(train.get(0).uid()).length,
				TrainingMean.estimate(volumes, t, train, p, sizes, 1_000_000, 11).patches(), "at most every candidate once");
	}

	@Test
	void theLungFilterDropsCandidatesOutsideTheLungsAndCountsLostNodules() throws Exception {
		String uid = dataset.scans().get(0).uid();
		VolumeGeometry g = volumes.geometry(uid);
		double[] corner = g.voxelToWorld(new double[] { 2, 2, 2 }); // air outside the body
		List<String> lines = new java.util.ArrayList<>(Files.readAllLines(root.resolve("candidates_V2.csv")));
		lines.add(uid + "," + corner[0] + "," + corner[1] + "," + corner[2] + ",0");
		Files.write(root.resolve("candidates_plus.csv"), lines);
		CandidateTable t = dataset.candidates("candidates_plus.csv");
		LungFilter.Result computed = LungFilter.apply(volumes, t, 5, false, LungSegmentation.Settings.defaults());
		LungFilter.Result truth = LungFilter.apply(volumes, t, 5, true, LungSegmentation.Settings.defaults());
		int last = t.size() - 1;
		for (LungFilter.Result r : List.of(computed, truth)) {
			assertEquals(t.size(), r.kept() + r.dropped());
			assertTrue(java.util.Arrays.stream(r.keptRows()).noneMatch(k -> k == last), "the candidate in the air is dropped");
			assertEquals(dataset.annotations().size(), r.nodules());
			assertTrue(r.nodulesLost().isEmpty(), "every synthetic nodule lies in the dilated lungs: " + r.nodulesLost());
		}
		// without dilation a candidate in the chest wall next to a juxtapleural nodule may go; with a huge one nothing does
		LungFilter.Result wide = LungFilter.apply(volumes, t, 25, true, LungSegmentation.Settings.defaults());
		assertTrue(wide.dropped() <= truth.dropped());
		assertTrue(computed.toString().contains("annotated nodules lie outside the mask"));
		for (Annotation a : dataset.annotations()) {
			assertTrue(volumes.geometry(a.seriesuid()).contains(volumes.geometry(a.seriesuid()).worldToVoxel(
					new double[] { a.x(), a.y(), a.z() })));
		}
	}
}
