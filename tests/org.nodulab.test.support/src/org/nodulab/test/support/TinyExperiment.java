package org.nodulab.test.support;

import java.nio.file.Path;

/** A tiny VGG experiment on a synthetic benchmark that trains in seconds (subsets 0-1 train, 2 validation, 3 test). */
public final class TinyExperiment {

	private TinyExperiment() {
	}

	/**
	 * The YAML.
	 *
	 * @param runs output.runs (absolute, or relative to the file)
	 * @param bootstrap evaluation.bootstrap (0: no bands)
	 */
	public static String yaml(String name, Path dataset, String runs, int epochs, int bootstrap) {
		return """
				name: %s
				seed: 5
				dataset:
				  path: %s
				  candidates: candidates_V2.csv
				  split: {mode: subsets, train: [0, 1], validation: [2], test: [3]}
				sampling: {positiveFactor: 108, negativeFactor: 1, epochSize: 0.3, workers: 2, prefetch: 3}
				augmentations:
				  - id: translate
				  - id: rotate90
				architectures:
				  - id: vgg
				    settings:
				      branches: [{size: [12, 12, 12]}]
				      filters: [4, 8]
				      convsPerStage: 1
				      poolings: 1
				      denseUnits: 8
				      dropout: 0.3
				training: {epochs: %d, batchSize: 8, learningRate: 0.002}
				evaluation: {testTimeAugmentation: false, bootstrap: %d}
				output: {runs: %s}
				""".formatted(name, dataset, epochs, bootstrap, runs);
	}
}
