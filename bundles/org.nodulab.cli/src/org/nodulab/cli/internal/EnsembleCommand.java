package org.nodulab.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.luna16.Prediction;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.eval.froc.Luna16Reference;
import org.nodulab.eval.ensemble.Ensembles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab ensemble}: combine several models' predictions into one submission. */
@Command(name = "ensemble", description = {
		"Combine prediction files over the same candidates (mean, weighted, max, or any installed combiner), or merge disjoint test folds (merge).",
		"Weights are given (--weights) or searched on validation predictions (--search-on, one file per member in the same order) to maximise the CPM; the search refuses validation scans that are also evaluated unless --exploratory.",
		"Writes the submission and <out>.ensemble.yaml (inputs with hashes, weights, search); never overwrites." })
public final class EnsembleCommand implements Callable<Integer>, Checked {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--combine", required = true, description = "mean, weighted, max (or another combiner id), or merge")
	String combine;

	@Option(names = "--inputs", required = true, arity = "1..*", paramLabel = "FILE", description = "Members' predictions (LUNA16 submission format); for merge, the folds.")
	List<Path> inputs;

	@Option(names = "--out", required = true, paramLabel = "FILE", description = "The submission to write.")
	Path out;

	@Option(names = "--weights", split = ",", paramLabel = "W", description = "Weights of the members for weighted, e.g. 0.6,0.4.")
	List<Double> weights;

	@Option(names = "--search-on", arity = "1..*", paramLabel = "FILE", description = "Validation predictions of the members, in member order, to search the weights on.")
	List<Path> searchOn;

	@Option(names = "--annotations", paramLabel = "FILE", description = "annotations.csv, for the search")
	Path annotations;

	@Option(names = "--excluded", paramLabel = "FILE", description = "annotations_excluded.csv, for the search")
	Path excluded;

	@Option(names = "--seriesuids", paramLabel = "FILE", description = "seriesuids.csv, for the search")
	Path seriesUids;

	@Option(names = "--step", defaultValue = "0.1", description = "Grid step of the weight search (default: ${DEFAULT-VALUE}).")
	double step;

	@Option(names = "--exploratory", description = "Allow the search on scans that are also evaluated; the report then says the result is exploratory.")
	boolean exploratory;

	/** The combiner whose weights this command gives or searches (its settings key 'weights'). */
	static final String WEIGHTED = "weighted";

	public EnsembleCommand(Services services) {
		this.services = services;
	}

	@Override
	public List<String> check() {
		List<String> problems = new ArrayList<>();
		for (Path f : inputs) {
			if (!Files.isRegularFile(f)) {
				problems.add(f + ": no such file");
			}
		}
		if (searchOn != null) {
			for (Path f : searchOn) {
				if (!Files.isRegularFile(f)) {
					problems.add(f + ": no such file (validation predictions to search the weights on)");
				}
			}
			if (searchOn.size() != inputs.size()) {
				problems.add("--search-on needs one validation file per member: " + inputs.size() + " members, " + searchOn.size() + " files");
			}
			for (Path f : java.util.Arrays.asList(annotations, excluded, seriesUids)) {
				if (f == null) {
					problems.add("the weight search needs --annotations, --excluded and --seriesuids");
					break;
				}
			}
		}
		if (!combine.equals("merge") && services.get(EnsembleCombinerRegistry.class).descriptors().stream().noneMatch(d -> d.id().equals(combine))) {
			problems.add("unknown combiner '" + combine + "'; installed: merge, " + String.join(", ",
					services.get(EnsembleCombinerRegistry.class).descriptors().stream().map(d -> d.id()).toList()));
		}
		if (Files.exists(out)) {
			problems.add(out + ": exists already (results are never overwritten)");
		}
		if (problems.isEmpty() && searchOn != null) { // the leakage guard, before anything is queued
			try {
				java.util.Set<String> evaluated = new java.util.HashSet<>();
				for (Path f : inputs) {
					evaluated.addAll(Ensembles.scans(Luna16Csv.readPredictions(f, true)));
				}
				java.util.Set<String> searched = new java.util.HashSet<>();
				for (Path f : searchOn) {
					searched.addAll(Ensembles.scans(Luna16Csv.readPredictions(f, true)));
				}
				Ensembles.checkNoLeakage(searched, evaluated, exploratory);
			} catch (Ensembles.LeakageException e) {
				problems.add(e.getMessage());
			} catch (IOException e) {
				problems.add(e.getMessage());
			}
		}
		return problems;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter console = spec.commandLine().getOut();
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("created", Instant.now().toString());
		report.put("nodulab", VersionProvider.version());
		report.put("combine", combine);
		List<Map<String, Object>> inputReport = new ArrayList<>();
		List<Ensembles.Member> members = new ArrayList<>();
		for (Path input : inputs) {
			List<Prediction> predictions = Luna16Csv.readPredictions(input, true);
			members.add(new Ensembles.Member(input.toString(), predictions));
			inputReport.add(fileEntry(input, predictions.size()));
		}
		report.put("inputs", inputReport);

		List<Prediction> submission;
		if (combine.equals("merge")) {
			submission = Ensembles.mergeFolds(members);
		} else {
			Ensembles.Aligned aligned = Ensembles.align(members);
			EnsembleCombinerRegistry registry = services.get(EnsembleCombinerRegistry.class);
			registry.require(combine);
			Map<String, Object> settings = new LinkedHashMap<>();
			if (combine.equals(WEIGHTED)) {
				settings.put("weights", chooseWeights(aligned, members, report, console));
			} else if (weights != null || searchOn != null) {
				throw new IllegalArgumentException("--weights and --search-on apply to --combine weighted only");
			}
			double[] combined = registry.combine(combine, aligned.scores(), settings);
			submission = Ensembles.withScores(aligned.candidates(), combined);
		}
		Luna16Csv.writeSubmission(out, submission);
		report.put("output", fileEntry(out, submission.size()));
		Path reportFile = out.resolveSibling(out.getFileName() + ".ensemble.yaml");
		AtomicFiles.create(reportFile, new SettingsCodec().toYaml(report));
		console.println("wrote " + out + " (" + submission.size() + " candidates) and " + reportFile);
		return 0;
	}

	private List<Double> chooseWeights(Ensembles.Aligned aligned, List<Ensembles.Member> members,
			Map<String, Object> report, PrintWriter console) throws IOException {
		if (weights != null) {
			if (searchOn != null) {
				throw new IllegalArgumentException("give --weights or --search-on, not both");
			}
			if (weights.size() != members.size()) {
				throw new IllegalArgumentException(
						"--weights: " + weights.size() + " weight(s) for " + members.size() + " member(s)");
			}
			report.put("weights", weights);
			return weights;
		}
		if (searchOn == null) {
			throw new IllegalArgumentException("weighted needs --weights, or --search-on with validation predictions");
		}
		if (searchOn.size() != members.size()) {
			throw new IllegalArgumentException("--search-on: " + searchOn.size() + " file(s) for " + members.size()
					+ " member(s); give each member's validation predictions in the same order");
		}
		if (annotations == null || excluded == null || seriesUids == null) {
			throw new IllegalArgumentException("the weight search needs --annotations, --excluded and --seriesuids");
		}
		List<Ensembles.Member> validation = new ArrayList<>();
		List<Map<String, Object>> validationReport = new ArrayList<>();
		for (Path file : searchOn) {
			List<Prediction> predictions = Luna16Csv.readPredictions(file, true);
			validation.add(new Ensembles.Member(file.toString(), predictions));
			validationReport.add(fileEntry(file, predictions.size()));
		}
		Ensembles.Aligned validationAligned = Ensembles.align(validation);
		Set<String> shared = Ensembles.checkNoLeakage(Ensembles.scans(validationAligned.candidates()),
				Ensembles.scans(aligned.candidates()), exploratory);
		EnsembleCombinerRegistry registry = services.get(EnsembleCombinerRegistry.class);
		Ensembles.Search search;
		try {
			search = Ensembles.searchWeights(validationAligned, Luna16Reference.read(annotations, excluded, seriesUids), step, exploratory,
					shared, (scores, w) -> registry.combine(WEIGHTED, scores, Map.of("weights", java.util.Arrays.stream(w).boxed().toList())));
		} catch (IOException | RuntimeException e) {
			throw e;
		} catch (Exception e) {
			throw new IOException(e.getMessage(), e);
		}
		List<Double> chosen = new ArrayList<>();
		for (double w : search.weights()) {
			chosen.add(w);
		}
		Map<String, Object> s = new LinkedHashMap<>();
		s.put("validation", validationReport);
		s.put("step", step);
		s.put("combinations", search.combinations());
		s.put("validationCpm", search.cpm());
		s.put("exploratory", !shared.isEmpty());
		if (!shared.isEmpty()) {
			s.put("sharedScans", shared.size());
			s.put("note", "EXPLORATORY: the weights were chosen on " + shared.size()
					+ " scans that are also evaluated; numbers measured on them are not an estimate of performance");
			console.println("warning: exploratory run: the weight search used " + shared.size() + " evaluated scans");
		}
		report.put("weights", chosen);
		report.put("search", s);
		console.println(String.format(Locale.ROOT, "weights %s chosen on validation (CPM %.4f, %d combinations)",
				chosen, search.cpm(), search.combinations()));
		return chosen;
	}

	static Map<String, Object> fileEntry(Path file, int rows) throws IOException {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("file", file.toString());
		m.put("rows", rows);
		m.put("sha256", org.nodulab.train.Checkpoints.sha256(file));
		return m;
	}

}
