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
	private final ConcurrentHashMap<Class<?>, ServiceTracker<Object, Object>> trackers = new ConcurrentHashMap<>();

	public Services(BundleContext context) {
		this.context = context;
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
		trackers.values().forEach(ServiceTracker::close);
		trackers.clear();
	}
}
