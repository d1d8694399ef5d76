package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

import org.nodulab.train.RunPredictor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab predict <run> <candidates.csv>}. */
@Command(name = "predict", description = "Score a candidate file (e.g. a stage-2 detector's output) with a finished run's models at their best epochs (checkpoints verified), with the run's preprocessing and training mean; several models are averaged. Writes a LUNA16 submission file.")
public final class PredictCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "<run>", description = "A finished run folder.")
	Path run;

	@Parameters(index = "1", paramLabel = "<candidates.csv>", description = "Candidates on scans of the run's dataset.")
	Path candidates;

	@Option(names = "--out", paramLabel = "FILE", description = "Submission file to write (default: <run>/predictions/extra/<candidates>-<time>.csv); never overwritten.")
	Path outFile;

	@Option(names = "--tta", negatable = true, description = "Average over the 4 rotations about z (default: as the run's experiment).")
	Boolean tta;

	public PredictCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		RunPredictor.Result r = RunPredictor.predict(RunTools.of(services, RunPredictor.backendOf(run)), run, candidates, tta, new ConsoleProgress(out));
		Path file = outFile != null ? outFile
				: run.resolve("predictions/extra/" + candidates.getFileName().toString().replaceFirst("\\.csv$", "") + "-"
						+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".csv");
		RunPredictor.write(r, file);
		out.println("predicted " + r.mean().size() + " candidates with " + r.models().size() + " model(s) -> " + file);
		return 0;
	}
}
