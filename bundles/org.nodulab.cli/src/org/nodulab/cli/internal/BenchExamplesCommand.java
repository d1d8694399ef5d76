package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentScale;
import org.nodulab.train.ExperimentRunner;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nodulab bench examples}: whether each shipped example experiment learns. Each trains at a quick
 * scale (its own data, split, networks and recipe; fewer epochs and samples per epoch, no bootstrap) and its
 * test CPM (the ensemble's where it has several models) is compared with the one-feature baseline on the
 * same test candidates.
 */
@Command(name = "examples", description = {
		"Whether each shipped example experiment learns: trains it at a quick scale (its own data, split, networks and recipe, with --epochs epochs of at most --epoch-size x negatives, no bootstrap; an example's own 'quick' scale, where it has one, is applied first and its epochs kept unless --epochs is given) and compares its test CPM with the one-feature baseline (mean HU in a 5 mm sphere) on the same test candidates. Prints one line per example; exit code 1 if one does not beat the baseline by --margin.",
		"A long benchmark (CPU-minutes per example), not a unit test. Runs go to a new folder below --runs." })
public final class BenchExamplesCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--experiments", paramLabel = "DIR", description = "Folder of example experiments (default: ${DEFAULT-VALUE}).", defaultValue = "experiments")
	Path experiments;

	@Option(names = "--only", paramLabel = "NAME", split = ",", description = "Only these files (names without .yaml).")
	List<String> only;

	@Option(names = "--epochs", paramLabel = "N", description = "Epochs of every model (default: the epochs of the example's own quick scale where it sets them, else " + DEFAULT_EPOCHS + ").")
	Integer epochs;

	@Option(names = "--epoch-size", paramLabel = "X", description = "At most this many x negatives per epoch (default: ${DEFAULT-VALUE}).", defaultValue = "1.5")
	double epochSize;

	@Option(names = "--margin", paramLabel = "CPM", description = "How far above the baseline counts as learning (default: ${DEFAULT-VALUE}).", defaultValue = "0.05")
	double margin;

	@Option(names = "--runs", paramLabel = "DIR", description = "Where the runs go (default: ${DEFAULT-VALUE}).", defaultValue = "runs/bench-examples")
	Path runs;

	/** Epochs at the quick scale unless an example's own quick scale sets them. */
	static final int DEFAULT_EPOCHS = 4;

	/** The scale of an example experiment that this benchmark applies before its own settings. */
	static final String SCALE = "quick";

	public BenchExamplesCommand(Services services) {
		this.services = services;
	}

	/** One example's outcome. */
	record Outcome(String name, int models, int epochs, double cpm, double baseline, double ceiling, double minutes) {
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		if ((epochs != null && epochs < 1) || !(epochSize > 0)) {
			throw new IllegalArgumentException("--epochs must be 1 or more and --epoch-size positive, got " + epochs + " and " + epochSize);
		}
		List<Path> files;
		try (Stream<Path> s = Files.list(experiments)) {
			files = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted()
					.filter(p -> only == null || only.contains(p.getFileName().toString().replaceFirst("\\.yaml$", ""))).toList();
		}
		if (files.isEmpty()) {
			throw new IllegalArgumentException("no example experiment " + (only != null ? String.join(", ", only) + " " : "") + "in " + experiments);
		}
		out.printf(Locale.ROOT, "nodulab bench examples: %d experiment(s) from %s at a quick scale: %s of at most %.2f x negatives%n",
				files.size(), experiments, epochs != null ? epochs + " epochs" : DEFAULT_EPOCHS + " epochs (or an example's own quick scale's)", epochSize);
		List<Outcome> outcomes = new ArrayList<>();
		for (Path file : files) {
			long t0 = System.nanoTime();
			ExperimentRunner.Tools tools = RunTools.of(services);
			org.nodulab.train.ExperimentFiles.Written written = org.nodulab.train.ExperimentFiles.read(tools.validator(), file);
			ExperimentScale own = written.experiment().scales.get(SCALE);
			Integer n = epochs != null ? epochs : own != null && own.overrides != null && own.overrides.containsKey("training.epochs") ? null : DEFAULT_EPOCHS;
			Experiment e = written.at(own != null ? SCALE : null, root -> quick(root, n));
			tools = RunTools.forTraining(services, e.training.backend);
			out.printf(Locale.ROOT, "%s: %d model(s) on %s, %d epochs%s, test subsets %s%n", e.name, e.architectures.size(), tools.backend().id(),
					e.training.epochs, own != null ? " (its quick scale" + (n == null ? "'s" : ", then --epochs") + ")" : "", e.dataset.split.test);
			out.flush();
			ExperimentRunner.RunResult r = services.runner(tools, out).train(e, RunTools.commandLine(spec));
			if (r.stopped()) {
				return TrainCommand.summarize(out, r);
			}
			double cpm = r.models().size() > 1 ? r.ensembleCpm() : r.models().get(0).testCpm();
			double[] b = DemoCommand.baseline(e, tools.readers());
			outcomes.add(new Outcome(file.getFileName().toString(), r.models().size(), e.training.epochs, cpm, b[0], b[1], (System.nanoTime() - t0) / 60e9));
		}
		out.println();
		out.printf(Locale.ROOT, "%-30s %6s %6s %10s %10s %10s %8s  %s%n", "example", "models", "epochs", "test CPM", "baseline", "ceiling", "minutes", "learns");
		int failed = 0;
		for (Outcome o : outcomes) {
			boolean learns = o.cpm() >= o.baseline() + margin;
			failed += learns ? 0 : 1;
			out.printf(Locale.ROOT, "%-30s %6d %6d %10.4f %10.4f %10.4f %8.1f  %s%n", o.name(), o.models(), o.epochs(), o.cpm(), o.baseline(), o.ceiling(),
					o.minutes(), learns ? "yes" : "NO (not " + margin + " above the baseline)");
		}
		return failed == 0 ? 0 : 1;
	}

	/**
	 * The quick scale: fewer epochs (every model's; null: those the example's own quick scale set), fewer samples per
	 * epoch, no bootstrap, runs below {@link #runs}.
	 */
	private void quick(ObjectNode root, Integer epochs) {
		if (epochs != null) {
			RunTools.setTraining(root, "epochs", JsonNodeFactory.instance.numberNode(epochs));
		}
		ObjectNode sampling = root.has("sampling") && root.get("sampling").isObject() ? (ObjectNode) root.get("sampling") : root.putObject("sampling");
		double own = sampling.path("epochSize").isNumber() ? sampling.get("epochSize").asDouble() : new org.nodulab.core.experiment.SamplingSettings().epochSize;
		sampling.put("epochSize", Math.min(own, epochSize));
		ObjectNode evaluation = root.has("evaluation") && root.get("evaluation").isObject() ? (ObjectNode) root.get("evaluation")
				: root.putObject("evaluation");
		evaluation.put("bootstrap", 0);
		ObjectNode output = root.has("output") && root.get("output").isObject() ? (ObjectNode) root.get("output") : root.putObject("output");
		output.put("runs", runs.toAbsolutePath().toString());
	}
}
