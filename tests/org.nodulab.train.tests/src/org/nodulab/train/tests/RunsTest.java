package org.nodulab.train.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.train.Checkpoints;
import org.nodulab.train.CrossValidation;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.Progress;
import org.nodulab.train.RunCatalog;
import org.nodulab.train.RunDirectory;
import org.nodulab.train.RunPredictor;

/**
 * Runs end to end on a 4-scan synthetic benchmark with tiny networks: repeatability, resume
 * equivalence, immutability, the ensemble and report, hard mining, cross-validation, the catalogue.
 */
class RunsTest {

	@TempDir
	Path tmp;

	private ExperimentRunner.RunResult train(String yaml, Progress progress) throws Exception {
		Experiment e = TinyData.experiment(yaml, tmp);
		return new ExperimentRunner(TinyData.tools(), progress).train(e, TinyData.cmd());
	}

	private static String bytes(Path p) throws IOException {
		return Files.readString(p);
	}

	/** Stops after {@code n} training steps. */
	private static Progress stopAfter(int n) {
		AtomicInteger steps = new AtomicInteger();
		return new Progress() {
			String task = "";

			@Override
			public void begin(String t, long total) {
				task = t;
			}

			@Override
			public void step(long done, long total) {
				if (task.contains("epoch")) {
					steps.incrementAndGet();
				}
			}

			@Override
			public void end(String summary) {
			}

			@Override
			public void message(String line) {
			}

			@Override
			public boolean stopRequested() {
				return steps.get() >= n;
			}
		};
	}

	@Test
	void theSameExperimentAndSeedGiveBitIdenticalPredictionsAndAResumedRunEndsWithTheSameModel() throws Exception {
		Path runs = tmp.resolve("runs");
		String yaml = TinyData.yaml("repeat", runs, 2, TinyData.TINY_VGG, "");
		ExperimentRunner.RunResult a = train(yaml, Progress.NONE);
		ExperimentRunner.RunResult b = train(yaml, Progress.NONE);
		assertFalse(a.stopped());
		assertTrue(!a.run().dir().equals(b.run().dir()), "every run gets its own folder");
		Path pa = a.run().resolve("predictions/m0-vgg/epoch-002-test.csv");
		Path pb = b.run().resolve("predictions/m0-vgg/epoch-002-test.csv");
		assertEquals(bytes(pa), bytes(pb), "same experiment and seed: identical predictions");
		Checkpoints.Checkpoint ca = a.run().checkpoints().atEpoch("m0-vgg", 2).orElseThrow();
		Checkpoints.Checkpoint cb = b.run().checkpoints().atEpoch("m0-vgg", 2).orElseThrow();
		assertEquals(ca.sha256(), cb.sha256(), "identical final models");

		// stopped in the middle of epoch 1 (after 3 batches), then resumed: the same final model
		ExperimentRunner.RunResult stopped = train(yaml, stopAfter(3));
		assertTrue(stopped.stopped());
		List<Checkpoints.Checkpoint> list = stopped.run().checkpoints().list();
		assertEquals(1, list.size());
		assertEquals(3, list.get(0).batch(), "the stop checkpoint lies at a batch boundary");
		assertFalse(stopped.run().finished());
		ExperimentRunner.RunResult resumed = new ExperimentRunner(TinyData.tools(), Progress.NONE)
				.resume(stopped.run().dir(), TinyData.cmd());
		assertFalse(resumed.stopped());
		Checkpoints.Checkpoint cr = resumed.run().checkpoints().atEpoch("m0-vgg", 2).orElseThrow();
		assertEquals(ca.sha256(), cr.sha256(), "resumed run ends with the uninterrupted run's model");
		assertEquals(bytes(pa), bytes(resumed.run().resolve("predictions/m0-vgg/epoch-002-test.csv")));
		assertThrows(IllegalStateException.class,
				() -> new ExperimentRunner(TinyData.tools(), Progress.NONE).resume(resumed.run().dir(), TinyData.cmd()),
				"a finished run is not resumed");

		// the run folder holds everything a researcher needs
		RunDirectory run = a.run();
		for (String f : List.of("experiment.yaml", "provenance.json", "metrics.csv", "checkpoints.csv", "log.txt",
				"summary.json", "report.html", "predictions/m0-vgg-test.csv", "froc/m0-vgg-test/CADAnalysis.txt",
				"models/m0-vgg.json")) {
			assertTrue(Files.exists(run.resolve(f)), f);
		}
		var provenance = run.readJson("provenance.json").orElseThrow();
		assertEquals(5, provenance.path("seed").asInt());
		assertTrue(provenance.path("bundles").has("org.nodulab.train"));
		assertTrue(provenance.path("inputs").size() > 8, "annotations, candidates and scan files are listed");
		assertEquals(64, provenance.path("inputs").get(0).path("sha256").asText().length());
		assertTrue(provenance.path("trainingMean").path("mean").asDouble() > 0.05, "the training mean is recorded");
		assertEquals(2, run.metrics().size());
		String report = Files.readString(run.resolve("report.html"));
		assertTrue(report.contains("data:image/png;base64,") && report.contains("m0-vgg"), "a self-contained report");
		// the registry: models by run and epoch; nothing is overwritten
		assertThrows(IOException.class, () -> run.writePredictions("predictions/m0-vgg/epoch-002-test.csv",
				Luna16Csv.readPredictions(b.run().resolve("predictions/m0-vgg/epoch-001-test.csv"), true)));
		assertTrue(Files.getPosixFilePermissions(ca.file()).stream().noneMatch(p -> p.name().endsWith("_WRITE")),
				"checkpoints are read-only: " + Files.getPosixFilePermissions(ca.file()));
	}

	@Test
	void checkpointsAreVerifiedNeverOverwrittenAndADiskFullLeavesThePreviousOneIntact() throws Exception {
		Path runs = tmp.resolve("runs");
		ExperimentRunner.RunResult a = train(TinyData.yaml("ckpt", runs, 1, TinyData.TINY_VGG, ""), Progress.NONE);
		Checkpoints cps = a.run().checkpoints();
		Checkpoints.Checkpoint c = cps.atEpoch("m0-vgg", 1).orElseThrow();
		TrainableNetwork failing = (TrainableNetwork) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { TrainableNetwork.class }, (proxy, method, args) -> {
					if (method.getName().equals("save")) {
						((OutputStream) args[0]).write(new byte[1000]);
						throw new IOException("No space left on device");
					}
					return null;
				});
		IOException full = assertThrows(IOException.class, () -> cps.write("m0-vgg", 0, 2, 0, 0, 0, 0, failing));
		assertTrue(full.getMessage().contains("No space left on device") && full.getMessage().contains("is intact")
				&& full.getMessage().contains(c.file().toString()), full.getMessage());
		try (var in = Checkpoints.openVerified(c)) {
			assertNotNull(in);
		}
		try (var files = Files.list(c.file().getParent())) {
			assertEquals(1, files.count(), "no partial file is left behind");
		}
		// the same epoch again: refused
		IOException again = assertThrows(IOException.class, () -> cps.write("m0-vgg", 0, 1, 0, 0, 0, 0, failingSaveOk()));
		assertTrue(again.getMessage().contains("never overwritten"), again.getMessage());
		// a damaged file is detected on load
		c.file().toFile().setWritable(true);
		byte[] data = Files.readAllBytes(c.file());
		data[data.length / 2] ^= 1;
		Files.write(c.file(), data);
		IOException damaged = assertThrows(IOException.class, () -> Checkpoints.openVerified(c));
		assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
		// deleting is explicit and recorded
		assertThrows(IllegalArgumentException.class, () -> cps.delete(c, " "));
		cps.delete(c, "damaged on purpose by a test");
		assertFalse(Files.exists(c.file()));
		assertEquals("damaged on purpose by a test", cps.deletions().get(0).get("reason"));
	}

	/** A network whose save writes the same bytes as the checkpoint already there (to hit the name clash). */
	private TrainableNetwork failingSaveOk() {
		return (TrainableNetwork) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { TrainableNetwork.class }, (proxy, method, args) -> {
					if (method.getName().equals("save")) {
						((OutputStream) args[0]).write(new byte[] { 1, 2, 3 });
					}
					return null;
				});
	}

	@Test
	void twoModelsMakeAnEnsembleAndTheCatalogueComparesRuns() throws Exception {
		Path runs = tmp.resolve("runs");
		ExperimentRunner.RunResult a = train(TinyData.yaml("pair", runs, 1, TinyData.TWO_TINY, ""), Progress.NONE);
		assertEquals(2, a.models().size());
		// the second architecture has its own schedule: 2 epochs, decay 0.5
		List<RunDirectory.EpochMetrics> m1 = a.run().metrics().stream().filter(m -> m.model().equals("m1-vgg")).toList();
		assertEquals(2, m1.size());
		assertEquals(0.5 * m1.get(0).learningRate(), m1.get(1).learningRate(), 1e-9);
		assertEquals(1, a.run().metrics().stream().filter(m -> m.model().equals("m0-vgg")).count());
		assertTrue(a.ensembleCpm() >= 0 && a.ensembleCpm() <= 1);
		assertTrue(Files.exists(a.run().resolve("predictions/ensemble-test.csv")));
		assertTrue(Files.exists(a.run().resolve("froc/ensemble-test/CADAnalysis.txt")));
		var e0 = Luna16Csv.readPredictions(a.run().resolve("predictions/m0-vgg-test.csv"), true);
		var e1 = Luna16Csv.readPredictions(a.run().resolve("predictions/m1-vgg-test.csv"), true);
		var ens = Luna16Csv.readPredictions(a.run().resolve("predictions/ensemble-test.csv"), true);
		assertEquals((e0.get(3).probability() + e1.get(3).probability()) / 2, ens.get(3).probability(), 1e-6);

		ExperimentRunner.RunResult b = train(TinyData.yaml("pair", runs, 1, TinyData.TINY_VGG, "").replace("seed: 5", "seed: 6"),
				Progress.NONE);
		List<RunCatalog.Entry> entries = RunCatalog.list(runs);
		assertEquals(2, entries.size());
		assertEquals("finished", entries.get(0).status());
		Map<String, String[]> diff = RunCatalog.settingsDiff(a.run().dir(), b.run().dir());
		assertEquals("5", diff.get("seed")[0]);
		assertEquals("6", diff.get("seed")[1]);
		assertTrue(diff.keySet().stream().anyMatch(k -> k.startsWith("architectures[1]")), diff.keySet().toString());

		// fine-tuning across input sizes: the convolutions transfer, the log says what was copied
		String tuned = TinyData.yaml("tuned", runs, 1, TinyData.TINY_VGG.replace("[12, 12, 12]", "[10, 10, 10]"), "")
				.replace("  learningRate: 0.002", "  learningRate: 0.0002\n  initFrom: " + a.run().dir() + "/m0-vgg@1");
		ExperimentRunner.RunResult t = train(tuned, Progress.NONE);
		String log = Files.readString(t.run().resolve("log.txt"));
		assertTrue(log.contains("fine-tuning from " + a.run().name() + "/m0-vgg@1: transfer: copied"), log);
		SettingsException noModel = assertThrows(SettingsException.class,
				() -> TinyData.experiment(tuned.replace("m0-vgg@1", "m0-vgg@9"), tmp));
		assertTrue(noModel.getMessage().contains("training.initFrom") && noModel.getMessage().contains("m0-vgg@9"),
				noModel.getMessage());

		// predict another candidate file with the finished run
		RunPredictor.Result r = RunPredictor.predict(TinyData.tools(), a.run().dir(),
				TinyData.dataset().resolve("candidates_stage2.csv"), false, Progress.NONE);
		assertEquals(2, r.models().size());
		Path out = tmp.resolve("stage2.csv");
		RunPredictor.write(r, out);
		assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> RunPredictor.write(r, out));
	}

	/**
	 * {@code training.epochs: 0} with {@code initFrom} evaluates that model as it is, as epoch 0: same weights and same
	 * evaluation settings give the source's test predictions to the bit; without a model to start from it is refused.
	 */
	@Test
	void zeroEpochsEvaluateTheModelItStartsFromAsItIs() throws Exception {
		Path runs = tmp.resolve("runs-as-is");
		ExperimentRunner.RunResult source = train(TinyData.yaml("source", runs, 2, TinyData.TINY_VGG, ""), Progress.NONE);
		int best = source.models().get(0).bestEpoch();
		String asIs = TinyData.yaml("as-is", runs, 0, TinyData.TINY_VGG, "")
				.replace("  learningRate: 0.002", "  learningRate: 0.002\n  initFrom: " + source.run().dir() + "/m0-vgg@" + best);
		ExperimentRunner.RunResult evaluated = train(asIs, Progress.NONE);

		List<RunDirectory.EpochMetrics> metrics = evaluated.run().metrics();
		assertEquals(1, metrics.size(), metrics.toString());
		assertEquals(0, metrics.get(0).epoch());
		assertEquals(0, metrics.get(0).trainSamples());
		assertTrue(Double.isNaN(metrics.get(0).trainLoss()), metrics.toString());
		ExperimentRunner.ModelResult m = evaluated.models().get(0);
		assertEquals(0, m.bestEpoch());
		assertEquals(source.models().get(0).testCpm(), m.testCpm());
		assertEquals(source.models().get(0).validationCpm(), m.validationCpm());
		assertEquals(Files.readAllLines(source.run().resolve("predictions/m0-vgg-test.csv")),
				Files.readAllLines(evaluated.run().resolve("predictions/m0-vgg-test.csv")), "the same model, the same predictions");
		assertTrue(Files.readString(evaluated.run().resolve("log.txt")).contains("m0-vgg: evaluated as it is (0 epochs)"));
		assertTrue(evaluated.run().checkpoints().atEpoch("m0-vgg", 0).isPresent(), "its model is a checkpoint of the run like any other");

		SettingsException nothing = assertThrows(SettingsException.class,
				() -> TinyData.experiment(TinyData.yaml("nothing", runs, 0, TinyData.TINY_VGG, ""), tmp));
		assertTrue(nothing.getMessage().contains("training.epochs") && nothing.getMessage().contains("initFrom"), nothing.getMessage());
	}

	@Test
	void hardMiningAddsTheMisclassifiedAndCrossValidationMergesTheFolds() throws Exception {
		Path runs = tmp.resolve("runs");
		ExperimentRunner.RunResult a = train(TinyData.yaml("mine", runs, 1, TinyData.TINY_VGG, "")
				.replace("  learningRate: 0.002", "  learningRate: 0.002\n  hardMining: {rounds: 1, epochs: 1, threshold: 0.5}"),
				Progress.NONE);
		Path hard = a.run().resolve("hard/m0-vgg-round-1.txt");
		assertTrue(Files.exists(hard));
		List<RunDirectory.EpochMetrics> metrics = a.run().metrics();
		assertEquals(2, metrics.size());
		assertEquals(1, metrics.get(1).round());
		List<String> chosen = Files.readAllLines(hard).stream().filter(l -> !l.startsWith("#")).toList();
		for (String line : chosen) {
			String[] f = line.split(" ");
			assertTrue(f[1].equals("1") || Double.parseDouble(f[2]) >= 0.5, "negatives are added only when misclassified: " + line);
		}
		ExperimentRunner.RunResult split = train(TinyData.yaml("mine-split", runs, 1, TinyData.TINY_VGG, "").replace(
				"  learningRate: 0.002", "  learningRate: 0.002\n  hardMining: {rounds: 1, epochs: 1, splits: 2, restartLrDecay: true}"),
				Progress.NONE);
		assertTrue(Files.readString(split.run().resolve("hard/m0-vgg-round-1.txt")).contains("split models"));
		assertTrue(Files.readString(split.run().resolve("log.txt")).contains("restarts the learning-rate decay"));

		Experiment cv = TinyData.experiment(TinyData.yaml("cv", runs, 1, TinyData.TINY_VGG, "")
				.replace("split: {mode: subsets, train: [0, 1], validation: [2], test: [3]}",
						"split: {mode: subsets, train: [0, 1], validation: [2], test: [3]} # cv sets the folds' lists"), tmp);
		CrossValidation.Result r = CrossValidation.start(new ExperimentRunner(TinyData.tools(), Progress.NONE),
				TinyData.tools(), cv, 4, TinyData.cmd());
		assertEquals(4, r.folds().size());
		assertTrue(r.mergedCpm().containsKey("m0-vgg"));
		var merged = Luna16Csv.readPredictions(r.dir().resolve("merged/m0-vgg-test.csv"), true);
		var stage2 = Luna16Csv.readPredictions(TinyData.dataset().resolve("candidates_stage2.csv"), false);
		assertEquals(stage2.size(), merged.size(), "every stage-2 candidate is predicted by the fold that tests its scan");
	}

	@Test
	void theLungMaskOptionDropsCandidatesOutsideTheLungs() throws Exception {
		// the stage-1 candidates plus one in the air at a corner of each scan
		Path data = TinyData.dataset();
		Path file = data.resolve("candidates_with_air.csv");
		if (!Files.exists(file)) {
			StringBuilder text = new StringBuilder(Files.readString(data.resolve("candidates_V2.csv")));
			org.nodulab.dataset.Luna16Dataset d = org.nodulab.dataset.Luna16Dataset.open(data);
			var readers = org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeReaderRegistry.class);
			for (var scan : d.scans()) {
				double[] corner = readers.geometry(scan.file()).voxelToWorld(new double[] { 3, 3, 3 });
				text.append(scan.uid()).append(',').append(corner[0]).append(',').append(corner[1]).append(',').append(corner[2])
						.append(",0\n");
			}
			Files.writeString(file, text);
		}
		String yaml = TinyData.yaml("lungs", tmp.resolve("runs"), 1, TinyData.TINY_VGG, "")
				.replace("candidates: candidates_V2.csv", "candidates: candidates_with_air.csv");
		Experiment plain = TinyData.experiment(yaml, tmp);
		Experiment masked = TinyData.experiment(yaml.replace("sampling:", "preprocessing: {lungMask: true}\nsampling:"), tmp);
		var readers = org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeReaderRegistry.class);
		org.nodulab.train.TrainingData all = org.nodulab.train.TrainingData.open(plain, readers);
		org.nodulab.train.TrainingData inLungs = org.nodulab.train.TrainingData.open(masked, readers);
		assertEquals(all.train().size() - 2, inLungs.train().size(), "the two training scans' air candidates are dropped");
		int lines = Files.readAllLines(data.resolve("candidates_V2.csv")).size() - 1;
		for (int i = 0; i < inLungs.train().size(); i++) {
			assertTrue(inLungs.train().row(i) < lines, "only the added air candidates go");
		}
	}

	@Test
	void validationNamesMissingDataBeforeAnyWorkStarts() throws Exception {
		String yaml = TinyData.yaml("bad", tmp.resolve("runs"), 1, TinyData.TINY_VGG, "")
				.replace("test: [3]", "test: [7]").replace(TinyData.dataset().toString(), TinyData.dataset().toString());
		SettingsException e = assertThrows(SettingsException.class, () -> TinyData.experiment(yaml, tmp));
		assertTrue(e.getMessage().contains("dataset.split.test[0]") && e.getMessage().contains("subset 7 has no scans"),
				e.getMessage());
		String missing = TinyData.yaml("bad", tmp.resolve("runs"), 1, TinyData.TINY_VGG, "")
				.replace("path: " + TinyData.dataset(), "path: " + tmp.resolve("nowhere"));
		SettingsException m = assertThrows(SettingsException.class, () -> TinyData.experiment(missing, tmp));
		assertTrue(m.getMessage().contains("dataset.path") && m.getMessage().contains("does not exist"), m.getMessage());
		String override = TinyData.yaml("bad", tmp.resolve("runs"), 1, TinyData.TWO_TINY, "").replace("{epochs: 2, lrDecay: 0.5}",
				"{epochs: 0, lrDecy: 0.5}");
		SettingsException o = assertThrows(SettingsException.class, () -> TinyData.experiment(override, tmp));
		assertTrue(o.getMessage().contains("architectures[1].training.lrDecy: unknown key"), o.getMessage());
		String cands = TinyData.yaml("bad", tmp.resolve("runs"), 1, TinyData.TINY_VGG, "")
				.replace("predictCandidates: candidates_stage2.csv", "predictCandidates: stage3.csv");
		SettingsException c = assertThrows(SettingsException.class, () -> TinyData.experiment(cands, tmp));
		assertTrue(c.getMessage().contains("dataset.predictCandidates"), c.getMessage());
	}
}
