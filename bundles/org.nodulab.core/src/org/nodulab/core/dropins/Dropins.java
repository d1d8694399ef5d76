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

	/** What one synchronisation did; {@code problems} names the jars that could not be installed and why. */
	public record Report(Path folder, List<String> installed, List<String> updated, List<String> uninstalled,
			List<String> problems) {

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
		List<String> installed = new ArrayList<>();
		List<String> updated = new ArrayList<>();
		List<String> uninstalled = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		if (folder == null) {
			return new Report(null, installed, updated, uninstalled, problems);
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
		return new Report(folder, installed, updated, uninstalled, problems);
	}
}
