package org.nodulab.jobs;

import java.nio.file.Path;

import org.nodulab.train.Progress;

/** Runs one job; the queue decides when and on which device. */
public interface JobExecutor {

	/** How a job ended when it did not throw. */
	record Outcome(boolean stopped, String message) {
	}

	/** What a running job can use and tell the queue. */
	interface Context {

		/** The job's id. */
		String jobId();

		/** The device the job holds (its scheduling rule), or null for kinds that need none. */
		ComputeDevice device();

		/** Progress with ETA to the job's monitor; {@link Progress#stopRequested()} is the cancel request. */
		Progress progress();

		/** Records the run folder as soon as it exists, so that a crash leaves a resumable job. */
		void runStarted(Path dir);

		/** A line in the job's log. */
		void log(String line);
	}

	/**
	 * Runs the job.
	 *
	 * @return stopped when it stopped at a cancel request (after a checkpoint) and can be resumed
	 * @throws Exception anything that made it fail; the queue records the message and logs the trace
	 */
	Outcome execute(JobSpec spec, Context context) throws Exception;
}
