package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The experiment log: every run below a runs folder, with its key settings and results, and comparisons. */
public final class RunCatalog {

	/** One run as the list shows it. */
	public record Entry(Path dir, String name, String created, String status, List<String> architectures, int epochs,
			double learningRate, int batchSize, List<String> augmentations, double bestValidationCpm, double bestTestCpm,
			double ensembleCpm, String problem) {

		/** A run whose files cannot be read: listed with the reason, never hidden. */
		static Entry damaged(Path dir, Exception e) {
			String created;
			try {
				created = Files.getLastModifiedTime(dir).toInstant().toString();
			} catch (IOException x) {
				created = "";
			}
			return new Entry(dir, dir.getFileName().toString(), created, "damaged", List.of(), 0, Double.NaN, 0, List.of(), Double.NaN,
					Double.NaN, Double.NaN, e.getMessage() == null ? e.toString() : e.getMessage());
		}

		public boolean isDamaged() {
			return problem != null;
		}

		/** The headline figure: the ensemble's test CPM, else the best model's. */
		public double cpm() {
			return Double.isNaN(ensembleCpm) ? bestTestCpm : ensembleCpm;
		}
	}

	private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

	private RunCatalog() {
	}

	/** Runs directly below {@code runs} (cross-validation runs with their folds), oldest first. */
	public static List<Entry> list(Path runs) throws IOException {
		List<Entry> out = new ArrayList<>();
		if (!Files.isDirectory(runs)) {
			return out;
		}
		try (Stream<Path> dirs = Files.list(runs)) {
			for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
				try {
					if (RunDirectory.isRun(d)) {
						out.add(entry(d));
					} else if (Files.exists(d.resolve(CrossValidation.CV_FILE))) {
						out.add(CrossValidation.entry(d));
					}
				} catch (IOException | RuntimeException e) {
					out.add(Entry.damaged(d, e)); // one damaged run never hides the others
				}
			}
		}
		out.sort((a, b) -> a.created().compareTo(b.created()));
		return out;
	}

	public static Entry entry(Path dir) throws IOException {
		RunDirectory run = RunDirectory.open(dir);
		JsonNode provenance = run.readJson(RunDirectory.PROVENANCE).orElse(null);
		JsonNode summary = run.readJson(RunDirectory.SUMMARY).orElse(null);
		double bestValidation = Double.NaN;
		double bestTest = Double.NaN;
		for (RunDirectory.EpochMetrics m : run.metrics()) {
			bestValidation = max(bestValidation, m.validationCpm());
		}
		double ensemble = Double.NaN;
		if (summary != null) {
			for (JsonNode m : summary.path("models")) {
				if (m.path("testCpm").isNumber()) {
					bestTest = max(bestTest, m.path("testCpm").asDouble());
				}
			}
			if (summary.path("ensembleTestCpm").isNumber()) {
				ensemble = summary.path("ensembleTestCpm").asDouble();
			}
		}
		String status = summary != null ? "finished" : run.checkpoints().list().isEmpty() ? "started" : "interrupted";
		String created = provenance != null ? provenance.path("created").asText() : "";
		return entry(dir, run.name(), created, status, run.resolve(RunDirectory.EXPERIMENT), bestValidation, bestTest, ensemble);
	}

	/** An entry with the key settings read from an experiment file (a run's, or a cross-validation's). */
	static Entry entry(Path dir, String name, String created, String status, Path experiment, double bestValidation,
			double bestTest, double ensemble) throws IOException {
		JsonNode e = RunDirectory.readTree(YAML, experiment);
		List<String> architectures = new ArrayList<>();
		e.path("architectures").forEach(a -> architectures.add(a.path("id").asText()));
		List<String> augmentations = new ArrayList<>();
		e.path("augmentations").forEach(a -> augmentations.add(a.path("id").asText()));
		JsonNode t = e.path("training");
		return new Entry(dir, name, created, status, architectures, t.path("epochs").asInt(), t.path("learningRate").asDouble(),
				t.path("batchSize").asInt(), augmentations, bestValidation, bestTest, ensemble, null);
	}

	static double max(double a, double b) {
		return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
	}

	/** Settings that differ between two runs' experiment files: key path to the two values. */
	public static Map<String, String[]> settingsDiff(Path a, Path b) throws IOException {
		Map<String, String> fa = flatten(RunDirectory.readTree(YAML, experimentOf(a)));
		Map<String, String> fb = flatten(RunDirectory.readTree(YAML, experimentOf(b)));
		Map<String, String[]> diff = new LinkedHashMap<>();
		for (String key : new TreeSet<>(union(fa.keySet(), fb.keySet()))) {
			String va = fa.getOrDefault(key, "(absent)");
			String vb = fb.getOrDefault(key, "(absent)");
			if (!va.equals(vb) && !key.equals("output.runs")) {
				diff.put(key, new String[] { va, vb });
			}
		}
		return diff;
	}

	private static Path experimentOf(Path run) {
		Path f = run.resolve(RunDirectory.EXPERIMENT);
		return Files.exists(f) ? f : run.resolve(CrossValidation.CV_FILE);
	}

	private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
		java.util.Set<String> u = new java.util.LinkedHashSet<>(a);
		u.addAll(b);
		return u;
	}

	static Map<String, String> flatten(JsonNode node) {
		Map<String, String> out = new LinkedHashMap<>();
		flatten("", node, out);
		return out;
	}

	private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
		if (node.isObject()) {
			for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
				var e = it.next();
				flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
			}
		} else if (node.isArray()) {
			boolean scalars = true;
			for (JsonNode n : node) {
				scalars &= n.isValueNode();
			}
			if (scalars) {
				out.put(prefix, node.toString());
			} else {
				for (int i = 0; i < node.size(); i++) {
					flatten(prefix + "[" + i + "]", node.get(i), out);
				}
			}
		} else if (!node.isNull()) {
			out.put(prefix, node.asText());
		}
	}
}
