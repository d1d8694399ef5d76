package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nodulab.train.Checkpoints;
import org.nodulab.train.ModelRef;
import org.nodulab.train.RunDirectory;
import org.nodulab.train.RunPredictor;
import org.nodulab.nn.onnx.OnnxExport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab models}: the model registry of a run. */
@Command(name = "models", description = "The models (checkpoints) of a run, named <run>/<model>@<epoch>, with their SHA-256; they are never overwritten.",
		subcommands = { ModelsCommand.Delete.class, ModelsCommand.Export.class })
public final class ModelsCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	// optional here: picocli demands a parent's required parameter before its subcommand, which made
	// 'nodulab models delete <run>/<model>@<epoch>' a usage error
	@Parameters(index = "0", arity = "0..1", paramLabel = "<run>", description = "A run folder.")
	Path run;

	@Override
	public Integer call() throws Exception {
		if (run == null) {
			throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: '<run>' (or the subcommand 'delete' or 'export')");
		}
		PrintWriter out = spec.commandLine().getOut();
		RunDirectory r = RunDirectory.open(run);
		for (Checkpoints.Checkpoint c : r.checkpoints().list()) {
			out.printf(Locale.ROOT, "%s/%-28s %-34s %,12d bytes  sha256 %s%n", r.name(), c.name(), r.dir().relativize(c.file()),
					c.bytes(), c.sha256());
		}
		for (var d : r.checkpoints().deletions()) {
			out.println("deleted " + r.name() + "/" + d.get("checkpoint") + " on " + d.get("time") + ": " + d.get("reason"));
		}
		return 0;
	}

	/** {@code nodulab models delete <run>/<model>@<epoch> --reason "..."}. */
	@Command(name = "delete", description = "Delete one checkpoint; the deletion and its reason are recorded in the run's deletions.csv.")
	static final class Delete implements Callable<Integer>, Checked {

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "<run>/<model>@<epoch>", description = "The model to delete.")
		String model;

		@Option(names = "--reason", required = true, description = "Why (recorded).")
		String reason;

		@Override
		public java.util.List<String> check() throws Exception {
			ModelRef ref = ModelRef.parse(model, null);
			if (ref.model() == null || ref.epoch() == null) {
				return java.util.List.of("name the model exactly as <run>/<model>@<epoch>, got '" + model + "'");
			}
			if (reason == null || reason.isBlank()) {
				return java.util.List.of("deleting a model needs a reason (--reason); it is recorded");
			}
			ref.resolve(RunDirectory.open(ref.run())); // the checkpoint exists and its index is sound
			return java.util.List.of();
		}

		@Override
		public Integer call() throws Exception {
			ModelRef ref = ModelRef.parse(model, null);
			if (ref.model() == null || ref.epoch() == null) {
				throw new IllegalArgumentException("name the model exactly as <run>/<model>@<epoch>, got '" + model + "'");
			}
			RunDirectory r = RunDirectory.open(ref.run());
			Checkpoints.Checkpoint c = ref.resolve(r);
			r.checkpoints().delete(c, reason);
			spec.commandLine().getOut().println("deleted " + c.file() + " (recorded in " + r.resolve("deletions.csv") + ")");
			return 0;
		}
	}

	/** {@code nodulab models export <run>/<model>@<epoch> --format onnx [--out F]}. */
	@Command(name = "export", description = "Write a model with its trained weights as an ONNX model (opset " + OnnxExport.OPSET
			+ "): one input per branch, the output 'probability', and in its metadata what preparing the inputs needs (spacing, HU window, "
			+ "training mean, patch sizes and their order, the run, the experiment's SHA-256). Written atomically, never over an existing file.")
	static final class Export implements Callable<Integer>, Checked {

		private final Services services;

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "<run>/<model>@<epoch>", description = "The model: <run>/<model>@<epoch>, <run>/<model> (its best epoch) or <run> (its best model).")
		String model;

		@Option(names = "--format", paramLabel = "FORMAT", defaultValue = "onnx", description = "The exchange format: onnx (default: ${DEFAULT-VALUE}).")
		String format;

		@Option(names = "--out", paramLabel = "FILE", description = "The file to write (default: <run>_<model>@<epoch>.onnx here); never overwritten.")
		Path out;

		public Export(Services services) {
			this.services = services;
		}

		@Override
		public java.util.List<String> check() throws Exception {
			java.util.List<String> problems = new java.util.ArrayList<>();
			if (!"onnx".equals(format)) {
				problems.add("--format " + format + ": the exchange format is onnx");
			}
			if (out != null && java.nio.file.Files.exists(out)) {
				problems.add(out + ": exists already (exports are never overwritten)");
			}
			ModelRef ref = ModelRef.parse(model, null);
			ref.resolve(RunDirectory.open(ref.run())); // the checkpoint exists and its index is sound
			return problems;
		}

		@Override
		public Integer call() throws Exception {
			java.util.List<String> problems = check();
			if (!problems.isEmpty()) {
				throw new IllegalArgumentException(String.join("; ", problems));
			}
			ModelRef ref = ModelRef.parse(model, null);
			org.nodulab.train.ExperimentRunner.Tools tools = RunTools.of(services, RunPredictor.backendOf(ref.run()));
			RunPredictor.Exported x = RunPredictor.export(tools, ref);
			Checkpoints.Checkpoint c = x.checkpoint();
			Path file = out != null ? out : Path.of(x.run().name() + "_" + c.model() + "@" + c.epoch() + ".onnx");
			java.util.Map<String, String> metadata = new java.util.LinkedHashMap<>();
			metadata.put("nodulab.version", VersionProvider.version());
			metadata.putAll(x.metadata());
			OnnxExport.write(OnnxExport.model(x.graph(), x.weights(), metadata, VersionProvider.version()), file);
			PrintWriter o = spec.commandLine().getOut();
			o.printf(Locale.ROOT, "exported %s/%s@%d (%s, %,d parameters, inputs %s) as ONNX opset %d -> %s (%,d bytes, sha256 %s)%n",
					x.run().name(), c.model(), c.epoch(), x.graph().name(), x.graph().parameterCount(), OnnxExport.inputNames(x.graph()),
					OnnxExport.OPSET, file, java.nio.file.Files.size(file), Checkpoints.sha256(file));
			services.result("exported " + file);
			return 0;
		}
	}
}
