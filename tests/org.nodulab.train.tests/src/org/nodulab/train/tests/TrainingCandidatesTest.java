package org.nodulab.train.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.experiment.DatasetSettings;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.dataset.CandidateLabels;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.eval.froc.FrocAnalysis;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;
import org.nodulab.test.support.Osgi;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.Progress;
import org.nodulab.train.RunDirectory;
import org.nodulab.train.TrainingCandidates;

/**
 * Training on a detector's output and on the annotations (the notebook's D section and D11/D36/H2): the
 * LUNA16 hit rule labels a file without classes exactly as the synthetic benchmark labelled it, with the
 * figures of the official evaluation's candidate analysis; positives from the annotations, a diameter
 * range, extra negatives from a second detector; refusals at validation with their key and line; the
 * per-epoch validation loss and accuracy in metrics.csv.
 */
class TrainingCandidatesTest {

	@TempDir
	Path tmp;

	/** candidates_stage2.csv without its class column, in the dataset folder under a new name. */
	private static synchronized String unlabelled(Path data) throws Exception {
		Path file = data.resolve("detector-unlabelled.csv");
		if (!Files.exists(file)) {
			List<String> out = new ArrayList<>();
			for (String line : Files.readAllLines(data.resolve("candidates_stage2.csv"))) {
				out.add(line.substring(0, line.lastIndexOf(',')));
			}
			Files.write(file, out);
		}
		return file.getFileName().toString();
	}

	@Test
	void theHitRuleLabelsADetectorsOutputAsTheBenchmarkDidWithTheEvaluationsFigures() throws Exception {
		Path data = TinyData.dataset();
		Luna16Dataset dataset = Luna16Dataset.open(data);
		CandidateTable original = dataset.candidates("candidates_stage2.csv");
		CandidateTable detector = dataset.candidates(unlabelled(data));
		assertFalse(detector.hasLabels());
		CandidateLabels.Result r = CandidateLabels.label(dataset, detector);
		assertEquals(original.size(), r.table().size());
		int excluded = 0;
		for (int i = 0; i < original.size(); i++) {
			assertEquals(original.label(i), r.table().label(i), "row " + i + " (line " + original.line(i) + ")");
			assertEquals(original.line(i), r.table().line(i));
			assertEquals(original.probability(i), r.table().probability(i));
			if (r.table().excluded(i)) {
				excluded++;
				double[] p = original.position(i);
				String uid = original.uid(i);
				assertTrue(dataset.excluded().stream().anyMatch(a -> a.seriesuid().equals(uid) && dist2(a, p) < 25.0),
						"an excluded mark lies within 5 mm of an excluded finding");
			}
		}
		assertTrue(excluded > 0, "the benchmark plants candidates on excluded findings");
		List<Prediction> marks = new ArrayList<>();
		for (int i = 0; i < detector.size(); i++) {
			marks.add(detector.prediction(i, detector.probability(i)));
		}
		FrocAnalysis official = FrocAnalysis.analyse(dataset.listedUids(), dataset.annotations(), dataset.excluded(), marks,
				Integer.MAX_VALUE);
		assertEquals(official.totalNodules(), r.nodules());
		assertEquals(official.truePositives(), r.found(), "nodules found, as the evaluation's candidate analysis counts them");
		assertEquals(official.falsePositives(), r.falsePositives());
		assertEquals(official.ignoredOnExcluded(), r.excluded());
		assertEquals((double) r.falsePositives() / dataset.listedUids().size(), r.falsePositivesPerScan(), 1e-12);
		// written with the excluded column, read back the same
		Path out = tmp.resolve("labelled.csv");
		r.table().write(out, java.util.stream.IntStream.range(0, r.table().size()).toArray());
		CandidateTable back = CandidateTable.read(out, null, null);
		assertTrue(Files.readAllLines(out).get(0).endsWith(",probability,class,excluded"));
		for (int i = 0; i < back.size(); i++) {
			assertEquals(r.table().label(i), back.label(i));
			assertEquals(r.table().excluded(i), back.excluded(i));
		}
	}

	private static double dist2(Annotation a, double[] p) {
		return (a.x() - p[0]) * (a.x() - p[0]) + (a.y() - p[1]) * (a.y() - p[1]) + (a.z() - p[2]) * (a.z() - p[2]);
	}

	@Test
	void positivesComeFromTheCandidatesTheAnnotationsOrBothWithinTheDiameterRange() throws Exception {
		Path data = TinyData.dataset();
		Luna16Dataset dataset = Luna16Dataset.open(data);
		CandidateTable v2 = dataset.candidates("candidates_V2.csv");
		int candidatePositives = v2.positives();
		int annotations = dataset.annotations().size();
		assertTrue(candidatePositives > 0 && annotations > 0);

		DatasetSettings s = new DatasetSettings();
		s.path = data.toString();
		assertEquals(v2, TrainingCandidates.of(dataset, s).table(), "the default is the candidate file itself");

		s.positives = DatasetSettings.Positives.ANNOTATIONS;
		CandidateTable a = TrainingCandidates.of(dataset, s).table();
		assertEquals(annotations, a.positives());
		assertEquals(v2.size() - candidatePositives + annotations, a.size());
		Set<String> centres = new HashSet<>();
		dataset.annotations().forEach(n -> centres.add(n.seriesuid() + n.x() + n.y() + n.z()));
		for (int r = 0; r < a.size(); r++) {
			if (a.label(r) == 1) {
				assertTrue(centres.contains(a.uid(r) + a.x(r) + a.y(r) + a.z(r)), "a positive is an annotation's centre");
			}
		}

		s.positives = DatasetSettings.Positives.BOTH;
		assertEquals(candidatePositives + annotations, TrainingCandidates.of(dataset, s).table().positives());

		double median = dataset.annotations().stream().mapToDouble(Annotation::diameter).sorted().skip(annotations / 2).findFirst()
				.orElseThrow();
		s.positiveDiameter.max = median;
		CandidateTable small = TrainingCandidates.of(dataset, s).table();
		long smallNodules = dataset.annotations().stream().filter(n -> n.diameter() < median).count();
		assertTrue(smallNodules > 0 && smallNodules < annotations);
		for (int r = 0; r < small.size(); r++) {
			if (small.label(r) == 1) {
				double[] p = small.position(r);
				String uid = small.uid(r);
				assertTrue(dataset.annotationsOf(uid).stream().anyMatch(n -> n.diameter() < median && dist2(n, p) < n.diameter() * n.diameter() / 4),
						"every positive lies in a nodule below " + median + " mm");
			}
		}
		assertEquals(v2.size() - v2.positives(), small.size() - small.positives(), "negatives are all kept");

		s.positiveDiameter.min = 500;
		s.positiveDiameter.max = 1000;
		TrainingCandidates.Refusal none = assertThrows(TrainingCandidates.Refusal.class, () -> TrainingCandidates.of(dataset, s));
		assertEquals("dataset.positiveDiameter", none.key());
		assertTrue(none.getMessage().contains("no training positives"), none.getMessage());
	}

	@Test
	void extraNegativesComeFromASecondDetectorAboveTheProbability() throws Exception {
		Path data = TinyData.dataset();
		// a second detector: the stage-2 marks 0.25 mm off in x (new positions), without classes
		Path second = data.resolve("second-detector.csv");
		synchronized (TrainingCandidatesTest.class) {
			if (!Files.exists(second)) {
				List<String> out = new ArrayList<>(List.of("seriesuid,coordX,coordY,coordZ,probability"));
				for (String line : Files.readAllLines(data.resolve("candidates_stage2.csv")).subList(1, Files.readAllLines(data.resolve("candidates_stage2.csv")).size())) {
					String[] f = line.split(",");
					out.add(f[0] + "," + (Double.parseDouble(f[1]) + 0.25) + "," + f[2] + "," + f[3] + "," + f[4]);
				}
				Files.write(second, out);
			}
		}
		Luna16Dataset dataset = Luna16Dataset.open(data);
		CandidateTable v2 = dataset.candidates("candidates_V2.csv");
		CandidateTable other = dataset.candidates("second-detector.csv");
		int expected = 0;
		for (int r = 0; r < other.size(); r++) {
			double[] p = other.position(r);
			String uid = other.uid(r);
			boolean nodule = dataset.annotationsOf(uid).stream().anyMatch(n -> dist2(n, p) < n.diameter() * n.diameter() / 4);
			boolean excluded = dataset.excluded().stream()
					.anyMatch(n -> n.seriesuid().equals(uid) && dist2(n, p) < (n.diameter() < 0 ? 25 : n.diameter() * n.diameter() / 4));
			if (other.probability(r) >= 0.8 && !nodule && !excluded) {
				expected++;
			}
		}
		assertTrue(expected > 0, "the second detector has negatives above 0.8");
		DatasetSettings s = new DatasetSettings();
		s.path = data.toString();
		s.extraNegatives.file = "second-detector.csv";
		s.extraNegatives.minProbability = 0.8;
		TrainingCandidates.Result r = TrainingCandidates.of(dataset, s);
		assertEquals(v2.size() + expected, r.table().size());
		assertEquals(v2.positives(), r.table().positives(), "extra rows are negatives only");
		assertTrue(r.files().contains(other.file()), "the second file is among the run's inputs");
		assertTrue(r.summary().contains(expected + " extra negatives from second-detector.csv at probability >= 0.8"), r.summary());
		// a file without probabilities cannot be cut at one
		s.extraNegatives.file = "candidates_V2.csv";
		TrainingCandidates.Refusal noProbability = assertThrows(TrainingCandidates.Refusal.class, () -> TrainingCandidates.of(dataset, s));
		assertEquals("dataset.extraNegatives.file", noProbability.key());
	}

	@Test
	void refusalsNameTheFileLineAndKey() throws Exception {
		Path data = TinyData.dataset();
		String unlabelled = unlabelled(data);
		ExperimentValidator v = Osgi.service(ExperimentValidator.class);
		// an unlabelled file without labels: annotations
		String yaml = TinyData.yaml("refuse", tmp.resolve("runs"), 1, TinyData.TINY_VGG, "")
				.replace("candidates: candidates_V2.csv", "candidates: " + unlabelled);
		SettingsException e = assertThrows(SettingsException.class, () -> v.validate(v.codec().parse("test.yaml", yaml), tmp));
		assertTrue(e.getMessage().contains("test.yaml:5: dataset.candidates: ") && e.getMessage().contains("has no 'class' column")
				&& e.getMessage().contains("dataset.labels: annotations"), e.getMessage());
		// labelled on the fly, it validates
		v.validate(v.codec().parse("test.yaml", yaml.replace("  candidates: " + unlabelled, "  candidates: " + unlabelled + "\n  labels: annotations")), tmp);
		// a diameter range without positives
		String range = yaml.replace("  candidates: " + unlabelled, "  candidates: candidates_V2.csv\n  positiveDiameter: {min: 200, max: 300}");
		e = assertThrows(SettingsException.class, () -> v.validate(v.codec().parse("test.yaml", range), tmp));
		assertTrue(e.getMessage().contains("test.yaml:6: dataset.positiveDiameter: no training positives are left"), e.getMessage());
		// min above max
		String inverted = range.replace("{min: 200, max: 300}", "{min: 20, max: 3}");
		e = assertThrows(SettingsException.class, () -> v.validate(v.codec().parse("test.yaml", inverted), tmp));
		assertTrue(e.getMessage().contains("dataset.positiveDiameter.max: must be above min"), e.getMessage());
		// a dataset without annotations has nothing to label against
		Path bare = tmp.resolve("bare");
		Files.createDirectories(bare);
		try (var list = Files.list(data)) {
			for (Path p : list.toList()) {
				if (!p.getFileName().toString().equals("annotations.csv")) {
					Files.createSymbolicLink(bare.resolve(p.getFileName()), p);
				}
			}
		}
		Files.writeString(bare.resolve("annotations.csv"), "seriesuid,coordX,coordY,coordZ,diameter_mm\n");
		String noAnnotations = yaml.replace("path: " + data, "path: " + bare).replace("  candidates: " + unlabelled,
				"  candidates: " + unlabelled + "\n  labels: annotations");
		e = assertThrows(SettingsException.class, () -> v.validate(v.codec().parse("test.yaml", noAnnotations), tmp));
		assertTrue(e.getMessage().contains("test.yaml:6: dataset.labels: ") && e.getMessage().contains("has no annotations"),
				e.getMessage());
	}

	@Test
	void aRunOnAnUnlabelledDetectorWithAnnotationPositivesRecordsValidationLossAndAccuracy() throws Exception {
		Path data = TinyData.dataset();
		String unlabelled = unlabelled(data);
		String yaml = TinyData.yaml("detector", tmp.resolve("runs"), 2, TinyData.TINY_VGG, "")
				.replace("  candidates: candidates_V2.csv", "  candidates: " + unlabelled + "\n  labels: annotations\n  positives: both")
				.replace("predictCandidates: candidates_stage2.csv", "predictCandidates: " + unlabelled);
		var e = TinyData.experiment(yaml, tmp);
		ExperimentRunner.RunResult r = new ExperimentRunner(TinyData.tools(), Progress.NONE).train(e, TinyData.cmd());
		String log = Files.readString(r.run().resolve("log.txt"));
		assertTrue(log.contains("training candidates: ") && log.contains(" from annotations"), log);
		List<RunDirectory.EpochMetrics> metrics = RunDirectory.open(r.run().dir()).metrics();
		assertEquals(2, metrics.size());
		for (RunDirectory.EpochMetrics m : metrics) {
			assertTrue(m.validationLoss() > 0 && m.validationLoss() < 5, "validation loss " + m.validationLoss());
			assertTrue(m.validationAccuracy() >= 0 && m.validationAccuracy() <= 1, "validation accuracy " + m.validationAccuracy());
		}
		assertTrue(Files.readString(r.run().resolve("report.html")).contains("validation loss per epoch"));
	}

	@Test
	void hardMiningStartsFromASeededSubsampleAndMinesFromAllCandidates() throws Exception {
		String yaml = TinyData.yaml("subsample", tmp.resolve("runs"), 1, TinyData.TINY_VGG, "").replace("  learningRate: 0.002",
				"  learningRate: 0.002\n  hardMining: {rounds: 1, epochs: 1, threshold: 0.01, initialPositives: 3, initialNegatives: 40}");
		var e = TinyData.experiment(yaml, tmp);
		ExperimentRunner.RunResult r = new ExperimentRunner(TinyData.tools(), Progress.NONE).train(e, TinyData.cmd());
		String log = Files.readString(r.run().resolve("log.txt"));
		assertTrue(log.matches("(?s).*m0-vgg: the main training starts from 3 of \\d+ positives and 40 of [\\d,]+ negatives \\(drawn at random\\).*"), log);
		List<RunDirectory.EpochMetrics> metrics = RunDirectory.open(r.run().dir()).metrics();
		assertEquals(Math.round(0.2 * 40), metrics.get(0).trainSamples(), "an epoch is epochSize x the negatives it starts from");
		// the round mines with a threshold of 0.01: nearly every training negative is "hard", far more than the 40
		List<String> hard = Files.readAllLines(r.run().resolve("hard/m0-vgg-round-1.txt"));
		assertTrue(hard.size() > 40, "the round mines from every training candidate: " + hard.size());
	}
}
