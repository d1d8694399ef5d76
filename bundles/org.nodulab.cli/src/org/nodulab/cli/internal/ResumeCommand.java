package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.train.CrossValidation;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.RunDirectory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab resume <run>}: continues an interrupted run or cross-validation. */
@Command(name = "resume", description = "Continue an interrupted run (or cross-validation) from its last complete checkpoint; it ends with the same models as an uninterrupted run.")
public final class ResumeCommand implements Callable<Integer>, DeviceWork, Checked {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "<run>", description = "The run folder (or cross-validation folder).")
	Path dir;

	public ResumeCommand(Services services) {
		this.services = services;
	}

	@Override
	public List<String> check() {
		if (CrossValidation.isCrossValidation(dir)) {
			return List.of();
		}
		if (!RunDirectory.isRun(dir)) {
			return List.of(dir + ": not a run folder (no " + RunDirectory.EXPERIMENT + ") nor a cross-validation folder");
		}
		if (Files.exists(dir.resolve(RunDirectory.SUMMARY))) {
			return List.of(dir + " has finished (" + RunDirectory.SUMMARY + " exists); nothing to resume");
		}
		return List.of();
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		List<String> args = RunTools.commandLine(spec);
		if (CrossValidation.isCrossValidation(dir)) {
			ExperimentRunner.Tools tools = RunTools.of(services);
			Experiment e = tools.validator().load(dir.resolve(CrossValidation.CV_FILE));
			tools = RunTools.forTraining(services, e.training.backend);
			CrossValidation.Result r = CrossValidation.continueIn(services.runner(tools, out), tools,
					dir, args);
			services.result(CvCommand.result(r));
			return CvCommand.summarize(out, r);
		}
		ExperimentRunner.Tools tools = RunTools.of(services);
		Experiment e = tools.validator().load(RunDirectory.open(dir).resolve(RunDirectory.EXPERIMENT));
		ExperimentRunner.RunResult r = services.runner(RunTools.training(services, e.training.backend), out).resume(dir, args);
		services.result(TrainCommand.result(r));
		return TrainCommand.summarize(out, r);
	}
}
