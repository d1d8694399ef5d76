package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.train.ExperimentRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab train <experiment.yaml>}: one run of an experiment. */
@Command(name = "train", description = {
		"Train the experiment's architecture(s) in a new run folder below output.runs: on-the-fly augmentation, a checkpoint and the validation and test FROC after every epoch, hard mining and early stopping as configured, each model at its best validation epoch, and the mean of the models as an ensemble. Writes metrics.csv, checkpoints, predictions (LUNA16 submission format), FROC files, provenance.json, log.txt and report.html.",
		"Ctrl-C stops at the next batch boundary after writing a checkpoint; 'nodulab resume <run>' continues." })
public final class TrainCommand implements Callable<Integer>, DeviceWork, Checked {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "<experiment.yaml>", description = "The experiment file.")
	Path file;

	@Option(names = "--scale", paramLabel = "NAME", description = "One of the experiment's scales (e.g. quick): its overrides, then this command's (recorded in the run).")
	String scale;

	@Option(names = "--seed", paramLabel = "S", description = "Override the experiment's seed (recorded in the run).")
	Long seed;

	@Option(names = "--epochs", paramLabel = "N", description = "Override training.epochs (recorded in the run).")
	Integer epochs;

	@Option(names = "--backend", paramLabel = "ID", description = "Override training.backend (recorded in the run).")
	String backend;

	@Option(names = "--init-from", paramLabel = "MODEL", description = "Fine-tune: start from <run>/<model>@<epoch> or a run folder (its best model); sets training.initFrom (recorded in the run).")
	String initFrom;

	public TrainCommand(Services services) {
		this.services = services;
	}

	/** The experiment with this command's overrides, validated. */
	Experiment load() throws SettingsException {
		ExperimentRunner.Tools tools = RunTools.of(services);
		com.fasterxml.jackson.databind.node.JsonNodeFactory json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
		return RunTools.load(tools.validator(), file, scale, root -> {
			if (seed != null) {
				root.set("seed", json.numberNode(seed));
			}
			if (epochs != null) {
				RunTools.setTraining(root, "epochs", json.numberNode(epochs));
			}
			if (backend != null) {
				RunTools.setTraining(root, "backend", json.textNode(backend));
			}
			if (initFrom != null) {
				java.nio.file.Path from = services.directory() == null ? java.nio.file.Path.of(initFrom) : services.directory().resolve(initFrom);
				RunTools.setTraining(root, "initFrom", json.textNode(from.toAbsolutePath().normalize().toString()));
			}
		});
	}

	@Override
	public java.util.List<String> check() {
		try {
			Experiment e = load();
			RunTools.forTraining(services, e.training.backend);
			return java.util.List.of();
		} catch (SettingsException x) {
			return x.problems().stream().map(p -> p.format(x.source())).toList();
		}
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		Experiment e;
		try {
			e = load();
		} catch (SettingsException x) {
			spec.commandLine().getErr().println(x.getMessage());
			return NodulabCommand.INVALID_INPUT;
		}
		ExperimentRunner.RunResult r = services.runner(RunTools.training(services, e.training.backend), out).train(e, RunTools.commandLine(spec));
		services.result(result(r));
		return summarize(out, r);
	}

	static int summarize(PrintWriter out, ExperimentRunner.RunResult r) {
		if (r.stopped()) {
			return NodulabCommand.STOPPED; // the runner said how to continue
		}
		out.println("run " + r.run().dir());
		for (ExperimentRunner.ModelResult m : r.models()) {
			out.printf(Locale.ROOT, "  %-28s best epoch %3d  validation CPM %s  test CPM %s%n", m.model(), m.bestEpoch(),
					fmt(m.validationCpm()), fmt(m.testCpm()));
		}
		if (!Double.isNaN(r.ensembleCpm())) {
			out.printf(Locale.ROOT, "  %-28s                 test CPM %s%n", "ensemble (mean)", fmt(r.ensembleCpm()));
		}
		out.println("  report: " + r.run().resolve("report.html"));
		return 0;
	}

	/** A run's result in one line: each model's best epoch and test CPM, the ensemble's, the folder. */
	static String result(ExperimentRunner.RunResult r) {
		if (r.stopped()) {
			return "stopped after a checkpoint; resume continues " + r.run().dir();
		}
		StringBuilder b = new StringBuilder();
		for (ExperimentRunner.ModelResult m : r.models()) {
			b.append(String.format(Locale.ROOT, "%s best epoch %d test CPM %.4f; ", m.model(), m.bestEpoch(), m.testCpm()));
		}
		if (!Double.isNaN(r.ensembleCpm())) {
			b.append(String.format(Locale.ROOT, "ensemble CPM %.4f; ", r.ensembleCpm()));
		}
		return b.append(r.run().dir()).toString();
	}

	static String fmt(double v) {
		return Double.isNaN(v) ? "  -   " : String.format(Locale.ROOT, "%.4f", v);
	}
}
