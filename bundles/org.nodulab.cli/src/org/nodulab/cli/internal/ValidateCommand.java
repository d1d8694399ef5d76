package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.nodulab.core.experiment.ContributionRef;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.settings.SettingsException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab validate <experiment.yaml>...}: checks experiment files before any work starts. */
@Command(name = "validate", description = "Check experiment files: syntax, keys, types, ranges, and every contribution they name with its settings. A campaign file (one that names a base experiment) is expanded and every experiment it makes is checked, as 'nodulab campaign plan --no-estimate' does. Exit code 1 if any is invalid.")
public final class ValidateCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(arity = "1..*", paramLabel = "<experiment.yaml>", description = "Experiment or campaign file(s).")
	List<Path> files;

	@Option(names = "--print", description = "Print each valid experiment with every default filled in (the resolved experiment a run would record).")
	boolean print;

	@Option(names = "--scale", paramLabel = "NAME", description = "Describe (and with --print print) each experiment at this one of its scales, as 'train --scale NAME' would run it. Every scale is checked either way.")
	String scale;

	public ValidateCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() {
		ExperimentValidator validator = services.get(ExperimentValidator.class);
		PrintWriter out = spec.commandLine().getOut();
		PrintWriter err = spec.commandLine().getErr();
		int invalid = 0;
		for (Path file : files) {
			try {
				if (isCampaign(validator, file)) {
					org.nodulab.campaign.CampaignPlan plan = services.get(org.nodulab.campaign.CampaignService.class).plan(file);
					out.println(file + ": valid campaign '" + plan.campaign().name + "': " + plan.variants().size() + " variant(s) x "
							+ plan.folds().size() + " fold(s) = " + plan.runs().size() + " runs, every experiment valid");
					continue;
				}
				org.nodulab.train.ExperimentFiles.Written read = org.nodulab.train.ExperimentFiles.read(validator, file);
				Experiment written = read.experiment();
				Experiment experiment = read.at(scale, null);
				out.println(file + ": valid experiment '" + experiment.name + "'" + (scale == null ? "" : " at scale '" + scale + "'") + ": "
						+ describe("architecture", experiment.architectures) + ", "
						+ describe("augmentation", experiment.augmentations) + ", window "
						+ experiment.preprocessing.window + ", " + experiment.training.epochs + " epoch(s)"
						+ (written.scales.isEmpty() ? "" : "; scales: " + String.join(", ", written.scales.keySet())));
				if (print) {
					out.print(validator.codec().toYaml(experiment));
				}
			} catch (SettingsException e) {
				invalid++;
				err.println(e.getMessage());
			}
		}
		if (invalid > 0 && files.size() > 1) {
			err.println(invalid + " of " + files.size() + " experiment files are invalid");
		}
		return invalid == 0 ? 0 : NodulabCommand.INVALID_INPUT;
	}

	/** Whether the file is a campaign (it names a base experiment); a file that cannot be read is left to the experiment loader's message. */
	private static boolean isCampaign(ExperimentValidator validator, Path file) {
		try {
			return org.nodulab.campaign.CampaignLoader.isCampaign(validator.codec().parse(file).root());
		} catch (SettingsException | RuntimeException e) {
			return false;
		}
	}

	private static String describe(String noun, List<? extends ContributionRef> refs) {
		if (refs.isEmpty()) {
			return "no " + noun + "s";
		}
		return refs.size() + " " + noun + (refs.size() == 1 ? "" : "s") + " ("
				+ refs.stream().map(r -> r.id).collect(Collectors.joining(", ")) + ")";
	}
}
