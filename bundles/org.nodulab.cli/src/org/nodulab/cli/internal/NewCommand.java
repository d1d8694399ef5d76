package org.nodulab.cli.internal;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.train.ExperimentTemplates;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab new <kind> <id> <file>}: the catalogue's "New experiment from this". */
@Command(name = "new", description = "Write a new experiment built around one contribution (an architecture, augmentation, HU window or evaluator, with all its settings at their defaults), ready to edit and validate.")
public final class NewCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "<kind>", description = "architecture, augmentation, window or evaluator.")
	String kind;

	@Parameters(index = "1", paramLabel = "<id>", description = "The contribution's id ('nodulab list <kind>s').")
	String id;

	@Parameters(index = "2", paramLabel = "<experiment.yaml>", description = "The new file (never overwritten).")
	Path file;

	@Option(names = "--dataset", defaultValue = "data/synthetic", description = "dataset.path (default: ${DEFAULT-VALUE}, relative to the file).")
	String dataset;

	public NewCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		ExperimentValidator validator = services.get(ExperimentValidator.class);
		var tree = ExperimentTemplates.from(services.get(ContributionCatalog.class), validator.codec(), ExperimentTemplates.kind(kind), id, dataset);
		AtomicFiles.create(file, validator.codec().toYaml(tree));
		spec.commandLine().getOut().println("wrote " + file + " (check it with 'nodulab validate " + file + "')");
		return 0;
	}
}
