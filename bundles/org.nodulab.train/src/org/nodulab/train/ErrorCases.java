package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;
import org.nodulab.luna16.Luna16Csv;

/**
 * The cases a model gets most wrong on a run's test scans: the lowest-scored candidates on annotated
 * nodules and the highest-scored candidates far from any annotated or excluded finding. A candidate is on
 * a nodule when it lies within the nodule's radius (the LUNA16 hit rule).
 */
public final class ErrorCases {

	/**
	 * A candidate.
	 *
	 * @param positive whether it hits an annotated nodule
	 * @param diameter the nodule's diameter (mm), NaN for a negative
	 * @param rank 1 for the worst case of its kind
	 */
	public record Case(String seriesuid, double x, double y, double z, double score, boolean positive, double diameter, int rank) {
	}

	/** The two lists. */
	public record Errors(String predictions, List<Case> missedPositives, List<Case> falsePositives) {
	}

	private ErrorCases() {
	}

	/** The dataset folder of a run (its resolved experiment's {@code dataset.path}). */
	public static Path datasetOf(Path runDir) throws IOException {
		String path = RunDirectory.experimentTree(runDir).path("dataset").path("path").asText(null);
		if (path == null || path.isBlank()) {
			throw new IOException(runDir + ": its experiment has no dataset.path");
		}
		return Path.of(path);
	}

	/** The prediction files of a run's test set: {@code predictions/<model>-test.csv} and the ensemble's. */
	public static List<String> models(Path runDir) throws IOException {
		Path dir = runDir.resolve("predictions");
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (var files = Files.list(dir)) {
			return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith("-test.csv"))
					.map(n -> n.substring(0, n.length() - "-test.csv".length())).sorted().toList();
		}
	}

	/**
	 * The {@code count} lowest-scored positives and highest-scored negatives of a model's test predictions.
	 *
	 * @param annotations the dataset's annotations
	 * @param excluded its excluded findings (candidates on them are neither)
	 */
	public static Errors find(Path runDir, String model, List<Annotation> annotations, List<Annotation> excluded, int count)
			throws IOException {
		Path file = runDir.resolve("predictions/" + model + "-test.csv");
		if (!Files.exists(file)) {
			throw new IOException(file + " does not exist: the run has no test predictions of '" + model + "'; models: " + models(runDir));
		}
		Map<String, List<Annotation>> nodules = annotations.stream().collect(Collectors.groupingBy(Annotation::seriesuid));
		Map<String, List<Annotation>> ignored = excluded.stream().collect(Collectors.groupingBy(Annotation::seriesuid));
		List<Case> positives = new ArrayList<>();
		List<Case> negatives = new ArrayList<>();
		for (Prediction p : Luna16Csv.readPredictions(file, true)) {
			Annotation hit = hit(p, nodules.getOrDefault(p.seriesuid(), List.of()));
			if (hit != null) {
				positives.add(new Case(p.seriesuid(), p.x(), p.y(), p.z(), p.probability(), true, hit.diameter(), 0));
			} else if (hit(p, ignored.getOrDefault(p.seriesuid(), List.of())) == null) {
				negatives.add(new Case(p.seriesuid(), p.x(), p.y(), p.z(), p.probability(), false, Double.NaN, 0));
			}
		}
		positives.sort(Comparator.comparingDouble(Case::score));
		negatives.sort(Comparator.comparingDouble(Case::score).reversed());
		return new Errors(file.toString(), ranked(positives, count), ranked(negatives, count));
	}

	private static List<Case> ranked(List<Case> sorted, int count) {
		List<Case> out = new ArrayList<>();
		for (int i = 0; i < Math.min(count, sorted.size()); i++) {
			Case c = sorted.get(i);
			out.add(new Case(c.seriesuid(), c.x(), c.y(), c.z(), c.score(), c.positive(), c.diameter(), i + 1));
		}
		return out;
	}

	private static Annotation hit(Prediction p, List<Annotation> findings) {
		Annotation best = null;
		double bestDistance = Double.POSITIVE_INFINITY;
		for (Annotation a : findings) {
			double dx = p.x() - a.x();
			double dy = p.y() - a.y();
			double dz = p.z() - a.z();
			double d = Math.sqrt(dx * dx + dy * dy + dz * dz);
			double radius = a.diameter() > 0 ? a.diameter() / 2 : 0;
			if (d <= radius && d < bestDistance) {
				best = a;
				bestDistance = d;
			}
		}
		return best;
	}
}
