package org.nodulab.fuzz.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What every fuzz target checks: the only allowed outcome of a hostile input is a result or the project's own
 * error that names the input (its file, line or field). Anything else (an unchecked exception, an error without
 * the file, an OutOfMemoryError) escapes the target and is a finding; Jazzer then stops and keeps the input.
 */
final class Inputs {

	private Inputs() {
	}

	/** Fails (a finding) unless the error names one of the inputs, by path or by file name. */
	static void requireNamed(Exception error, Path... inputs) {
		String message = String.valueOf(error.getMessage());
		for (Path input : inputs) {
			if (message.contains(input.toString()) || message.contains(input.getFileName().toString())) {
				return;
			}
		}
		throw new AssertionError("the error does not name the input " + java.util.Arrays.toString(inputs) + ": " + error, error);
	}

	/** A fresh folder for one input. */
	static Path folder() throws IOException {
		return Files.createTempDirectory("nodulab-fuzz");
	}

	static void delete(Path folder) throws IOException {
		if (folder == null || !Files.exists(folder)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(folder)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}

	/** Splits an input at its first NUL byte: the text part (a header) and the rest (data). */
	static byte[][] split(byte[] input) {
		for (int i = 0; i < input.length; i++) {
			if (input[i] == 0) {
				return new byte[][] { java.util.Arrays.copyOfRange(input, 0, i), java.util.Arrays.copyOfRange(input, i + 1, input.length) };
			}
		}
		return new byte[][] { input, new byte[0] };
	}
}
