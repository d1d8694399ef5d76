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
				RunRecords.Model m = RunRecords.Model.read(f, RunDirectory.readTree(RunDirectory.JSON, f));
				String model = m.model();
				int epoch = m.bestEpoch();
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

	/**
	 * The scans of one set of a run's split ({@code train}, {@code validation} or {@code test}, from its
	 * provenance), as a {@code seriesuids.csv} in {@code folder} named after the run: what evaluating or
	 * searching weights on that set's predictions must count false positives over (the dataset's
	 * {@code seriesuids.csv} lists every scan). Written once; an existing list with other scans is refused.
	 */
	public static Path scanList(Path run, String set, Path folder) throws IOException {
		List<String> uids = new ArrayList<>();
		List<Path> folds = folds(run);
		for (Path r : folds.isEmpty() ? List.of(run) : folds) { // a cross-validation: its folds' sets together
			Path provenance = r.resolve(RunDirectory.PROVENANCE);
			JsonNode split = RunDirectory.readTree(RunDirectory.JSON, provenance).path("split").path(set);
			if (!split.isArray()) {
				throw new IOException(provenance + ": split." + set + ": expected the list of the run's " + set + " scans");
			}
			for (JsonNode uid : split) {
				if (!uid.isTextual()) {
					throw new IOException(provenance + ": split." + set + ": expected seriesuids, got " + uid);
				}
				if (!uids.contains(uid.asText())) {
					uids.add(uid.asText());
				}
			}
		}
		Path file = folder.resolve(run.getFileName() + "-" + set + "-seriesuids.csv");
		if (Files.exists(file)) {
			if (!org.nodulab.luna16.Luna16Csv.readSeriesUids(file).equals(uids)) {
				throw new IOException(file + " exists with other scans than the " + set + " scans of " + run);
			}
			return file;
		}
		Files.createDirectories(folder);
		org.nodulab.luna16.Luna16Csv.writeSeriesUids(file, uids);
		return file;
	}

	/** Where the workbench puts what later work on a run writes (predictions, ensembles, evaluations): {@code outputs/} beside it. */
	public static Path outputs(Path run) {
		return run.toAbsolutePath().getParent().resolve("outputs");
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
