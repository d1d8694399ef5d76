package org.nodulab.test.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared data ({@code ../shared} beside the clone; tests run in {@code tests/<bundle>}),
 * or the folder named by {@code -Dnodulab.shared}.
 */
public final class SharedData {

	private SharedData() {
	}

	/** A folder below the shared data, e.g. {@code data/froc-reference}; fails the test when it is missing. */
	public static Path dir(String relative) {
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
