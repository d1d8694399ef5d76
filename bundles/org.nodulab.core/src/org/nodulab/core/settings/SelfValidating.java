package org.nodulab.core.settings;

/**
 * Settings classes implement this for checks that involve several fields (e.g. disjoint fold
 * lists). Called by {@link SettingsValidator} after the per-field checks.
 */
public interface SelfValidating {

	/** Reports problems; paths are relative to this settings object. */
	void validate(ProblemSink problems);

	/** Receives problems found by {@link SelfValidating#validate(ProblemSink)}. */
	@FunctionalInterface
	interface ProblemSink {
		/**
		 * @param relativePath the key below the validated object, e.g. {@code validation}; empty for the
		 *            object itself
		 */
		void add(String relativePath, String message);
	}
}
