package org.nodulab.ui.internal;

import java.io.IOException;

import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobService;

/**
 * The workbench's side of the job queue: opened (and restored) at start-up, closed at shutdown, which stops
 * running jobs at a batch boundary after a checkpoint so that they can be resumed next time.
 */
public final class WorkbenchJobs {

	private WorkbenchJobs() {
	}

	/** The shared queue (folder {@code -Dnodulab.jobs}, default {@code ~/.nodulab/jobs}). */
	public static JobQueue queue() {
		try {
			return UiServices.get(JobService.class).queue();
		} catch (IOException e) {
			throw new IllegalStateException("cannot open the job queue: " + e.getMessage(), e);
		}
	}
}
