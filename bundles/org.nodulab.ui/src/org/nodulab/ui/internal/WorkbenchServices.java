package org.nodulab.ui.internal;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.services.IServiceLocator;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobService;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The OSGi services of the workbench: made once when the workbench starts (one tracker per service, opened once)
 * and put into the workbench's context, from which every view, editor and action gets it by its site
 * ({@code getSite().getService(WorkbenchServices.class)}); closed when the workbench stops. Nothing static.
 */
public final class WorkbenchServices implements AutoCloseable {

	private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

	private final BundleContext context;
	private final Map<Class<?>, ServiceTracker<?, ?>> trackers = new ConcurrentHashMap<>();

	WorkbenchServices(BundleContext context) {
		this.context = context;
	}

	/** The services of the workbench a part or action lives in. */
	public static WorkbenchServices of(IServiceLocator locator) {
		WorkbenchServices services = locator.getService(WorkbenchServices.class);
		if (services == null) {
			throw new IllegalStateException("the Nodulab workbench services are not in this workbench's context");
		}
		return services;
	}

	/** The services of the running workbench (for code that has no site: the advisor, tests). */
	public static WorkbenchServices ofWorkbench() {
		return of(PlatformUI.getWorkbench());
	}

	/**
	 * The service of this type; waits for Declarative Services once (components start asynchronously).
	 *
	 * @throws IllegalStateException naming the service when none appears in time
	 */
	public <T> T get(Class<T> type) {
		@SuppressWarnings("unchecked")
		ServiceTracker<T, T> tracker = (ServiceTracker<T, T>) trackers.computeIfAbsent(type, t -> {
			ServiceTracker<T, T> created = new ServiceTracker<>(context, type, null);
			created.open();
			return created;
		});
		T service = tracker.getService();
		if (service != null) {
			return service;
		}
		try {
			service = tracker.waitForService(WAIT_MILLIS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		if (service == null) {
			throw new IllegalStateException("service " + type.getName() + " is not available: a bundle of the product is missing or failed to start");
		}
		return service;
	}

	/** The shared job queue (folder {@code -Dnodulab.jobs}, default {@code ~/.nodulab/jobs}), opened on first use. */
	public JobQueue queue() {
		try {
			return get(JobService.class).queue();
		} catch (IOException e) {
			throw new IllegalStateException("cannot open the job queue: " + e.getMessage(), e);
		}
	}

	@Override
	public void close() {
		trackers.values().forEach(ServiceTracker::close);
		trackers.clear();
	}
}
