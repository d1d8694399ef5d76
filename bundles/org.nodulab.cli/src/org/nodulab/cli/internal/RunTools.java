package org.nodulab.cli.internal;

import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.train.ExperimentRunner;

/** The services runs need, looked up for a command. */
final class RunTools {

	private RunTools() {
	}

	/** See {@link org.nodulab.train.ExperimentFiles#load(ExperimentValidator, java.nio.file.Path, String, java.util.function.Consumer)}. */
	static org.nodulab.core.experiment.Experiment load(ExperimentValidator validator, java.nio.file.Path file, String scale,
			java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit)
			throws org.nodulab.core.settings.SettingsException {
		return org.nodulab.train.ExperimentFiles.load(validator, file, scale, edit);
	}

	static org.nodulab.core.experiment.Experiment validate(ExperimentValidator validator,
			org.nodulab.core.settings.SettingsCodec.Document document, java.nio.file.Path baseDir,
			java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit)
			throws org.nodulab.core.settings.SettingsException {
		return org.nodulab.train.ExperimentFiles.validate(validator, document, baseDir, edit);
	}

	static void setTraining(com.fasterxml.jackson.databind.node.ObjectNode root, String key,
			com.fasterxml.jackson.databind.JsonNode value) {
		org.nodulab.train.ExperimentFiles.setTraining(root, key, value);
	}

	/** The command line as given, for the run's provenance. */
	static java.util.List<String> commandLine(picocli.CommandLine.Model.CommandSpec spec) {
		return java.util.List.of(spec.commandLine().getParseResult().originalArgs().toArray(String[]::new));
	}

	/** With the default compute backend. */
	static ExperimentRunner.Tools of(Services services) {
		return services.get(org.nodulab.train.RunServices.class).tools();
	}

	/** With the compute backend of this id, one that trains (see {@link org.nodulab.train.RunServices#trainingTools}). */
	static ExperimentRunner.Tools forTraining(Services services, String backendId) {
		return services.get(org.nodulab.train.RunServices.class).trainingTools(backendId);
	}

	/**
	 * {@link #forTraining}, for a command about to train: the backend starts loading its native libraries on a thread
	 * of its own now, while the command reads its inputs (not from {@code check()}, which only validates).
	 */
	static ExperimentRunner.Tools training(Services services, String backendId) {
		ExperimentRunner.Tools tools = forTraining(services, backendId);
		preparing(tools.backend());
		return tools;
	}

	/** The backend, loading its native libraries on a thread of its own from now on; for a command about to compute. */
	static org.nodulab.nn.ComputeBackend preparing(org.nodulab.nn.ComputeBackend backend) {
		org.nodulab.nn.ComputeBackend.prepareInBackground(backend);
		return backend;
	}

	/** With the compute backend of this id. */
	static ExperimentRunner.Tools of(Services services, String backendId) {
		return services.get(org.nodulab.train.RunServices.class).tools(backendId);
	}
}
