package org.nodulab.cli.internal;

import java.io.PrintStream;
import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;

/** The {@code nodulab} command and its subcommands. */
@Command(name = "nodulab", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
		description = "False-positive reduction of lung nodule candidates in CT (LUNA16): experiments, training, evaluation.")
public final class NodulabCommand implements Runnable {

	/** Exit code of a command that found invalid input (an invalid experiment file...). */
	public static final int INVALID_INPUT = 1;
	/** Exit code of a command stopped at a batch boundary after a checkpoint (Ctrl-C, a job's cancel): resumable. */
	public static final int STOPPED = 3;

	/** The subcommands, in the order {@code nodulab --help} lists them. */
	static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(InfoCommand.class, ListCommand.class,
			ValidateCommand.class, VolumeCommand.class, DatasetCommand.class, SynthCommand.class, DetectCommand.class,
			ScreenCommand.class, DemoCommand.class, TrainCommand.class, CvCommand.class, ResumeCommand.class,
			PredictCommand.class, RunsCommand.class, ModelsCommand.class, EvalCommand.class, EnsembleCommand.class,
			JobsCommand.class, CampaignCommand.class, NewCommand.class, BenchCommand.class, DaemonCommand.class,
			CommandLine.HelpCommand.class);

	/** Each subcommand by its name, from its {@code @Command} annotation (reading it builds no model). */
	private static final java.util.Map<String, Class<?>> BY_NAME = SUBCOMMANDS.stream()
			.collect(java.util.stream.Collectors.toMap(c -> c.getAnnotation(Command.class).name(), c -> c));

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
		CommandLine commandLine = commandLine(services, args);
		PrintWriter outWriter = new PrintWriter(out, true);
		PrintWriter errWriter = new PrintWriter(err, true);
		commandLine.setOut(outWriter);
		commandLine.setErr(errWriter);
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

	/**
	 * The command line of the application, its commands made with these services. Where the first argument names a
	 * subcommand (other than {@code help}), only that one is added: picocli builds each command's model by reflection
	 * over its options, about 0.2 s for all of them at every start, though a command line runs one. Otherwise (no
	 * arguments, {@code --help}, {@code help train}, a misspelt command, which picocli answers with the list) all are.
	 */
	public static CommandLine commandLine(Services services, String[] args) {
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
		Class<?> only = args == null || args.length == 0 ? null : BY_NAME.get(args[0]);
		for (Class<?> subcommand : SUBCOMMANDS) {
			if (only == null || only == CommandLine.HelpCommand.class || subcommand == only) {
				commandLine.addSubcommand(subcommand);
			}
		}
		commandLine.setCaseInsensitiveEnumValuesAllowed(true);
		if (services.directory() != null) { // a job: relative paths are the submitter's
			java.nio.file.Path base = services.directory();
			commandLine.registerConverter(java.nio.file.Path.class, s -> base.resolve(s).normalize());
		}
		// 'nodulab jobs submit <command line...>': options that are not the submit's own belong to the job's command
		CommandLine jobs = commandLine.getSubcommands().get("jobs");
		if (jobs != null) {
			jobs.getSubcommands().get("submit").setUnmatchedOptionsArePositionalParams(true);
		}
		return commandLine;
	}

	/**
	 * Parses a command line without running it: the object of the command it names (a {@code TrainCommand} with its
	 * options set).
	 *
	 * @throws CommandLine.ParameterException with picocli's message for a usage error
	 */
	static Object parse(Services services, String[] args) {
		CommandLine.ParseResult result = commandLine(services, args).parseArgs(args);
		while (result.subcommand() != null) {
			result = result.subcommand();
		}
		return result.commandSpec().userObject();
	}

	static String message(Throwable e) {
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
