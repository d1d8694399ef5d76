package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.train.CrossValidation;
import org.nodulab.train.ExperimentRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab cv <experiment.yaml>}: cross-validation as one job. */
@Command(name = "cv", description = "Cross-validate an experiment as one job: with split mode 'subsets' fold k tests LUNA16 subset k and validates on the next (10 folds on LUNA16); with mode 'random' the seeded shuffled scans form the folds. Every fold is an ordinary run in <name>-cv-<time>/fold-k; the folds' test predictions are merged into one submission per model and for the ensemble, with its FROC over every scan.")
public final class CvCommand implements Callable<Integer>, DeviceWork, Checked {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "<experiment.yaml>", description = "The experiment file.")
	Path file;

	@Option(names = "--folds", paramLabel = "K", description = "Number of folds (default: one per subset present; 10 for a random split).")
	int folds;

	@Option(names = "--scale", paramLabel = "NAME", description = "One of the experiment's scales (e.g. quick): its overrides on every fold (recorded in the runs).")
	String scale;

	public CvCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		ExperimentRunner.Tools tools = RunTools.of(services);
		Experiment e;
		try {
			e = RunTools.load(tools.validator(), file, scale, null);
		} catch (SettingsException x) {
			spec.commandLine().getErr().println(x.getMessage());
			return NodulabCommand.INVALID_INPUT;
		}
		tools = RunTools.training(services, e.training.backend);
		CrossValidation.Result r = CrossValidation.start(services.runner(tools, out), tools, e, folds,
				RunTools.commandLine(spec));
		services.result(result(r));
		return summarize(out, r);
	}

	/** A cross-validation's result in one line. */
	static String result(CrossValidation.Result r) {
		return r.stopped() ? "stopped after a checkpoint; resume continues " + r.dir() : "merged CPM " + r.mergedCpm() + "; " + r.dir();
	}

	@Override
	public List<String> check() {
		try {
			Experiment e = RunTools.load(RunTools.of(services).validator(), file, scale, null);
			RunTools.forTraining(services, e.training.backend);
			e.dataset.path = e.resolve(e.dataset.path).toString();
			CrossValidation.folds(e, folds);
			return List.of();
		} catch (SettingsException x) {
			return x.problems().stream().map(p -> p.format(x.source())).toList();
		} catch (IllegalArgumentException | java.io.IOException x) {
			return List.of(x.getMessage());
		}
	}

	static int summarize(PrintWriter out, CrossValidation.Result r) {
		if (r.stopped()) {
			out.println("stopped; continue with: nodulab resume " + r.dir());
			return NodulabCommand.STOPPED;
		}
		out.println("cross-validation " + r.dir());
		for (Map.Entry<String, Double> m : r.mergedCpm().entrySet()) {
			out.printf(Locale.ROOT, "  merged %-28s CPM %.4f%n", m.getKey(), m.getValue());
		}
		return 0;
	}
}
