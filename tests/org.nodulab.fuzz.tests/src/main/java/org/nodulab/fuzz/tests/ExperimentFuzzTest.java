package org.nodulab.fuzz.tests;

import java.nio.file.Files;
import java.nio.file.Path;

import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.test.support.Osgi;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The experiment loader ({@code nodulab validate}): YAML parsing, strict conversion into the settings classes with
 * every installed contribution's settings, and the checks of the experiment. The outcome is an experiment or a
 * {@link SettingsException} naming the file. Seeds: the shipped experiments ({@code ExperimentFuzzTestInputs/}).
 */
class ExperimentFuzzTest {

	@FuzzTest(maxDuration = "30s")
	void loadsOrRefuses(byte[] input) throws Exception {
		ExperimentValidator validator = Osgi.service(ExperimentValidator.class);
		Path dir = Inputs.folder();
		try {
			Path file = dir.resolve("experiment.yaml");
			Files.write(file, input);
			try {
				validator.load(file);
			} catch (SettingsException e) {
				Inputs.requireNamed(e, file);
			}
		} finally {
			Inputs.delete(dir);
		}
	}
}
