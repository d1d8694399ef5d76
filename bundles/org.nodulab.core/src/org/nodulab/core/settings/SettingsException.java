package org.nodulab.core.settings;

import java.util.List;
import java.util.stream.Collectors;

/** A settings or experiment file is invalid; carries every problem found, each with its key path and line. */
public class SettingsException extends Exception {

	private static final long serialVersionUID = 1L;

	private final String source;
	private final transient List<SettingsProblem> problems;

	public SettingsException(String source, List<SettingsProblem> problems) {
		super(format(source, problems));
		this.source = source;
		this.problems = List.copyOf(problems);
	}

	public String source() {
		return source;
	}

	public List<SettingsProblem> problems() {
		return problems;
	}

	private static String format(String source, List<SettingsProblem> problems) {
		String head = problems.size() == 1 ? "" : problems.size() + " problems in " + source + ":\n";
		return head + problems.stream().map(p -> p.format(source)).collect(Collectors.joining("\n"));
	}
}
