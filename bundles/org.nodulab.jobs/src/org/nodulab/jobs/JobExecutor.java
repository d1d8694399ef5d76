package org.nodulab.jobs;

import java.nio.file.Path;
import java.util.List;

import org.nodulab.train.Progress;

/**
 * Runs jobs: command lines of the headless application, in this process. The command line bundle provides it as a
 * service (the commands themselves, run with the job's progress, device and log), so a job does exactly what its
 * command does in a terminal and a new kind of work is one new command. The queue decides when and on which device.
 */
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

	/** Whether the job computes on a device (and so waits for a free one): training, prediction... */
	boolean needsDevice(JobSpec spec);

	/**
	 * What is wrong with a job's command line before it is queued, as its command would say it (usage, missing files,
	 * an invalid experiment), relative paths against the job's folder: empty when it can be queued.
	 */
	List<String> check(JobSpec spec);
}
