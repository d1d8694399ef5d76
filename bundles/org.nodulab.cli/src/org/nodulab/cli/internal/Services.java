package org.nodulab.cli.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * OSGi services for the commands, looked up through this bundle's context (never held in static
 * fields). Declarative Services activates components asynchronously at start-up, so a lookup waits a
 * little for the component to appear.
 */
public final class Services implements AutoCloseable {

	private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

	private final BundleContext context;
	private final ConcurrentHashMap<Class<?>, ServiceTracker<Object, Object>> trackers;
	/** The job this command runs as (progress, device, run folder), or null in a terminal. */
	private final org.nodulab.jobs.JobExecutor.Context job;
	/** The folder relative paths of the command line resolve against (a job's submitter's), or null: the process's. */
	private final java.nio.file.Path directory;
	/** Made by {@link #forJob} or {@link #in}: it shares the trackers and does not close them. */
	private final boolean derived;

	public Services(BundleContext context) {
		this.context = context;
		this.trackers = new ConcurrentHashMap<>();
		this.job = null;
		this.directory = null;
		this.derived = false;
	}

	private Services(Services from, org.nodulab.jobs.JobExecutor.Context job, java.nio.file.Path directory) {
		this.context = from.context;
		this.trackers = from.trackers;
		this.job = job;
		this.directory = directory;
		this.derived = true;
	}

	/** The same services for a command that runs as a job of the queue, its relative paths against {@code folder}. */
	Services forJob(org.nodulab.jobs.JobExecutor.Context jobContext, java.nio.file.Path folder) {
		return new Services(this, jobContext, folder);
	}

	/** The same services, relative paths resolving against {@code folder} (checking a job's command line). */
	Services in(java.nio.file.Path folder) {
		return new Services(this, job, folder);
	}

	private volatile String result;

	/** A command's one-line result, for the job it runs as (the jobs list shows it); ignored in a terminal. */
	void result(String line) {
		result = line;
	}

	/** The result a command gave, or null. */
	String result() {
		return result;
	}

	/** This bundle's context (the framework the commands run in). */
	org.osgi.framework.BundleContext bundleContext() {
		return context;
	}

	/** The folder relative paths resolve against, or null for the process's own. */
	java.nio.file.Path directory() {
		return directory;
	}

	/** Where a long command reports: the job's monitor (its cancel is the stop request), or bars on the console. */
	org.nodulab.train.Progress progress(java.io.PrintWriter out) {
		return job != null ? job.progress() : new ConsoleProgress(out);
	}

	/** The device a job holds, or null (the backend's default) in a terminal. */
	String device() {
		return job == null || job.device() == null ? null : job.device().id();
	}

	/** Tells the job about its run folder the moment it exists (a crash then leaves a resumable job). */
	void runStarted(java.nio.file.Path dir) {
		if (job != null) {
			job.runStarted(dir);
		}
	}

	/** An experiment runner that reports, computes on the job's device and tells the job its run folder. */
	org.nodulab.train.ExperimentRunner runner(org.nodulab.train.ExperimentRunner.Tools tools, java.io.PrintWriter out) {
		return new org.nodulab.train.ExperimentRunner(tools, progress(out)).onDevice(device()).onRunStarted(this::runStarted);
	}

	/**
	 * The service of this type.
	 *
	 * @throws IllegalStateException naming the service when none appears in time
	 */
	public <T> T get(Class<T> type) {
		ServiceTracker<Object, Object> tracker = tracker(type);
		try {
			Object service = tracker.waitForService(WAIT_MILLIS);
			if (service == null) {
				throw new IllegalStateException("service " + type.getName()
						+ " is not available: a bundle of the product is missing or failed to start (see the log)");
			}
			return type.cast(service);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for " + type.getName(), e);
		}
	}

	/** Every service of this type that is registered now, highest ranking first. */
	public <T> List<T> all(Class<T> type) {
		get(type); // wait for the first one
		List<T> result = new ArrayList<>();
		ServiceTracker<Object, Object> tracker = tracker(type);
		ServiceReference<Object>[] references = tracker.getServiceReferences();
		if (references != null) {
			java.util.Arrays.sort(references, Comparator.reverseOrder());
			for (ServiceReference<Object> r : references) {
				Object service = tracker.getService(r);
				if (service != null) {
					result.add(type.cast(service));
				}
			}
		}
		return result;
	}

	private ServiceTracker<Object, Object> tracker(Class<?> type) {
		return trackers.computeIfAbsent(type, t -> {
			ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, t.getName(), null);
			tracker.open();
			return tracker;
		});
	}

	@Override
	public void close() {
		if (derived) {
			return; // the trackers belong to the services this one was made from
		}
		trackers.values().forEach(ServiceTracker::close);
		trackers.clear();
	}
}
