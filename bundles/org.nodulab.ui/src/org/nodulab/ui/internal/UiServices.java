package org.nodulab.ui.internal;

import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * OSGi services for the workbench, looked up through this bundle's context when needed (nothing is kept in
 * static fields). Declarative Services activates components asynchronously, so a lookup waits a little.
 */
public final class UiServices {

	private UiServices() {
	}

	/**
	 * The service of this type.
	 *
	 * @throws IllegalStateException naming the service when none appears within 30 s
	 */
	public static <T> T get(Class<T> type) {
		BundleContext context = FrameworkUtil.getBundle(UiServices.class).getBundleContext();
		ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
		tracker.open();
		try {
			T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(30));
			if (service == null) {
				throw new IllegalStateException("service " + type.getName() + " is not available: a bundle of the product is missing or failed to start");
			}
			return service;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for " + type.getName(), e);
		} finally {
			tracker.close();
		}
	}
}
