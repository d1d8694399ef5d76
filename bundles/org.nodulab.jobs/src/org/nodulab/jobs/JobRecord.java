package org.nodulab.jobs;

/**
 * A job's state as the queue keeps it (one JSON file per job in the queue folder).
 *
 * @param id unique, sortable ({@code yyyyMMdd-HHmmss-n})
 * @param sequence submission order
 * @param spec what it does
 * @param state where it is
 * @param device the device it ran on (null while queued)
 * @param runDir the run (or cross-validation) folder once it exists: what "resume" continues
 * @param message the last progress line, the result or the error
 * @param submitted ISO instant
 * @param started ISO instant or null
 * @param ended ISO instant or null
 * @param place its place in the queue among jobs of its priority: the sequence number of the job it continues (a
 *        resumed job keeps the place of the one that stopped), or 0 for its own
 */
public record JobRecord(String id, long sequence, JobSpec spec, State state, String device, String runDir, String message,
		String submitted, String started, String ended, long place) {

	/** Life cycle: QUEUED, RUNNING, then one of the end states. */
	public enum State {
		QUEUED, RUNNING, FINISHED, FAILED,
		/** Cancelled while queued: never ran. */
		CANCELLED,
		/** Cancelled while running: stopped at a batch boundary after a checkpoint; can be resumed. */
		STOPPED,
		/** Was running when the process ended (crash, kill, workbench closed); can be resumed. */
		INTERRUPTED;

		public boolean ended() {
			return this != QUEUED && this != RUNNING;
		}
	}

	/** Queue order among jobs of one priority: its {@link #place()}, else its sequence number. */
	public long order() {
		return place > 0 ? place : sequence;
	}

	/** Whether a resume job can continue it. */
	public boolean resumable() {
		return (state == State.STOPPED || state == State.INTERRUPTED) && runDir != null;
	}

	JobRecord withStart(String newDevice, String when) {
		return new JobRecord(id, sequence, spec, State.RUNNING, newDevice, runDir, "started", submitted, when, null, place);
	}

	JobRecord withEnd(State newState, String newMessage, String when) {
		return new JobRecord(id, sequence, spec, newState, device, runDir, newMessage, submitted, started, when, place);
	}

	JobRecord withRunDir(String dir) {
		return new JobRecord(id, sequence, spec, state, device, dir, message, submitted, started, ended, place);
	}
}
