package org.nodulab.train.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.eval.EvaluatorRegistry;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.synth.SynthDataset;
import org.nodulab.synth.SynthSettings;
import org.nodulab.test.support.Osgi;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

/**
 * A 4-scan synthetic benchmark (subsets 0-3), generated once per test JVM, and tiny experiments on it
 * that train in seconds.
 */
final class TinyData {

	private static Path dataset;

	private TinyData() {
	}

	static synchronized Path dataset() throws Exception {
		if (dataset == null) {
			Path root = Files.createTempDirectory("nodulab-train-tests");
			SynthSettings s = new SynthSettings();
			s.scans = 4;
			dataset = root.resolve("synthetic");
			SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), s, dataset, false, line -> {
			});
		}
		return dataset;
	}

	static ExperimentRunner.Tools tools() {
		return new ExperimentRunner.Tools(Osgi.service(ExperimentValidator.class), Osgi.service(ArchitectureRegistry.class),
				Osgi.service(AugmentationRegistry.class), Osgi.service(WindowRegistry.class),
				Osgi.service(VolumeReaderRegistry.class), Osgi.service(EvaluatorRegistry.class),
				Osgi.service(org.nodulab.eval.EnsembleCombinerRegistry.class), Osgi.service(ComputeBackend.class));
	}

	/** A tiny VGG experiment; {@code extra} is appended to the YAML (more top-level sections). */
	static String yaml(String name, Path runs, int epochs, String architectures, String extra) throws Exception {
		return """
				name: %s
				seed: 5
				dataset:
				  path: %s
				  candidates: candidates_V2.csv
				  predictCandidates: candidates_stage2.csv
				  split: {mode: subsets, train: [0, 1], validation: [2], test: [3]}
				sampling:
				  positiveFactor: 108
				  negativeFactor: 1
				  epochSize: 0.2
				  workers: 2
				  prefetch: 3
				augmentations:
				  - id: translate
				  - id: rotate90
				  - id: flip
				    probability: 0.5
				architectures:
				%s
				training:
				  backend: dl4j                # this test runtime installs the DL4J backend only
				  epochs: %d
				  batchSize: 8
				  learningRate: 0.002
				evaluation:
				  testTimeAugmentation: true
				  bootstrap: 0
				output:
				  runs: %s
				%s
				""".formatted(name, dataset(), architectures, epochs, runs, extra);
	}

	static final String TINY_VGG = """
			  - id: vgg
			    settings:
			      branches: [{size: [12, 12, 12]}]
			      filters: [4, 8]
			      convsPerStage: 1
			      poolings: 1
			      denseUnits: 8
			      dropout: 0.3
			""";

	static final String TWO_TINY = TINY_VGG + """
			  - id: vgg
			    settings:
			      branches: [{size: [10, 10, 10]}]
			      filters: [4]
			      convsPerStage: 1
			      poolings: 1
			      denseUnits: 4
			      dropout: 0.0
			    training: {epochs: 2, lrDecay: 0.5}
			""";

	static Experiment experiment(String yaml, Path dir) throws Exception {
		ExperimentValidator v = Osgi.service(ExperimentValidator.class);
		return v.validate(v.codec().parse("test.yaml", yaml), dir);
	}

	static List<String> cmd() {
		return List.of("test");
	}
}
