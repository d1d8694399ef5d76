package org.nodulab.core.registry;

/**
 * A contribution that was skipped or failed: which extension point, which bundle, which id (if it
 * could be read) and why.
 */
public record ContributionProblem(String kind, String contributor, String id, String message) {

	@Override
	public String toString() {
		return kind + " contribution " + (id == null || id.isEmpty() ? "<no id>" : "'" + id + "'") + " from bundle "
				+ contributor + ": " + message;
	}
}
