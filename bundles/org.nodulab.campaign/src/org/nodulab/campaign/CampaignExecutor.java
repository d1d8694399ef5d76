package org.nodulab.campaign;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Runs a campaign's runs somewhere (contributions to {@code org.nodulab.campaign.executors}). Every run is started as
 * the same command, {@code nodulab campaign task <campaign folder> <run id>}, which creates or resumes an ordinary run
 * in the campaign folder and records how it ended; an executor starts such commands, says which it has queued or
 * running, reports those that failed, and cancels them. It keeps what it needs to find them again (job ids) in
 * {@link Context#stateDir()}.
 *
 * @param <S> the settings class of the contribution (or {@link Void})
 */
public interface CampaignExecutor<S> {

	/** How an executor sees one run it started. */
	enum State {
		QUEUED, RUNNING
	}

	/**
	 * What an executor works with.
	 *
	 * @param folder the campaign folder
	 * @param settings the executor's settings (its settings class, from the campaign file and {@code -o key=value})
	 * @param launcher the command that runs Nodulab headless where the runs run (e.g. {@code /opt/nodulab/nodulab})
	 * @param out where to tell the user what happens
	 * @param services OSGi services (the job queue, for the local executor)
	 */
	record Context(CampaignFolder folder, Object settings, List<String> launcher, PrintWriter out, Services services) {

		/** The executor's own folder in the campaign folder ({@code executor/<id>/}). */
		public java.nio.file.Path stateDir() {
			return folder.dir().resolve("executor").resolve(folder.executorId());
		}

		/** The command line of one run's task. */
		public List<String> taskCommand(String runId) {
			List<String> c = new java.util.ArrayList<>(launcher);
			c.addAll(List.of("campaign", "task", folder.dir().toString(), runId));
			return c;
		}
	}

	/** Lookup of OSGi services. */
	interface Services {
		<T> T get(Class<T> type);
	}

	/** What stops a submission (a missing command, an unusable setting); empty when none. Nothing is submitted yet. */
	List<String> check(Context context);

	/**
	 * Starts the task of each run (none of them finished; the list may be empty when every unfinished run is already
	 * {@link #active}). An executor that runs them itself (local) may return only when they ended, and then also runs
	 * and waits for the campaign's runs that it queued before and nobody runs.
	 *
	 * @throws Exception naming the command that failed and its output
	 */
	void submit(Context context, List<String> runIds) throws Exception;

	/** The runs this executor has queued or running now. */
	Map<String, State> active(Context context) throws Exception;

	/**
	 * Runs whose last task ended with an error: run id to what went wrong (exit code, the tail of the task's log). A run
	 * queued or running again may be listed too; callers take {@link #active} first.
	 */
	Map<String, String> failures(Context context) throws Exception;

	/** Cancels the runs given (all the executor's active runs when empty). Runs keep their last checkpoint. */
	void cancel(Context context, List<String> runIds) throws Exception;
}
