package org.nodulab.jobs;

import org.eclipse.core.runtime.jobs.ISchedulingRule;

/**
 * A compute device ({@code cpu}, {@code cuda:0}, ...) as an Eclipse Jobs scheduling rule: two jobs on the
 * same device never run at the same time, whichever code scheduled them.
 *
 * @param id the id jobs and provenance use
 * @param description what the backend says about it (cores, GPU name)
 */
public record ComputeDevice(String id, String description) implements ISchedulingRule {

	public ComputeDevice {
		if (id == null || !id.matches("cpu|cuda:\\d+")) {
			throw new IllegalArgumentException("a device id is 'cpu' or 'cuda:<n>', got '" + id + "'");
		}
	}

	/** From a backend's device line, e.g. {@code "cuda:0 NVIDIA H200"} or {@code "cpu (2 cores)"}. */
	public static ComputeDevice parse(String line) {
		String trimmed = line.strip();
		int space = trimmed.indexOf(' ');
		return new ComputeDevice(space < 0 ? trimmed : trimmed.substring(0, space), space < 0 ? "" : trimmed.substring(space + 1).strip());
	}

	@Override
	public boolean contains(ISchedulingRule rule) {
		return isConflicting(rule);
	}

	@Override
	public boolean isConflicting(ISchedulingRule rule) {
		return rule instanceof ComputeDevice other && other.id.equals(id);
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof ComputeDevice other && other.id.equals(id);
	}

	@Override
	public int hashCode() {
		return id.hashCode();
	}

	@Override
	public String toString() {
		return description.isEmpty() ? id : id + " (" + description + ")";
	}
}
