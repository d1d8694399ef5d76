package org.nodulab.campaign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.eval.ensemble.Ensembles;
import org.nodulab.eval.froc.FrocPlot;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.eval.froc.Luna16Reference;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.luna16.Prediction;
import org.nodulab.train.RunDirectory;
import org.nodulab.train.RunOutputs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The campaign's results, written by the tool: the table (variant x fold CPM; mean and spread over folds; the pooled
 * CPM of the merged fold predictions with its bootstrap interval; each variant against the baseline as a paired
 * bootstrap of the CPM difference over the same scans; the ensembles across variants) as {@code results/campaign.csv},
 * and the notebook ({@code notebook.md}, {@code notebook.html}) with an entry per variant and the FROC curves of the
 * best. Recomputed from the runs' files after every task, so it is current while the campaign runs.
 *
 * <p>Pooling: with cross-validation the folds test disjoint scans and their predictions are concatenated; with seed
 * repeats they test the same scans and the pooled prediction of a candidate is the mean over the seeds.
 */
public final class CampaignResults {

	/** One line of the table. */
	public record Row(String kind, String name, String description, Map<String, Double> foldCpm, int finished, int planned,
			double mean, double sd, double pooled, double lower, double upper, double delta, double deltaLower,
			double deltaUpper, double pWorse, Double notebook, String changes, String note, Interim interim) {

		public boolean complete() {
			return finished == planned && planned > 0;
		}

		Row withNote(String note) {
			return new Row(kind, name, description, foldCpm, finished, planned, mean, sd, pooled, lower, upper, delta, deltaLower,
					deltaUpper, pWorse, notebook, changes, note, interim);
		}
	}

	/**
	 * The figures of a row whose folds have not all finished, marked as such wherever they are shown: the CPM pooled over
	 * the folds finished so far ({@code folds}) with its bootstrap interval, and the paired comparison with the baseline
	 * over the folds both have finished ({@code comparedFolds}, empty while they share none). Never mixed into the final
	 * figures: those appear only once every fold has finished.
	 */
	public record Interim(List<String> folds, double pooled, double lower, double upper, List<String> comparedFolds, double delta,
			double deltaLower, double deltaUpper, double pWorse, String note) {

		Interim withNote(String note) {
			return new Interim(folds, pooled, lower, upper, comparedFolds, delta, deltaLower, deltaUpper, pWorse, note);
		}

		/** {@code over 7 of 10 folds (fold-0, ...)}. */
		public String scope(int planned) {
			return "over " + folds.size() + " of " + planned + " folds";
		}
	}

	/** The whole table. */
	public record Table(String campaign, String description, String baseline, List<String> folds, List<Row> variants,
			List<Row> ensembles, int scans, int bootstrap, double confidence, Map<String, FrocResult> pooledFroc) {

		public List<Row> all() {
			List<Row> out = new ArrayList<>(variants);
			out.addAll(ensembles);
			return out;
		}
	}

	private record RunData(String fold, List<String> testScans, List<Prediction> test, List<String> validationScans,
			List<Prediction> validation, Path dataset) {
	}

	private record Pooled(List<String> scans, List<Prediction> predictions, Path dataset) {
	}

	private CampaignResults() {
	}

	/** Recomputes the table and writes the CSV and the notebook, one writer at a time (tasks end concurrently). */
	public static Table update(CampaignFolder folder, EnsembleCombinerRegistry combiners) throws Exception {
		Path results = folder.dir().resolve("results");
		Files.createDirectories(results);
		try (FileChannel ch = FileChannel.open(results.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = ch.lock()) {
			Table t = compute(folder, combiners);
			write(folder, t);
			return t;
		}
	}

	/** Computes the table from the runs that have finished. */
	public static Table compute(CampaignFolder folder, EnsembleCombinerRegistry combiners) throws Exception {
		JsonNode plan = folder.plan();
		List<String> folds = folder.folds();
		boolean seeds = plan.path("foldMode").asText().equals("seeds");
		int bootstrap = plan.path("evaluation").path("bootstrap").asInt(1000);
		long seed = plan.path("evaluation").path("seed").asLong(0);
		double confidence = plan.path("evaluation").path("confidence").asDouble(0.95);
		Map<Path, Luna16Reference> references = new HashMap<>();
		Map<String, Map<String, RunData>> data = new LinkedHashMap<>();
		for (String variant : folder.variants()) {
			Map<String, RunData> byFold = new LinkedHashMap<>();
			for (String fold : folds) {
				RunData d = read(folder, CampaignFolder.runId(variant, fold), fold);
				if (d != null) {
					byFold.put(fold, d);
				}
			}
			data.put(variant, byFold);
		}
		String baseline = folder.baseline();
		Map<String, FrocResult> pooledFroc = new LinkedHashMap<>();
		Map<String, Pooled> pooled = new LinkedHashMap<>();
		Folds over = new Folds(seeds, bootstrap, seed, confidence, references);
		List<Row> variantRows = new ArrayList<>();
		int scans = 0;
		// the baseline first, so that the others can be compared with it
		List<String> order = new ArrayList<>(data.keySet());
		order.remove(baseline);
		order.add(0, baseline);
		Map<String, Row> rows = new HashMap<>();
		for (String variant : order) {
			Map<String, RunData> byFold = data.get(variant);
			JsonNode v = folder.variant(variant);
			Row row = row("variant", variant, v.path("description").asText(), byFold, folds, seeds, bootstrap, seed, confidence,
					references, pooled, pooledFroc, baseline, data.get(baseline), over, v.hasNonNull("notebook") ? v.get("notebook").asDouble() : null,
					(!v.hasNonNull("from") ? ""
							: v.path("evaluatesOnly").asBoolean() ? "the model of " + v.path("from").asText() + " (same fold), not trained further; "
									: "fine-tuned from the model of " + v.path("from").asText() + " (same fold); ")
							+ changes(v.path("overrides")), "");
			rows.put(variant, row);
			if (pooled.containsKey(variant)) {
				scans = Math.max(scans, pooled.get(variant).scans().size());
			}
		}
		for (String variant : data.keySet()) {
			variantRows.add(rows.get(variant));
		}
		List<Row> ensembleRows = new ArrayList<>();
		for (JsonNode e : plan.path("ensembles")) {
			String name = e.path("name").asText();
			List<String> members = new ArrayList<>();
			e.path("members").forEach(m -> members.add(m.asText()));
			String combine = e.path("combine").asText("mean");
			Map<String, RunData> byFold = new LinkedHashMap<>();
			List<String> notes = new ArrayList<>();
			for (String fold : folds) {
				List<RunData> parts = new ArrayList<>();
				for (String m : members) {
					RunData d = data.get(m).get(fold);
					if (d != null) {
						parts.add(d);
					}
				}
				if (parts.size() == members.size()) {
					try {
						byFold.put(fold, combine(name, fold, members, parts, combine, e.path("step").asDouble(0.1), combiners, references, notes));
					} catch (IllegalArgumentException x) {
						notes.add(fold + ": " + x.getMessage());
					}
				}
			}
			String best = members.stream().filter(m -> rows.get(m) != null && !Double.isNaN(rows.get(m).pooled()))
					.max(Comparator.comparingDouble(m -> rows.get(m).pooled())).orElse(null);
			Row row = row("ensemble", name, combine + " of " + String.join(", ", members), byFold, folds, seeds, bootstrap, seed,
					confidence, references, pooled, pooledFroc, baseline, data.get(baseline), over, null, "", String.join("; ", notes));
			if (best != null && pooled.containsKey(name)) {
				double[] d = paired(pooledFroc.get(name), pooledFroc.get(best), confidence);
				row = row.withNote((row.note().isEmpty() ? "" : row.note() + "; ")
						+ String.format(Locale.ROOT, "against its best member %s: %+.4f [%+.4f, %+.4f]", best, d[0], d[1], d[2]));
			} else if (row.interim() != null) {
				// interim: the members pooled over the same folds as the ensemble, the best of them against it
				List<String> on = row.interim().folds();
				FrocResult ensemble = over.evaluate(name, byFold, on);
				String bestNow = null;
				FrocResult bestFroc = null;
				for (String m : members) {
					FrocResult f = over.evaluate(m, data.get(m), on);
					if (bestFroc == null || f.cpm() > bestFroc.cpm()) {
						bestNow = m;
						bestFroc = f;
					}
				}
				double[] d = paired(ensemble, bestFroc, confidence);
				row = new Row(row.kind(), row.name(), row.description(), row.foldCpm(), row.finished(), row.planned(), row.mean(),
						row.sd(), row.pooled(), row.lower(), row.upper(), row.delta(), row.deltaLower(), row.deltaUpper(), row.pWorse(),
						row.notebook(), row.changes(), row.note(), row.interim().withNote(String.format(Locale.ROOT,
								"against its best member over the same folds, %s: %+.4f [%+.4f, %+.4f]", bestNow, d[0], d[1], d[2])));
			}
			ensembleRows.add(row);
		}
		return new Table(folder.name(), folder.plan().path("description").asText(), baseline, folds, variantRows, ensembleRows,
				scans, bootstrap, confidence, pooledFroc);
	}

	private static Row row(String kind, String name, String description, Map<String, RunData> byFold, List<String> folds,
			boolean seeds, int bootstrap, long seed, double confidence, Map<Path, Luna16Reference> references,
			Map<String, Pooled> pooled, Map<String, FrocResult> pooledFroc, String baseline, Map<String, RunData> baselineByFold,
			Folds over, Double notebook, String changes, String note) throws Exception {
		Map<String, Double> foldCpm = new LinkedHashMap<>();
		for (Map.Entry<String, RunData> f : byFold.entrySet()) {
			RunData d = f.getValue();
			Luna16Reference ref = reference(references, d.dataset());
			foldCpm.put(f.getKey(), Luna16Evaluation.evaluate(d.testScans(), ref.annotations(), ref.excluded(), d.test(),
					Luna16Evaluation.Options.of("fold")).cpm());
		}
		double mean = foldCpm.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
		double sd = Double.NaN;
		if (foldCpm.size() > 1) {
			double ss = foldCpm.values().stream().mapToDouble(c -> (c - mean) * (c - mean)).sum();
			sd = Math.sqrt(ss / (foldCpm.size() - 1));
		}
		double p = Double.NaN;
		double lower = Double.NaN;
		double upper = Double.NaN;
		double delta = Double.NaN;
		double dLower = Double.NaN;
		double dUpper = Double.NaN;
		double pWorse = Double.NaN;
		Interim interim = null;
		if (byFold.size() == folds.size() && !folds.isEmpty()) {
			Pooled pool = pool(byFold, folds, seeds);
			pooled.put(name, pool);
			FrocResult froc = evaluate(name, pool, bootstrap, seed, confidence, references);
			pooledFroc.put(name, froc);
			p = froc.cpm();
			double[] interval = froc.cpmInterval();
			if (interval != null) {
				lower = interval[0];
				upper = interval[1];
			}
			FrocResult base = pooledFroc.get(baseline);
			if (base != null && !name.equals(baseline) && pooled.get(baseline).scans().equals(pool.scans())) {
				double[] d = paired(froc, base, confidence);
				delta = d[0];
				dLower = d[1];
				dUpper = d[2];
				pWorse = d[3];
			}
		} else if (!byFold.isEmpty()) {
			interim = interim(name, byFold, folds, over, confidence, name.equals(baseline) ? null : baseline,
					name.equals(baseline) ? null : baselineByFold);
		}
		return new Row(kind, name, description, foldCpm, byFold.size(), folds.size(), mean, sd, p, lower, upper, delta, dLower,
				dUpper, pWorse, notebook, changes, note, interim);
	}

	/**
	 * The interim figures of a row with some folds finished: pooled over those, and against the baseline over the folds
	 * both have finished (the same scans, the same resamples).
	 */
	private static Interim interim(String name, Map<String, RunData> byFold, List<String> folds, Folds over, double confidence,
			String baseline, Map<String, RunData> baselineByFold) throws Exception {
		List<String> done = folds.stream().filter(byFold::containsKey).toList();
		FrocResult froc = over.evaluate(name, byFold, done);
		double[] interval = froc.cpmInterval() != null ? froc.cpmInterval() : new double[] { Double.NaN, Double.NaN };
		List<String> common = baselineByFold == null ? List.of() : done.stream().filter(baselineByFold::containsKey).toList();
		double[] d = { Double.NaN, Double.NaN, Double.NaN, Double.NaN };
		if (!common.isEmpty()) {
			if (over.pool(byFold, common).scans().equals(over.pool(baselineByFold, common).scans())) {
				d = paired(over.evaluate(name, byFold, common), over.evaluate(baseline, baselineByFold, common), confidence);
			} else {
				common = List.of();
			}
		}
		return new Interim(done, froc.cpm(), interval[0], interval[1], common, d[0], d[1], d[2], d[3], "");
	}

	/**
	 * Evaluations of rows pooled over some of their folds (interim figures), each computed once per table: a baseline
	 * over the same folds serves every row compared with it, an ensemble's own evaluation serves its member comparison.
	 */
	private static final class Folds {
		private final boolean seeds;
		private final int bootstrap;
		private final long seed;
		private final double confidence;
		private final Map<Path, Luna16Reference> references;
		private final Map<String, FrocResult> done = new HashMap<>();

		Folds(boolean seeds, int bootstrap, long seed, double confidence, Map<Path, Luna16Reference> references) {
			this.seeds = seeds;
			this.bootstrap = bootstrap;
			this.seed = seed;
			this.confidence = confidence;
			this.references = references;
		}

		Pooled pool(Map<String, RunData> byFold, List<String> folds) {
			return CampaignResults.pool(byFold, folds, seeds);
		}

		FrocResult evaluate(String name, Map<String, RunData> byFold, List<String> folds) throws IOException {
			String key = name + "|" + String.join(",", folds);
			FrocResult r = done.get(key);
			if (r == null) {
				r = CampaignResults.evaluate(name + "-interim", pool(byFold, folds), bootstrap, seed, confidence, references);
				done.put(key, r);
			}
			return r;
		}
	}

	private static FrocResult evaluate(String name, Pooled pool, int bootstrap, long seed, double confidence,
			Map<Path, Luna16Reference> references) throws IOException {
		Luna16Reference ref = reference(references, pool.dataset());
		return Luna16Evaluation.evaluate(pool.scans(), ref.annotations(), ref.excluded(), pool.predictions(),
				new Luna16Evaluation.Options(safe(name), 100, bootstrap, seed, null, confidence));
	}

	/**
	 * The paired bootstrap of {@code a - b} (same scans, same resamples): difference, interval at {@code confidence}, and
	 * the share of resamples in which a is not better than b.
	 */
	static double[] paired(FrocResult a, FrocResult b, double confidence) {
		double delta = a.cpm() - b.cpm();
		double[] ra = a.cpmResamples();
		double[] rb = b.cpmResamples();
		if (ra == null || rb == null || ra.length != rb.length) {
			return new double[] { delta, Double.NaN, Double.NaN, Double.NaN };
		}
		List<Double> diffs = new ArrayList<>();
		for (int i = 0; i < ra.length; i++) {
			if (Double.isFinite(ra[i]) && Double.isFinite(rb[i])) {
				diffs.add(ra[i] - rb[i]);
			}
		}
		if (diffs.isEmpty()) {
			return new double[] { delta, Double.NaN, Double.NaN, Double.NaN };
		}
		double[] d = diffs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		double pz = (1 - confidence) / 2;
		double lower = d[(int) Math.floor(pz * d.length)];
		double upper = d[Math.min(d.length - 1, (int) Math.floor((1 - pz) * d.length))];
		double worse = (double) diffs.stream().filter(x -> x <= 0).count() / d.length;
		return new double[] { delta, lower, upper, worse };
	}

	private static Pooled pool(Map<String, RunData> byFold, List<String> folds, boolean seeds) {
		List<String> scans = new ArrayList<>();
		List<Prediction> predictions = new ArrayList<>();
		RunData first = byFold.get(folds.get(0));
		if (seeds) {
			List<Ensembles.Member> members = new ArrayList<>();
			for (String f : folds) {
				members.add(new Ensembles.Member(f, byFold.get(f).test()));
			}
			Ensembles.Aligned a = Ensembles.align(members);
			double[] mean = new double[a.candidates().size()];
			for (double[] s : a.scores()) {
				for (int i = 0; i < mean.length; i++) {
					mean[i] += s[i] / a.scores().size();
				}
			}
			return new Pooled(first.testScans(), Ensembles.withScores(a.candidates(), mean), first.dataset());
		}
		for (String f : folds) {
			RunData d = byFold.get(f);
			for (String s : d.testScans()) {
				if (!scans.contains(s)) {
					scans.add(s);
				}
			}
			predictions.addAll(d.test());
		}
		return new Pooled(scans, predictions, first.dataset());
	}

	/** One fold of an ensemble across variants: the members' test predictions combined (weights from validation only). */
	private static RunData combine(String name, String fold, List<String> members, List<RunData> parts, String combine,
			double step, EnsembleCombinerRegistry combiners, Map<Path, Luna16Reference> references, List<String> notes)
			throws Exception {
		List<Ensembles.Member> test = new ArrayList<>();
		for (int i = 0; i < parts.size(); i++) {
			test.add(new Ensembles.Member(members.get(i) + "/" + fold, parts.get(i).test()));
		}
		Ensembles.Aligned aligned = Ensembles.align(test);
		double[] scores;
		if (combine.equals("weighted")) {
			List<Ensembles.Member> validation = new ArrayList<>();
			for (int i = 0; i < parts.size(); i++) {
				if (parts.get(i).validation() == null) {
					throw new IllegalArgumentException("no validation predictions in " + members.get(i) + "/" + fold
							+ " (its split has no validation set); weights are searched on validation predictions only");
				}
				validation.add(new Ensembles.Member(members.get(i) + "/" + fold + " validation", parts.get(i).validation()));
			}
			Ensembles.Aligned va = Ensembles.align(validation);
			Ensembles.checkNoLeakage(Set.copyOf(parts.get(0).validationScans()), Set.copyOf(parts.get(0).testScans()), false);
			Luna16Reference ref = reference(references, parts.get(0).dataset());
			Luna16Reference searchRef = new Luna16Reference(parts.get(0).validationScans(), ref.annotations(), ref.excluded());
			Ensembles.Search search = Ensembles.searchWeights(va, searchRef, step, false, Set.of(),
					(s, w) -> combiners.combine("weighted", s, Map.of("weights", java.util.Arrays.stream(w).boxed().toList())));
			notes.add(fold + " weights " + java.util.Arrays.toString(search.weights()));
			scores = combiners.combine("weighted", aligned.scores(), Map.of("weights", java.util.Arrays.stream(search.weights()).boxed().toList()));
		} else {
			scores = combiners.combine(combine, aligned.scores(), Map.of());
		}
		RunData first = parts.get(0);
		return new RunData(fold, first.testScans(), Ensembles.withScores(aligned.candidates(), scores), first.validationScans(),
				null, first.dataset());
	}

	/** A finished run's test (and validation) predictions and scans, or null while it has not finished. */
	private static RunData read(CampaignFolder folder, String runId, String fold) throws IOException {
		Path dir = folder.runDir(runId);
		if (!RunDirectory.isRun(dir) || !RunDirectory.open(dir).finished()) {
			return null;
		}
		JsonNode provenance = RunDirectory.readTree(CampaignFolder.JSON, dir.resolve(RunDirectory.PROVENANCE));
		List<String> testScans = texts(provenance.path("split").path("test"));
		List<String> validationScans = texts(provenance.path("split").path("validation"));
		List<RunOutputs.Model> models = RunOutputs.models(dir);
		Path ensemble = dir.resolve("predictions/ensemble-test.csv");
		List<Prediction> test;
		if (Files.exists(ensemble)) {
			test = Luna16Csv.readPredictions(ensemble, true);
		} else if (models.size() == 1) {
			test = Luna16Csv.readPredictions(models.get(0).testPredictions(), true);
		} else {
			throw new IOException(dir + ": finished without test predictions (predictions/*-test.csv)");
		}
		List<Prediction> validation = null;
		if (!validationScans.isEmpty()) {
			List<Ensembles.Member> members = new ArrayList<>();
			for (RunOutputs.Model m : models) {
				if (Files.exists(m.validationPredictions())) {
					members.add(new Ensembles.Member(m.validationPredictions().toString(), Luna16Csv.readPredictions(m.validationPredictions(), true)));
				}
			}
			if (!members.isEmpty() && members.size() == models.size()) {
				Ensembles.Aligned a = Ensembles.align(members);
				double[] mean = new double[a.candidates().size()];
				for (double[] s : a.scores()) {
					for (int i = 0; i < mean.length; i++) {
						mean[i] += s[i] / a.scores().size();
					}
				}
				validation = Ensembles.withScores(a.candidates(), mean);
			}
		}
		Path dataset = Path.of(RunDirectory.experimentTree(dir).path("dataset").path("path").asText());
		return new RunData(fold, testScans, test, validationScans, validation, dataset);
	}

	private static List<String> texts(JsonNode array) {
		List<String> out = new ArrayList<>();
		array.forEach(n -> out.add(n.asText()));
		return out;
	}

	private static Luna16Reference reference(Map<Path, Luna16Reference> cache, Path dataset) throws IOException {
		Luna16Reference r = cache.get(dataset);
		if (r == null) {
			Luna16Dataset d = Luna16Dataset.open(dataset);
			List<Annotation> excluded = d.excluded();
			r = new Luna16Reference(d.listedUids(), d.annotations(), excluded);
			cache.put(dataset, r);
		}
		return r;
	}

	private static String safe(String name) {
		return name.replaceAll("[^A-Za-z0-9._=+-]", "_");
	}

	/** The overrides of a variant as {@code key = value; ...}. */
	static String changes(JsonNode overrides) {
		List<String> out = new ArrayList<>();
		overrides.fields().forEachRemaining(f -> out.add(f.getKey() + " = " + (f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString())));
		return out.isEmpty() ? "none (the base experiment)" : String.join("; ", out);
	}

	// ---------------------------------------------------------------------------------------------------------- files

	/** Writes {@code results/campaign.csv}, {@code results/froc-best.png}, {@code notebook.md} and {@code notebook.html}. */
	public static void write(CampaignFolder folder, Table t) throws IOException {
		Path results = folder.dir().resolve("results");
		AtomicFiles.replace(results.resolve("campaign.csv"), out -> {
			OutputStreamWriter w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
			List<String> header = new ArrayList<>(List.of("kind", "name"));
			t.folds().forEach(f -> header.add("cpm_" + f));
			header.addAll(List.of("runs_finished", "runs_planned", "mean", "sd", "pooled_cpm", "pooled_lower", "pooled_upper",
					"delta_vs_" + t.baseline(), "delta_lower", "delta_upper", "p_not_better", "notebook_cpm", "changes", "note",
					"interim_folds", "interim_pooled_cpm", "interim_lower", "interim_upper", "interim_compared_folds", "interim_delta",
					"interim_delta_lower", "interim_delta_upper", "interim_p_not_better", "interim_note"));
			CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get());
			for (Row r : t.all()) {
				List<Object> values = new ArrayList<>(List.of(r.kind(), r.name()));
				t.folds().forEach(f -> values.add(num(r.foldCpm().get(f))));
				values.addAll(List.of(r.finished(), r.planned(), num(r.mean()), num(r.sd()), num(r.pooled()), num(r.lower()),
						num(r.upper()), num(r.delta()), num(r.deltaLower()), num(r.deltaUpper()), num(r.pWorse()),
						num(r.notebook()), r.changes(), r.note()));
				Interim i = r.interim();
				if (i == null) {
					values.addAll(java.util.Collections.nCopies(10, ""));
				} else {
					values.addAll(List.of(String.join(" ", i.folds()), num(i.pooled()), num(i.lower()), num(i.upper()),
							String.join(" ", i.comparedFolds()), num(i.delta()), num(i.deltaLower()), num(i.deltaUpper()),
							num(i.pWorse()), i.note()));
				}
				csv.printRecord(values);
			}
			csv.flush();
		});
		List<String> best = best(t);
		byte[] png = null;
		if (!best.isEmpty()) {
			List<FrocResult> curves = best.stream().map(n -> t.pooledFroc().get(n)).toList();
			ByteArrayOutputStream buffer = new ByteArrayOutputStream();
			FrocPlot.write(curves, t.campaign() + ": pooled FROC of the best and the baseline", buffer, 900, 600);
			png = buffer.toByteArray();
			byte[] bytes = png;
			AtomicFiles.replace(results.resolve("froc-best.png"), out -> out.write(bytes));
		}
		AtomicFiles.replace(folder.dir().resolve("notebook.md"), out -> out.write(markdown(t, best).getBytes(StandardCharsets.UTF_8)));
		byte[] image = png;
		AtomicFiles.replace(folder.dir().resolve("notebook.html"), out -> out.write(html(t, best, image).getBytes(StandardCharsets.UTF_8)));
	}

	/** The pooled curves to draw: the three best variants or ensembles and the baseline. */
	static List<String> best(Table t) {
		List<String> out = new ArrayList<>(t.all().stream().filter(r -> t.pooledFroc().containsKey(r.name()))
				.sorted(Comparator.comparingDouble(Row::pooled).reversed()).limit(3).map(Row::name).toList());
		if (t.pooledFroc().containsKey(t.baseline()) && !out.contains(t.baseline())) {
			out.add(t.baseline());
		}
		return out;
	}

	private static String num(Double v) {
		return v == null || Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
	}

	private static String f4(double v) {
		return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
	}

	private static String result(Row r, Table t) {
		StringBuilder b = new StringBuilder();
		if (!Double.isNaN(r.pooled())) {
			b.append(String.format(Locale.ROOT, "pooled CPM **%.4f**", r.pooled()));
			if (!Double.isNaN(r.lower())) {
				b.append(String.format(Locale.ROOT, " [%.4f, %.4f] (%d%% bootstrap interval, %d resamples of %d scans)", r.lower(),
						r.upper(), Math.round(t.confidence() * 100), t.bootstrap(), t.scans()));
			}
		} else {
			b.append("pooled CPM pending (" + r.finished() + " of " + r.planned() + " runs finished)");
			Interim i = r.interim();
			if (i != null) {
				b.append(String.format(Locale.ROOT, "; interim, %s: %.4f", i.scope(r.planned()), i.pooled()));
				if (!Double.isNaN(i.lower())) {
					b.append(String.format(Locale.ROOT, " [%.4f, %.4f]", i.lower(), i.upper()));
				}
			}
		}
		if (!Double.isNaN(r.mean())) {
			b.append(String.format(Locale.ROOT, "; over folds %.4f", r.mean()));
			if (!Double.isNaN(r.sd())) {
				b.append(String.format(Locale.ROOT, " ± %.4f (sd)", r.sd()));
			}
		}
		return b.toString();
	}

	private static String comparison(Row r, Table t) {
		if (r.name().equals(t.baseline())) {
			return "the baseline";
		}
		if (Double.isNaN(r.delta())) {
			Interim i = r.interim();
			if (i == null || i.comparedFolds().isEmpty()) {
				return "not compared yet";
			}
			String verdict = Double.isNaN(i.deltaLower()) ? "" : i.deltaLower() > 0 ? " — better than the baseline so far"
					: i.deltaUpper() < 0 ? " — worse than the baseline so far" : " — no difference shown so far";
			return String.format(Locale.ROOT, "not final; interim, over the %d folds both have finished (%s): %+.4f against %s "
					+ "[%+.4f, %+.4f] (paired bootstrap over the same scans; not better in %.1f%% of resamples)%s",
					i.comparedFolds().size(), String.join(", ", i.comparedFolds()), i.delta(), t.baseline(), i.deltaLower(),
					i.deltaUpper(), 100 * i.pWorse(), verdict);
		}
		String verdict = Double.isNaN(r.deltaLower()) ? "" : r.deltaLower() > 0 ? " — better than the baseline"
				: r.deltaUpper() < 0 ? " — worse than the baseline" : " — no difference shown";
		return String.format(Locale.ROOT, "%+.4f against %s [%+.4f, %+.4f] (paired bootstrap over the same scans; not better in %.1f%% of resamples)%s",
				r.delta(), t.baseline(), r.deltaLower(), r.deltaUpper(), 100 * r.pWorse(), verdict);
	}

	/** A table's note under interim figures (marked {@code *} in plain text). */
	public static final String INTERIM_NOTE = "* interim: pooled over the folds finished so far, compared with the baseline over the folds "
			+ "both have finished; final once every fold has finished";

	/** The pooled CPM in plain text: final, or interim (marked {@code *}, with the folds it covers), or empty. */
	public static String pooledText(Row r) {
		return pooledCell(r, "", "*");
	}

	/** The comparison with the baseline in plain text: final, or interim (marked {@code *}), or empty. */
	public static String deltaText(Row r) {
		return deltaCell(r, "", "*");
	}

	/**
	 * The pooled CPM as a table shows it: final, or interim (between {@code open} and {@code close}: markdown's italics,
	 * or plain text's {@code *}; with the folds it covers), or empty.
	 */
	static String pooledCell(Row r, String open, String close) {
		if (!Double.isNaN(r.pooled())) {
			return f4(r.pooled()) + (Double.isNaN(r.lower()) ? "" : " [" + f4(r.lower()) + ", " + f4(r.upper()) + "]");
		}
		Interim i = r.interim();
		if (i == null) {
			return "";
		}
		return open + f4(i.pooled()) + (Double.isNaN(i.lower()) ? "" : " [" + f4(i.lower()) + ", " + f4(i.upper()) + "]") + " "
				+ i.folds().size() + "/" + r.planned() + " folds" + close;
	}

	/** The comparison with the baseline as a table shows it: final, or interim (as {@link #pooledCell}; over the folds both finished). */
	static String deltaCell(Row r, String open, String close) {
		if (!Double.isNaN(r.delta())) {
			return String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", r.delta(), r.deltaLower(), r.deltaUpper());
		}
		Interim i = r.interim();
		if (i == null || i.comparedFolds().isEmpty()) {
			return "";
		}
		return String.format(Locale.ROOT, "%s%+.4f [%+.4f, %+.4f] %d/%d folds%s", open, i.delta(), i.deltaLower(), i.deltaUpper(),
				i.comparedFolds().size(), r.planned(), close);
	}

	static String markdown(Table t, List<String> best) {
		StringBuilder b = new StringBuilder();
		b.append("# Campaign ").append(t.campaign()).append("\n\n");
		if (!t.description().isBlank()) {
			b.append(t.description()).append("\n\n");
		}
		long done = t.variants().stream().mapToInt(Row::finished).sum();
		long planned = t.variants().stream().mapToInt(Row::planned).sum();
		b.append(String.format(Locale.ROOT, "%d of %d runs finished; folds %s; baseline %s; updated %s.%n%n", done, planned,
				String.join(", ", t.folds()), t.baseline(), java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
		b.append("| | ");
		t.folds().forEach(f -> b.append(f).append(" | "));
		b.append("mean ± sd | pooled CPM [interval] | vs ").append(t.baseline()).append(" | notebook |\n|---|");
		t.folds().forEach(f -> b.append("---|"));
		b.append("---|---|---|---|\n");
		for (Row r : t.all()) {
			b.append("| ").append(r.kind().equals("ensemble") ? "ensemble " : "").append(r.name()).append(" | ");
			t.folds().forEach(f -> b.append(r.foldCpm().containsKey(f) ? f4(r.foldCpm().get(f)) : "…").append(" | "));
			b.append(f4(r.mean())).append(Double.isNaN(r.sd()) ? "" : " ± " + f4(r.sd())).append(" | ");
			b.append(pooledCell(r, "_", "_")).append(" | ").append(deltaCell(r, "_", "_")).append(" | ");
			b.append(r.notebook() == null ? "" : f4(r.notebook()) + " / " + f4(r.pooled())).append(" |\n");
		}
		if (t.all().stream().anyMatch(r -> r.interim() != null)) {
			b.append("\n_Figures in italics are interim: pooled over the folds finished so far, and compared with the baseline "
					+ "over the folds both have finished. They become final once every fold has finished._\n");
		}
		b.append("\n");
		for (Row r : t.variants()) {
			b.append("## ").append(r.name()).append("\n\n");
			if (!r.description().isBlank()) {
				b.append(r.description()).append("\n\n");
			}
			b.append("- Changes against the base: ").append(r.changes()).append("\n");
			b.append("- Result: ").append(result(r, t)).append("\n");
			b.append("- Comparison: ").append(comparison(r, t)).append("\n");
			if (r.notebook() != null) {
				b.append(String.format(Locale.ROOT, "- Notebook / Nodulab: %.4f / %s%n", r.notebook(), f4(r.pooled())));
			}
			b.append("\n");
		}
		for (Row r : t.ensembles()) {
			b.append("## Ensemble ").append(r.name()).append("\n\n").append(r.description()).append("\n\n");
			b.append("- Result: ").append(result(r, t)).append("\n");
			b.append("- Comparison: ").append(comparison(r, t)).append("\n");
			if (!r.note().isBlank()) {
				b.append("- ").append(r.note()).append("\n");
			}
			if (r.interim() != null && !r.interim().note().isBlank()) {
				b.append("- Interim, ").append(r.interim().scope(r.planned())).append(": ").append(r.interim().note()).append("\n");
			}
			b.append("\n");
		}
		if (!best.isEmpty()) {
			b.append("## FROC curves of the best\n\n").append(String.join(", ", best)).append(" (pooled over the folds):\n\n")
					.append("![FROC](results/froc-best.png)\n");
		}
		return b.toString();
	}

	static String html(Table t, List<String> best, byte[] png) {
		StringBuilder b = new StringBuilder();
		b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Campaign ").append(esc(t.campaign()))
				.append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
						+ "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
						+ "td:first-child,th:first-child{text-align:left}.pending{color:#999}.better{color:#060}.worse{color:#a00}"
						+ "section{border-top:1px solid #ddd;margin-top:1.5em}</style></head><body>\n");
		b.append("<h1>Campaign ").append(esc(t.campaign())).append("</h1>\n");
		if (!t.description().isBlank()) {
			b.append("<p>").append(esc(t.description())).append("</p>\n");
		}
		long done = t.variants().stream().mapToInt(Row::finished).sum();
		long planned = t.variants().stream().mapToInt(Row::planned).sum();
		b.append(String.format(Locale.ROOT, "<p>%d of %d runs finished; folds %s; baseline <b>%s</b>; updated %s.</p>%n", done, planned,
				esc(String.join(", ", t.folds())), esc(t.baseline()), java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
		b.append("<table><tr><th></th>");
		t.folds().forEach(f -> b.append("<th>").append(esc(f)).append("</th>"));
		b.append("<th>mean ± sd</th><th>pooled CPM [interval]</th><th>vs ").append(esc(t.baseline())).append("</th><th>notebook</th></tr>\n");
		for (Row r : t.all()) {
			b.append("<tr><td>").append(r.kind().equals("ensemble") ? "ensemble " : "").append("<a href=\"#").append(esc(r.name())).append("\">")
					.append(esc(r.name())).append("</a></td>");
			t.folds().forEach(f -> b.append(r.foldCpm().containsKey(f) ? "<td>" + f4(r.foldCpm().get(f)) + "</td>" : "<td class=\"pending\">…</td>"));
			b.append("<td>").append(f4(r.mean())).append(Double.isNaN(r.sd()) ? "" : " ± " + f4(r.sd())).append("</td>");
			if (Double.isNaN(r.pooled()) && r.interim() != null) {
				b.append("<td class=\"pending\"><i>").append(esc(pooledText(r))).append("</i></td>");
			} else {
				b.append("<td>").append(f4(r.pooled())).append(Double.isNaN(r.lower()) ? "" : " [" + f4(r.lower()) + ", " + f4(r.upper()) + "]").append("</td>");
			}
			if (Double.isNaN(r.delta()) && r.interim() != null) {
				b.append("<td class=\"pending\"><i>").append(esc(deltaText(r))).append("</i></td>");
			} else {
				String cls = Double.isNaN(r.deltaLower()) ? "" : r.deltaLower() > 0 ? " class=\"better\"" : r.deltaUpper() < 0 ? " class=\"worse\"" : "";
				b.append("<td").append(cls).append(">").append(Double.isNaN(r.delta()) ? "" : String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", r.delta(), r.deltaLower(), r.deltaUpper())).append("</td>");
			}
			b.append("<td>").append(r.notebook() == null ? "" : f4(r.notebook()) + " / " + f4(r.pooled())).append("</td></tr>\n");
		}
		b.append("</table>\n");
		if (png != null) {
			b.append("<h2>FROC curves of the best</h2><p>").append(esc(String.join(", ", best)))
					.append(" (pooled over the folds)</p><img alt=\"FROC\" src=\"data:image/png;base64,")
					.append(Base64.getEncoder().encodeToString(png)).append("\">\n");
		}
		for (Row r : t.all()) {
			b.append("<section id=\"").append(esc(r.name())).append("\"><h2>").append(r.kind().equals("ensemble") ? "Ensemble " : "")
					.append(esc(r.name())).append("</h2>\n");
			if (!r.description().isBlank()) {
				b.append("<p>").append(esc(r.description())).append("</p>\n");
			}
			b.append("<ul>");
			if (r.kind().equals("variant")) {
				b.append("<li>Changes against the base: <code>").append(esc(r.changes())).append("</code></li>");
			}
			b.append("<li>Result: ").append(esc(result(r, t)).replace("**", "")).append("</li>");
			b.append("<li>Comparison: ").append(esc(comparison(r, t))).append("</li>");
			if (r.notebook() != null) {
				b.append(String.format(Locale.ROOT, "<li>Notebook / Nodulab: %.4f / %s</li>", r.notebook(), f4(r.pooled())));
			}
			if (!r.note().isBlank()) {
				b.append("<li>").append(esc(r.note())).append("</li>");
			}
			if (r.interim() != null && !r.interim().note().isBlank()) {
				b.append("<li>Interim, ").append(esc(r.interim().scope(r.planned()))).append(": ").append(esc(r.interim().note())).append("</li>");
			}
			b.append("</ul></section>\n");
		}
		b.append("</body></html>\n");
		return b.toString();
	}

	private static String esc(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}
}
