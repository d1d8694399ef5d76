package org.nodulab.train;

import java.nio.file.Path;
import java.util.function.Consumer;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Loading experiment files with overrides (command-line options, a job's options) written into the parsed
 * tree before validation, so that a run records exactly what it does.
 */
public final class ExperimentFiles {

	private ExperimentFiles() {
	}

	/**
	 * Loads and validates an experiment file.
	 *
	 * @param edit changes to the parsed document (null: none)
	 */
	public static Experiment load(ExperimentValidator validator, Path file, Consumer<ObjectNode> edit) throws SettingsException {
		SettingsCodec.Document document = validator.codec().parse(file);
		return validate(validator, document, file.toAbsolutePath().normalize().getParent(), edit);
	}

	/**
	 * Loads and validates an experiment file at one of its scales ({@code scales.<name>}, see
	 * {@link ExperimentValidator#atScale}); {@code edit} comes after the scale's overrides and wins over them.
	 *
	 * @param scale null: the experiment as written
	 */
	public static Experiment load(ExperimentValidator validator, Path file, String scale, Consumer<ObjectNode> edit) throws SettingsException {
		if (scale == null) {
			return load(validator, file, edit);
		}
		return read(validator, file).at(scale, edit);
	}

	/** Reads and validates an experiment file as written, keeping its parsed document for {@link Written#at}. */
	public static Written read(ExperimentValidator validator, Path file) throws SettingsException {
		SettingsCodec.Document document = validator.codec().parse(file);
		return new Written(validator, document, validator.validate(document, file.toAbsolutePath().normalize().getParent()));
	}

	/** An experiment file as written: its parsed document and the experiment validated from it. */
	public record Written(ExperimentValidator validator, SettingsCodec.Document document, Experiment experiment) {

		/**
		 * The experiment at one of its scales (null: as written), then {@code edit}, without parsing the file again;
		 * the written document and experiment are left as they are.
		 */
		public Experiment at(String scale, Consumer<ObjectNode> edit) throws SettingsException {
			if (scale != null) {
				return validator.atScale(document, experiment, scale, edit);
			}
			if (edit == null) {
				return experiment;
			}
			SettingsCodec.Document copy = new SettingsCodec.Document(document.source(), document.root().deepCopy(), document.lines());
			return validate(validator, copy, experiment.baseDir, edit);
		}
	}

	/** Validates a parsed document after applying {@code edit}; relative paths resolve against {@code baseDir}. */
	public static Experiment validate(ExperimentValidator validator, SettingsCodec.Document document, Path baseDir,
			Consumer<ObjectNode> edit) throws SettingsException {
		if (edit != null && document.root() instanceof ObjectNode root) {
			edit.accept(root);
		}
		return validator.validate(document, baseDir);
	}

	/**
	 * Sets a training key in the experiment's training section and in every architecture's own training
	 * overrides that set it too (an override wins everywhere).
	 */
	public static void setTraining(ObjectNode root, String key, JsonNode value) {
		JsonNode training = root.get("training");
		if (!(training instanceof ObjectNode)) {
			training = root.putObject("training");
		}
		((ObjectNode) training).set(key, value);
		for (JsonNode a : root.path("architectures")) {
			if (a.get("training") instanceof ObjectNode own && own.has(key)) {
				own.set(key, value);
			}
		}
	}
}
