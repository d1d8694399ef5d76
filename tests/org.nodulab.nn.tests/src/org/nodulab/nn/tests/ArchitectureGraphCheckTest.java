package org.nodulab.nn.tests;

import org.nodulab.test.support.Osgi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.settings.SettingsException;

/** Impossible networks fail when the experiment is validated, before any work starts. */
class ArchitectureGraphCheckTest {

	@Test
	void anImpossibleShapeFailsValidation(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("impossible.yaml");
		Files.writeString(file, """
				name: impossible
				dataset: {path: data}
				architectures:
				  - id: vgg
				  - id: test-valid-conv
				    settings: {size: 4, kernel: 5}
				""");
		ExperimentValidator validator = Osgi.service(ExperimentValidator.class);
		SettingsException e = assertThrows(SettingsException.class, () -> validator.load(file));
		assertEquals(List.of("6 architectures[1].settings: architecture 'test-valid-conv': conv: conv3d with extent 5 does not fit input 1x4x4x4"),
				e.problems().stream().map(p -> p.line() + " " + p.path() + ": " + p.message()).toList());

		Files.writeString(file, Files.readString(file).replace("size: 4", "size: 5"));
		assertEquals("impossible", validator.load(file).name);
	}
}
