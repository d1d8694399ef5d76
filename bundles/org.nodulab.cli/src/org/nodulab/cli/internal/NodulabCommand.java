package org.nodulab.cli.internal;

import java.io.PrintStream;
import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;

/** The {@code nodulab} command and its subcommands. */
@Command(name = "nodulab", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
		description = "False-positive reduction of lung nodule candidates in CT (LUNA16): experiments, training, evaluation.",
		subcommands = { InfoCommand.class, ListCommand.class, ValidateCommand.class, VolumeCommand.class,
				DatasetCommand.class, SynthCommand.class, DemoCommand.class, TrainCommand.class, CvCommand.class,
				ResumeCommand.class, PredictCommand.class, RunsCommand.class, ModelsCommand.class, EvalCommand.class,
				EnsembleCommand.class, JobsCommand.class, NewCommand.class, BenchCommand.class,
				CommandLine.HelpCommand.class })
public final class NodulabCommand implements Runnable {

	/** Exit code of a command that found invalid input (an invalid experiment file...). */
	public static final int INVALID_INPUT = 1;

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}

	/**
	 * Runs the command line; returns the exit code (0 success, 1 invalid input, 2 usage error).
	 */
	public static int run(Services services, String[] args, PrintStream out, PrintStream err) {
		IFactory factory = new IFactory() {
			@Override
			public <K> K create(Class<K> type) throws Exception {
				try {
					return type.getConstructor(Services.class).newInstance(services);
				} catch (NoSuchMethodException e) {
					return CommandLine.defaultFactory().create(type);
				}
			}
		};
		CommandLine commandLine = new CommandLine(new NodulabCommand(), factory);
		PrintWriter outWriter = new PrintWriter(out, true);
		PrintWriter errWriter = new PrintWriter(err, true);
		commandLine.setOut(outWriter);
		commandLine.setErr(errWriter);
		commandLine.setCaseInsensitiveEnumValuesAllowed(true);
		commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
			cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + message(e));
			if (Boolean.getBoolean("nodulab.debug")) {
				e.printStackTrace(cl.getErr());
			}
			return INVALID_INPUT;
		});
		try {
			return commandLine.execute(args);
		} finally {
			outWriter.flush();
			errWriter.flush();
		}
	}

	private static String message(Throwable e) {
		if (e instanceof java.nio.file.NoSuchFileException n && n.getReason() == null) {
			return n.getFile() + ": no such file or folder";
		}
		if (e instanceof java.nio.file.AccessDeniedException a && a.getReason() == null) {
			return a.getFile() + ": access denied";
		}
		if (e instanceof java.nio.file.FileAlreadyExistsException x && x.getReason() == null) {
			return x.getFile() + ": exists already (results are never overwritten)";
		}
		return e.getMessage() == null ? e.toString() : e.getMessage();
	}
}
