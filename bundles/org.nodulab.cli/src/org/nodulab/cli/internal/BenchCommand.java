package org.nodulab.cli.internal;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nodulab bench}: benchmarks that print their figures. */
@Command(name = "bench", description = "Benchmarks that print their figures (record them with the machine and date).",
		subcommands = { BenchEvalCommand.class, BenchPreprocessCommand.class, BenchPatchesCommand.class,
				BenchCandidatesCommand.class, BenchTrainCommand.class, BenchExamplesCommand.class,
				BenchStartupCommand.class, BenchPredictCommand.class, BenchScreenCommand.class })
public final class BenchCommand implements Runnable {

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}
}
