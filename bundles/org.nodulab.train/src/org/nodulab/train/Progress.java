package org.nodulab.train;

/**
 * Where a long job reports what it does: the command line draws progress bars (or plain lines when
 * not on a terminal), the workbench its progress view.
 */
public interface Progress {

	/** A task with {@code total} steps starts (an epoch of batches, a prediction). */
	void begin(String task, long total);

	/** {@code done} of {@code total} steps are complete. */
	void step(long done, long total);

	/** The task ended; {@code summary} says how (loss, CPM). */
	void end(String summary);

	/** A line for the user (and the run log). */
	void message(String line);

	/** Whether the user asked to stop; checked at batch boundaries. */
	default boolean stopRequested() {
		return false;
	}

	/** Reports nothing. */
	Progress NONE = new Progress() {
		@Override
		public void begin(String task, long total) {
		}

		@Override
		public void step(long done, long total) {
		}

		@Override
		public void end(String summary) {
		}

		@Override
		public void message(String line) {
		}
	};
}
