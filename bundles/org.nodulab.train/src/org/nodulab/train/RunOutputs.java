package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a finished run offers to the work that follows it (ensembles, prediction, evaluation, deleting a model), read
 * from its files: each model's best epoch with its test and validation predictions and checkpoints, and the files of
 * its dataset. The workbench builds command lines from these.
 */
public final class RunOutputs {

	/** One trained model of a run. */
	public record Model(Path run, String model, int bestEpoch, Path testPredictions, Path validationPredictions) {

		/** {@code <run>/<model>@<epoch>}, the name commands take. */
		public String reference() {
			return run + "/" + model + "@" + bestEpoch;
		}
	}

	private RunOutputs() {
	}

	/** The models a run finished (from {@code models/<model>.json}), in name order. */
	public static List<Model> models(Path run) throws IOException {
		Path dir = run.resolve("models");
		List<Model> out = new ArrayList<>();
		if (!Files.isDirectory(dir)) {
			return out;
		}
		try (Stream<Path> files = Files.list(dir)) {
			for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
				JsonNode m = RunDirectory.readTree(RunDirectory.JSON, f);
				String model = RunDirectory.text(m, f, "model");
				int epoch = m.path("bestEpoch").asInt(-1);
				if (epoch < 0) {
					throw new IOException(f + ": bestEpoch: expected a whole number");
				}
				out.add(new Model(run, model, epoch, run.resolve("predictions/" + model + "-test.csv"),
						run.resolve(String.format(Locale.ROOT, "predictions/%s/epoch-%03d-validation.csv", model, epoch))));
			}
		}
		return out;
	}

	/** The dataset's {@code annotations.csv}, {@code annotations_excluded.csv}, {@code seriesuids.csv}, in that order. */
	public static List<Path> referenceFiles(Path run) throws IOException {
		Path dataset = ErrorCases.datasetOf(run);
		return List.of(dataset.resolve("annotations.csv"), dataset.resolve("annotations_excluded.csv"), dataset.resolve("seriesuids.csv"));
	}

	/** The folds of a cross-validation folder ({@code fold-0}, {@code fold-1}...), or empty for a run. */
	public static List<Path> folds(Path dir) throws IOException {
		if (!CrossValidation.isCrossValidation(dir)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(p -> p.getFileName().toString().startsWith("fold-") && RunDirectory.isRun(p)).sorted().toList();
		}
	}
}
