package org.nodulab.cli.internal;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nodulab volume}: look at and convert CT volumes. */
@Command(name = "volume", description = "Look at and convert CT volumes (MetaImage files, DICOM series folders, anything an installed reader reads).",
		subcommands = { VolumeInfoCommand.class, VolumeConvertCommand.class })
public final class VolumeCommand implements Runnable {

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}
}
