package org.nodulab.test.support;

import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/** OSGi services for tests, waiting for Declarative Services to activate them. */
public final class Osgi {

	private Osgi() {
	}

	public static BundleContext context() {
		return FrameworkUtil.getBundle(Osgi.class).getBundleContext();
	}

	/** The service, waiting up to 20 s for Declarative Services to activate it. */
	public static <T> T service(Class<T> type) {
		ServiceTracker<T, T> tracker = new ServiceTracker<>(context(), type, null);
		tracker.open();
		try {
			T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(20));
			if (service == null) {
				throw new AssertionError("service " + type.getName() + " did not appear");
			}
			return service;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AssertionError(e);
		}
	}

	/** Every service of this type (after waiting for the first one). */
	public static <T> java.util.List<T> services(Class<T> type) {
		service(type);
		ServiceTracker<T, T> tracker = new ServiceTracker<>(context(), type, null);
		tracker.open();
		try {
			long end = System.currentTimeMillis() + 5000;
			java.util.List<T> all = new java.util.ArrayList<>();
			while (true) {
				org.osgi.framework.ServiceReference<T>[] refs = tracker.getServiceReferences();
				all.clear();
				if (refs != null) {
					for (org.osgi.framework.ServiceReference<T> r : refs) {
						all.add(tracker.getService(r));
					}
				}
				if (all.size() > 1 || System.currentTimeMillis() > end) {
					return all;
				}
				Thread.sleep(50);
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AssertionError(e);
		} finally {
			tracker.close();
		}
	}
}
