package org.nodulab.cli.internal;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nodulab dataset}: datasets in the LUNA16 layout. */
@Command(name = "dataset", description = "Datasets in the LUNA16 layout (subset0..9/*.mhd, annotations, candidates): check them, label a detector's candidates, filter candidates with lung masks.",
		subcommands = { DatasetInfoCommand.class, LabelCommand.class, LungFilterCommand.class })
public final class DatasetCommand implements Runnable {

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}
}
