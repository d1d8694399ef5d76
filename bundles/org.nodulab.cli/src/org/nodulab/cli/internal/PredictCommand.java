package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.RunPredictor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab predict <run> <candidates.csv>}. */
@Command(name = "predict", description = "Score a candidate file (e.g. a stage-2 detector's output) with a finished run's models at their best epochs (checkpoints verified), with the run's preprocessing and training mean; several models are averaged. Writes a LUNA16 submission file.")
public final class PredictCommand implements Callable<Integer>, DeviceWork, Checked {

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

	@Option(names = "--backend", paramLabel = "ID", description = "The compute backend that scores: the run's own (default), the other training backend, or onnxruntime (each model's weights written into its ONNX model in memory, run by ONNX Runtime).")
	String backend;

	@Option(names = "--precision", paramLabel = "TYPE", defaultValue = "float32", converter = PrecisionConverter.class, description = PrecisionConverter.DESCRIPTION)
	org.nodulab.core.experiment.Precision precision;

	public PredictCommand(Services services) {
		this.services = services;
	}

	@Override
	public java.util.List<String> check() {
		java.util.List<String> problems = new java.util.ArrayList<>();
		if (!org.nodulab.train.RunDirectory.isRun(run)) {
			problems.add(run + ": not a run folder (no " + org.nodulab.train.RunDirectory.EXPERIMENT + ")");
		} else if (!java.nio.file.Files.exists(run.resolve(org.nodulab.train.RunDirectory.SUMMARY))) {
			problems.add(run + " has not finished; predict with a finished run");
		}
		if (!java.nio.file.Files.isRegularFile(candidates)) {
			problems.add(candidates + ": no such file");
		}
		if (outFile != null && java.nio.file.Files.exists(outFile)) {
			problems.add(outFile + ": exists already (results are never overwritten)");
		}
		return problems;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		ExperimentRunner.Tools tools = RunTools.of(services, RunPredictor.backendOf(run));
		if (services.device() != null) {
			tools.backend().bind(services.device());
		}
		org.nodulab.nn.ComputeBackend compute = null;
		if (backend != null && !backend.equals(tools.backend().id())) {
			compute = RunTools.of(services, backend).backend();
			if (services.device() != null) {
				compute.bind(services.device());
			}
		}
		RunTools.preparing(compute != null ? compute : tools.backend());
		RunPredictor.Result r = RunPredictor.predict(tools, run, candidates, tta, compute, precision, services.progress(out));
		Path file = outFile != null ? outFile
				: run.resolve("predictions/extra/" + candidates.getFileName().toString().replaceFirst("\\.csv$", "") + "-"
						+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".csv");
		RunPredictor.write(r, file);
		String line = "predicted " + r.mean().size() + " candidates with " + r.models().size() + " model(s) on "
				+ (compute != null ? compute.id() : tools.backend().id()) + (precision == org.nodulab.core.experiment.Precision.FLOAT32 ? "" : " in " + precision)
				+ " -> " + file;
		out.println(line);
		services.result(line);
		return 0;
	}
}
