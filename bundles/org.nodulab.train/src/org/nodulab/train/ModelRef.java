package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model named by run and epoch: {@code <run folder>/<model>@<epoch>}, or a run folder alone (its
 * best model, or the only one), or {@code <run folder>/<model>} (that model's best epoch).
 */
public record ModelRef(Path run, String model, Integer epoch) {

	public static ModelRef parse(String text, Path runsRoot) {
		String t = text.trim();
		Integer epoch = null;
		int at = t.lastIndexOf('@');
		if (at > 0) {
			try {
				epoch = Integer.parseInt(t.substring(at + 1));
			} catch (NumberFormatException e) {
				throw new IllegalArgumentException("'" + text + "': the epoch after '@' must be a number");
			}
			t = t.substring(0, at);
		}
		Path p = Path.of(t);
		if (!p.isAbsolute() && runsRoot != null && !java.nio.file.Files.exists(p)) {
			p = runsRoot.resolve(p);
		}
		if (RunDirectory.isRun(p)) {
			return new ModelRef(p, null, epoch);
		}
		if (p.getParent() != null && RunDirectory.isRun(p.getParent())) {
			return new ModelRef(p.getParent(), p.getFileName().toString(), epoch);
		}
		throw new IllegalArgumentException("'" + text + "' names no run (looked for " + p.resolve(RunDirectory.EXPERIMENT)
				+ (p.getParent() != null ? " and " + p.getParent().resolve(RunDirectory.EXPERIMENT) : "") + ")");
	}

	/** The checkpoint this reference names. */
	public Checkpoints.Checkpoint resolve(RunDirectory dir) throws IOException {
		String m = model;
		if (m == null) {
			var models = dir.checkpoints().list().stream().map(Checkpoints.Checkpoint::model).distinct().toList();
			if (models.size() != 1) {
				var best = bestFromSummary(dir, null);
				if (best.isPresent() && epoch == null) {
					return best.get();
				}
				throw new IOException(dir.dir() + " has models " + models + ": name one as " + dir.dir() + "/<model>[@epoch]");
			}
			m = models.get(0);
		}
		if (epoch != null) {
			final String name = m;
			return dir.checkpoints().atEpoch(m, epoch).orElseThrow(() -> new IOException("no checkpoint " + name + "@" + epoch
					+ " in " + dir.dir() + " (it was never written or has been deleted; see deletions.csv)"));
		}
		final String name = m;
		Optional<Checkpoints.Checkpoint> best = bestFromSummary(dir, m);
		if (best.isPresent()) {
			return best.get();
		}
		return dir.checkpoints().latest(m).filter(Checkpoints.Checkpoint::atEpochEnd)
				.orElseThrow(() -> new IOException("no complete checkpoint of " + name + " in " + dir.dir()));
	}

	/** The best epoch's checkpoint recorded when the model finished (the best-CPM model when none is named). */
	private static Optional<Checkpoints.Checkpoint> bestFromSummary(RunDirectory dir, String model) throws IOException {
		java.nio.file.Path models = dir.resolve("models");
		if (!java.nio.file.Files.isDirectory(models)) {
			return Optional.empty();
		}
		Checkpoints.Checkpoint best = null;
		double bestCpm = Double.NEGATIVE_INFINITY;
		try (var files = java.nio.file.Files.list(models)) {
			for (Path f : files.sorted().toList()) {
				var json = RunDirectory.readTree(RunDirectory.JSON, f);
				String m = json.path("model").asText();
				if (model != null && !model.equals(m)) {
					continue;
				}
				double cpm = json.path("validationCpm").asDouble(json.path("testCpm").asDouble(0));
				int epoch = json.path("bestEpoch").asInt();
				var c = dir.checkpoints().atEpoch(m, epoch);
				if (c.isPresent() && (best == null || cpm > bestCpm)) {
					best = c.get();
					bestCpm = cpm;
				}
			}
		}
		return Optional.ofNullable(best);
	}
}
