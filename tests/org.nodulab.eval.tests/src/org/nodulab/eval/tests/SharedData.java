package org.nodulab.eval.tests;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's shared data folder ({@code ../shared} beside the clone), or -Dnodulab.shared. */
final class SharedData {

	private SharedData() {
	}

	static Path dir(String relative) {
		String configured = System.getProperty("nodulab.shared");
		Path root = configured != null ? Path.of(configured) : Path.of("../../../shared").toAbsolutePath().normalize();
		Path dir = root.resolve(relative);
		if (!Files.isDirectory(dir)) {
			throw new AssertionError("shared test data not found at " + dir
					+ ": the shared folder must lie beside the clone (or set -Dnodulab.shared)");
		}
		return dir;
	}
}
