package org.nodulab.core.tests;

import org.nodulab.test.support.Osgi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.experiment.SplitSettings;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.core.settings.SettingsException;

class ExperimentValidatorTest {

	/** The shipped example experiments, at the repository root. */
	static final Path EXAMPLES = Path.of("../../experiments");

	private final ExperimentValidator validator = Osgi.service(ExperimentValidator.class);

	@Test
	void everyShippedExampleIsValid() throws Exception {
		List<Path> examples;
		try (Stream<Path> files = Files.list(EXAMPLES)) {
			examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
		}
		assertTrue(examples.size() >= 2, "examples found: " + examples);
		for (Path example : examples) {
			Experiment e = validator.load(example);
			assertNotNull(e.name, example.toString());
			assertTrue(e.architectures.size() >= 1);
			e.architectures.forEach(a -> assertNotNull(a.resolvedSettings(), example + ": " + a.id));
		}
	}

	@Test
	void quickstartIsReadAsWritten() throws Exception {
		Experiment e = validator.load(EXAMPLES.resolve("vgg-quickstart.yaml"));
		assertEquals("vgg-quickstart", e.name);
		assertEquals(42, e.seed);
		assertEquals(SplitSettings.Mode.SUBSETS, e.dataset.split.mode);
		assertEquals(List.of(8), e.dataset.split.validation);
		assertEquals("lung", e.preprocessing.window);
		assertEquals(108, e.sampling.positiveFactor);
		assertEquals(List.of("translate", "rotate90", "flip"), e.augmentations.stream().map(a -> a.id).toList());
		assertEquals(0.5, e.augmentations.get(2).probability);
		assertEquals(TrainingSettings.Optimizer.ADAM, e.training.optimizer);
		assertEquals(0.0003, e.training.learningRate);
		Object vgg = e.architectures.get(0).resolvedSettings();
		assertEquals("org.nodulab.nn.arch.vgg.VggSettings", vgg.getClass().getName());
	}

	@Test
	void aBrokenExperimentGetsEveryProblemWithLineAndPath() {
		Path broken = Path.of("data/broken-experiment.yaml");
		SettingsException e = assertThrows(SettingsException.class, () -> validator.load(broken));
		List<String> problems = e.problems().stream().map(p -> p.line() + " " + p.path() + ": " + p.message()).toList();
		assertEquals(List.of(
				"1 name: use letters, digits, '.', '-' and '_' (it names run folders), got 'broken run'",
				"2 seed: must be at least 0, got -3",
				"7 dataset.split.validation[0]: subset 2 is used twice; train, validation and test must not share subsets",
				"8 dataset.split.test[0]: must be between 0 and 9, got 12",
				"10 preprocessing.window: unknown window 'soft'; installed: lung, lung-wide, mediastinum, test-level, test-narrow",
				"11 preprocessing.spacing: expected a number, got 'fine'",
				"14 augmentations[0].probability: must be between 0 and 1, got 1.5",
				"15 augmentations[0].settings.axis: expected one of x, y, z, got 'w'",
				"16 augmentations[1].id: unknown augmentation 'twist'; installed: flip, random-mask, rotate, rotate90, scale, test-exploding, test-missing-class, test-wrong-type, translate",
				"21 architectures[0].settings.branches[0].size: must have exactly 3 entries, has 2",
				"23 architectures[0].settings.poolings: at most one pooling per stage: 2 stage(s), got 3",
				"24 architectures[0].settings.dropot: unknown key 'dropot'; allowed keys: activation, batchNorm, branches, convsPerStage, denseUnits, dilatedStages, dropout, filters, head, kernel, output, poolings, squeezeExcitation",
				"26 training.learningRate: must be between 0 (excluded) and 1, got 5",
				"27 training.epochs: expected a whole number, got 2.5",
				"28 training.optimiser: unknown key 'optimiser'; allowed keys: adamBeta1, adamBeta2, backend, batchSize, earlyStoppingPatience, epochs, focalAlpha, focalGamma, hardMining, initFrom, l2, l2Biases, learningRate, loss, lrDecay, momentum, optimizer, precision, weightInit"),
				problems);
		assertTrue(e.getMessage().startsWith("15 problems in data/broken-experiment.yaml:\ndata/broken-experiment.yaml:1: name:"),
				e.getMessage());
	}

	@Test
	void missingSectionsAndEmptySectionsTakeDefaults(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("minimal.yaml");
		Files.writeString(file, """
				name: minimal
				dataset: {path: data}
				training:
				architectures:
				  - id: vgg
				""");
		Experiment e = validator.load(file);
		assertEquals(10, e.training.epochs);
		assertEquals("candidates_V2.csv", e.dataset.candidates);
		assertEquals("lung", e.preprocessing.window);
		assertInstanceOf(Object.class, e.architectures.get(0).resolvedSettings());
	}

	@Test
	void anExperimentNeedsANameADatasetAndAnArchitecture(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("empty.yaml");
		Files.writeString(file, "description: nothing else\n");
		SettingsException e = assertThrows(SettingsException.class, () -> validator.load(file));
		List<String> paths = e.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
		assertEquals(List.of("name: missing required key", "dataset: missing required key",
				"architectures: must have at least 1 entries, has 0"), paths);
	}

	/** training.precision: bfloat16 is libtorch's (mixed precision); on DL4J it is refused at its line, an unknown type by name. */
	@Test
	void bfloat16TrainingIsLibtorchsAndAnUnknownPrecisionIsRefused(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("bf16.yaml");
		String experiment = """
				name: narrow
				dataset: {path: data}
				architectures:
				  - id: vgg
				training:
				  backend: %s
				  precision: %s
				""";
		Files.writeString(file, experiment.formatted("libtorch", "bfloat16"));
		assertEquals(org.nodulab.core.experiment.Precision.BFLOAT16, validator.load(file).training.precision);
		Files.writeString(file, experiment.formatted("dl4j", "bfloat16"));
		SettingsException e = assertThrows(SettingsException.class, () -> validator.load(file));
		List<String> problems = e.problems().stream().map(p -> p.line() + " " + p.path() + ": " + p.message()).toList();
		assertEquals(List.of("7 training.precision: bfloat16 trains on libtorch only, not on dl4j (set training.backend: libtorch, or precision: float32)"),
				problems);
		Files.writeString(file, experiment.formatted("libtorch", "half"));
		e = assertThrows(SettingsException.class, () -> validator.load(file));
		assertTrue(e.getMessage().contains("training.precision: expected one of float32, bfloat16, got 'half'"), e.getMessage());
		Files.writeString(file, experiment.formatted("libtorch", "float32"));
		assertEquals(org.nodulab.core.experiment.Precision.FLOAT32, validator.load(file).training.precision);
	}

	/** A setting bounded on one side only. */
	public static final class OneSided {
		@org.nodulab.core.settings.Range(min = 0)
		public double rate = 1;

		@org.nodulab.core.settings.Range(max = 10, maxExclusive = true)
		public double limit = 1;
	}

	/** Issue 15: a number with only a lower (or upper) bound still refuses Infinity (YAML's .inf, or 1e400). */
	@Test
	void boundsOnOneSideStillRefuseInfinity(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("inf.yaml");
		Files.writeString(file, "rate: 1e400\nlimit: -1e400\n");
		SettingsException e = assertThrows(SettingsException.class, () -> validator.codec().read(file, OneSided.class));
		List<String> problems = e.problems().stream().map(p -> p.line() + " " + p.path() + ": " + p.message()).toList();
		assertEquals(List.of("1 rate: must be a finite number (at least 0), got Infinity",
				"2 limit: must be a finite number (less than 10), got -Infinity"), problems);
		assertTrue(e.getMessage().contains(file + ":1: rate: "), e.getMessage());
		Files.writeString(file, "rate: 1e300\nlimit: 9.5\n");
		assertEquals(1e300, validator.codec().read(file, OneSided.class).rate, "large but finite is fine");
	}

	/** A scale's overrides apply to the experiment with its defaults written out; what they leave alone stays as written. */
	@Test
	void aScaleChangesOnlyWhatItNames(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("scaled.yaml");
		Files.writeString(file, """
				name: scaled
				dataset: {path: data}
				sampling: {epochSize: 2.0}
				architectures:
				  - id: vgg
				    settings: {filters: [8, 16]}
				training: {learningRate: 3e-4}
				scales:
				  quick:
				    description: fewer epochs
				    overrides:
				      training.epochs: 6
				      architectures[0].settings.dropout: 0.25
				""");
		var document = validator.codec().parse(file);
		Experiment written = validator.validate(document, dir);
		assertEquals(10, written.training.epochs);
		assertEquals(List.of("quick"), List.copyOf(written.scales.keySet()));
		Experiment quick = validator.atScale(document, written, "quick", null);
		assertEquals(6, quick.training.epochs);
		assertEquals(0.0003, quick.training.learningRate);
		assertEquals(2.0, quick.sampling.epochSize);
		assertTrue(quick.scales.isEmpty(), "the scaled experiment records what it runs, not the scales");
		assertEquals(dir, quick.baseDir);
		assertTrue(validator.codec().toYaml(quick.architectures.get(0).resolvedSettings()).contains("dropout: 0.25"),
				validator.codec().toYaml(quick.architectures.get(0).resolvedSettings()));
		assertTrue(validator.codec().toYaml(quick.architectures.get(0).resolvedSettings()).contains("- 16"));
		// a command line's edit comes after the scale and wins
		Experiment edited = validator.atScale(document, written, "quick", t -> t.with("training").put("epochs", 2));
		assertEquals(2, edited.training.epochs);
		SettingsException none = assertThrows(SettingsException.class, () -> validator.atScale(document, written, "full", null));
		assertEquals("8 scales: no scale 'full'; scales: [quick]", none.problems().get(0).line() + " " + none.problems().get(0).path() + ": "
				+ none.problems().get(0).message());
	}

	/** A scale that names no key, or makes the experiment invalid, is refused when the file is validated, at the scale's line. */
	@Test
	void aBrokenScaleIsRefusedAtItsLine(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("broken-scale.yaml");
		Files.writeString(file, """
				name: broken-scale
				dataset: {path: data}
				architectures:
				  - id: vgg
				scales:
				  quick:
				    overrides:
				      training.epoch: 6
				  tiny:
				    overrides:
				      training.epochs: 0
				      sampling.epochSize: 0.5
				""");
		SettingsException e = assertThrows(SettingsException.class, () -> validator.load(file));
		List<String> problems = e.problems().stream().map(p -> p.line() + " " + p.path() + ": " + p.message()).toList();
		assertEquals(2, problems.size(), problems.toString());
		assertTrue(problems.get(0).startsWith("8 scales.quick.overrides.training.epoch: names no key of the experiment: no 'epoch' in training; keys there: "),
				problems.get(0));
		assertEquals("11 scales.tiny.overrides.training.epochs: at scale 'tiny' the experiment is invalid: training.epochs: 0 epochs trains "
				+ "nothing and there is no model to evaluate: name one with initFrom (<run>/<model>@<epoch>; in a campaign, the variant's "
				+ "'from'), or train for 1 epoch or more", problems.get(1));
	}
}
