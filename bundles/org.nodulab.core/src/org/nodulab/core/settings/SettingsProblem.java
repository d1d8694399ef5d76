package org.nodulab.core.settings;

/**
 * One thing wrong with a settings or experiment file.
 *
 * @param path the key's path in the file, e.g. {@code training.learningRate} or
 *            {@code architectures[0].settings.growthRate}; empty for the whole document
 * @param line the 1-based line in the file, or 0 when unknown
 * @param message what was found and what is allowed
 */
public record SettingsProblem(String path, int line, String message) {

	public SettingsProblem withLine(int newLine) {
		return new SettingsProblem(path, newLine, message);
	}

	/** {@code source:line: path: message}. */
	public String format(String source) {
		StringBuilder b = new StringBuilder();
		if (source != null && !source.isEmpty()) {
			b.append(source);
			if (line > 0) {
				b.append(':').append(line);
			}
			b.append(": ");
		}
		if (!path.isEmpty()) {
			b.append(path).append(": ");
		}
		return b.append(message).toString();
	}
}
