package org.nodulab.core.dropins;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * A lab member's bundles, installed without rebuilding anything: every {@code .jar} in the product's
 * {@code dropins/} folder (or the folder named by {@code -Dnodulab.dropins}) is installed and started
 * when an application starts; a jar removed from the folder is uninstalled, a replaced one updated.
 * Contributions in those bundles (an architecture, an augmentation, a reader...) appear in the
 * registries through the extension registry, like built-in ones.
 */
public final class Dropins {

	/**
	 * What one synchronisation did; {@code problems} names the jars that could not be installed and why,
	 * {@code headlessSkipped} the workbench drop-ins ({@code *.ui} bundles) left out of a configuration without the
	 * workbench (the command line's).
	 */
	public record Report(Path folder, List<String> installed, List<String> updated, List<String> uninstalled,
			List<String> problems, List<String> headlessSkipped) {

		public boolean changed() {
			return !installed.isEmpty() || !updated.isEmpty() || !uninstalled.isEmpty();
		}
	}

	private Dropins() {
	}

	/** The drop-in folder: {@code -Dnodulab.dropins}, else {@code dropins/} in the installation; null if unknown. */
	public static Path folder() {
		String configured = System.getProperty("nodulab.dropins");
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured).toAbsolutePath().normalize();
		}
		String install = System.getProperty("osgi.install.area");
		if (install == null) {
			return null;
		}
		try {
			return Path.of(new URI(install.replace(" ", "%20"))).resolve("dropins");
		} catch (URISyntaxException | IllegalArgumentException e) {
			return null;
		}
	}

	/** Makes the installed drop-in bundles match the folder's jars. */
	public static Report synchronize(BundleContext context) {
		return synchronize(context, folder());
	}

	public static Report synchronize(BundleContext context, Path folder) {
		return synchronize(context, folder, hasWorkbench(context));
	}

	/**
	 * Makes the installed drop-in bundles match the folder's jars; without the {@code workbench}, {@code *.ui} jars
	 * are left out (reported in {@link Report#headlessSkipped}).
	 */
	public static Report synchronize(BundleContext context, Path folder, boolean workbench) {
		List<String> installed = new ArrayList<>();
		List<String> updated = new ArrayList<>();
		List<String> uninstalled = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		if (folder == null) {
			return new Report(null, installed, updated, uninstalled, problems, skipped);
		}
		String prefix = "reference:" + folder.toUri();
		List<Path> jars = new ArrayList<>();
		if (Files.isDirectory(folder)) {
			try (Stream<Path> list = Files.list(folder)) {
				list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
			} catch (IOException e) {
				problems.add(folder + ": cannot list: " + e.getMessage());
			}
		}
		List<Bundle> changed = new ArrayList<>();
		for (Bundle b : context.getBundles()) {
			String location = b.getLocation();
			if (!location.startsWith(prefix)) {
				continue;
			}
			Path file = Path.of(URI.create(location.substring("reference:".length())));
			try {
				if (!Files.exists(file)) {
					b.uninstall();
					uninstalled.add(b.getSymbolicName() + " (" + file.getFileName() + ")");
					changed.add(b);
				} else if (Files.getLastModifiedTime(file).toMillis() > b.getLastModified()) {
					b.update();
					updated.add(b.getSymbolicName() + " (" + file.getFileName() + ")");
					changed.add(b);
				}
			} catch (BundleException | IOException e) {
				problems.add(file + ": " + e.getMessage());
			}
		}
		List<Bundle> fresh = new ArrayList<>();
		for (Path jar : jars) {
			String location = "reference:" + jar.toUri();
			if (context.getBundle(location) != null) {
				continue;
			}
			if (!workbench) {
				String name = symbolicName(jar);
				if (name != null && name.endsWith(".ui")) {
					// only *.ui bundles may need SWT and the Eclipse UI; the command line's configuration has neither
					skipped.add(name + " (" + jar.getFileName() + ")");
					continue;
				}
			}
			try {
				Bundle b = context.installBundle(location);
				fresh.add(b);
				installed.add(b.getSymbolicName() + " " + b.getVersion() + " (" + jar.getFileName() + ")");
			} catch (BundleException | RuntimeException e) {
				problems.add(jar + ": not installed: " + e.getMessage());
			}
		}
		if (!changed.isEmpty()) {
			context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(changed);
		}
		startServiceLoaderMediatorFor(context, prefix, fresh, problems);
		for (Bundle b : fresh) {
			if (b.getHeaders().get("Fragment-Host") != null) {
				continue;
			}
			try {
				b.start();
			} catch (BundleException e) {
				problems.add(b.getSymbolicName() + ": installed but cannot start: " + e.getMessage());
			}
		}
		return new Report(folder, installed, updated, uninstalled, problems, skipped);
	}

	/**
	 * Starts the OSGi service loader mediator (Aries SPI Fly) when a drop-in asks for it. The product installs it (jsvg,
	 * which draws the workbench's SVG images, requires it to resolve) but does not start it: jsvg uses it only to find a
	 * logger and falls back to java.util.logging, while the mediator's start reads every bundle's localized headers,
	 * which opens the class path of each bundle, nested jars included (0.4 s of every command's start here, 0.9 s of the
	 * workbench's; docs/performance.md). A drop-in that consumes or provides services through {@link java.util.ServiceLoader}
	 * (a {@code SPI-Consumer} or {@code SPI-Provider} header, or a requirement on the {@code osgi.serviceloader.processor}
	 * or {@code osgi.serviceloader.registrar} extender) gets it started before the drop-in starts; a drop-in the
	 * framework already started (installed in an earlier launch) is refreshed, so that its classes are loaded again
	 * through the mediator. The mediator is started for the launch only (transiently), so that a launch without such
	 * drop-ins goes without it again. Without the mediator in the installation such a drop-in is reported, not silently left
	 * without its services.
	 */
	private static void startServiceLoaderMediatorFor(BundleContext context, String prefix, List<Bundle> fresh, List<String> problems) {
		List<Bundle> asking = new ArrayList<>();
		for (Bundle b : context.getBundles()) {
			if (b.getLocation().startsWith(prefix) && b.getState() != Bundle.UNINSTALLED && needsServiceLoaderMediator(b)) {
				asking.add(b);
			}
		}
		if (asking.isEmpty()) {
			return;
		}
		Bundle mediator = bundleNamed(context, SERVICE_LOADER_MEDIATOR);
		if (mediator == null) {
			for (Bundle b : asking) {
				problems.add(b.getSymbolicName() + ": uses java.util.ServiceLoader through the OSGi service loader mediator ("
						+ SERVICE_LOADER_MEDIATOR + "), which this installation does not have; its services would not be found");
			}
			return;
		}
		if (mediator.getState() == Bundle.ACTIVE) {
			return;
		}
		try {
			// for this launch only: once the drop-ins that ask for it are gone, the next launch starts without it
			mediator.start(Bundle.START_TRANSIENT);
		} catch (BundleException | RuntimeException e) {
			for (Bundle b : asking) {
				problems.add(b.getSymbolicName() + ": needs the OSGi service loader mediator, which cannot start: " + e.getMessage());
			}
			return;
		}
		List<Bundle> running = new ArrayList<>();
		for (Bundle b : asking) {
			if (!fresh.contains(b) && (b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
				running.add(b);
			}
		}
		if (!running.isEmpty()) {
			java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
			context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(running, event -> done.countDown());
			try {
				if (!done.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
					problems.add("refreshing " + running + " for the service loader mediator did not finish in 60 s");
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** The service loader mediator's bundle (Aries SPI Fly, dynamic weaving). */
	public static final String SERVICE_LOADER_MEDIATOR = "org.apache.aries.spifly.dynamic.bundle";

	/** Whether the bundle uses {@link java.util.ServiceLoader} through the OSGi service loader mediator (raw headers, not localized). */
	public static boolean needsServiceLoaderMediator(Bundle b) {
		java.util.Dictionary<String, String> headers = b.getHeaders("");
		if (headers.get("SPI-Consumer") != null || headers.get("SPI-Provider") != null) {
			return true;
		}
		String required = headers.get("Require-Capability");
		return required != null && (required.contains("osgi.serviceloader.processor") || required.contains("osgi.serviceloader.registrar"));
	}

	/** Whether this framework has the workbench's bundles (SWT): the product's full configuration, not the command line's. */
	public static boolean hasWorkbench(BundleContext context) {
		return bundleNamed(context, "org.eclipse.swt") != null;
	}

	/** The installed bundle of that symbolic name, or null. */
	private static Bundle bundleNamed(BundleContext context, String symbolicName) {
		for (Bundle b : context.getBundles()) {
			if (symbolicName.equals(b.getSymbolicName())) {
				return b;
			}
		}
		return null;
	}

	/** The jar's Bundle-SymbolicName without its directives, or null when it has none or cannot be read. */
	private static String symbolicName(Path jar) {
		try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
			java.util.jar.Manifest manifest = file.getManifest();
			String value = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
			return value == null ? null : value.split(";", 2)[0].trim();
		} catch (IOException e) {
			return null;
		}
	}
}
