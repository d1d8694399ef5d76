package org.nodulab.ui.internal;

import org.nodulab.jobs.JobQueue;

/**
 * The workbench's side of the job queue: opened (and restored) at start-up, closed at shutdown, which stops
 * running jobs at a batch boundary after a checkpoint so that they can be resumed next time.
 */
public final class WorkbenchJobs {

	private WorkbenchJobs() {
	}

	/** The shared queue of the running workbench (folder {@code -Dnodulab.jobs}, default {@code ~/.nodulab/jobs}). */
	public static JobQueue queue() {
		return WorkbenchServices.ofWorkbench().queue();
	}
}
