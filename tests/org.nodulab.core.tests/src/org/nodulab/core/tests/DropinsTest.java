package org.nodulab.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.dropins.Dropins;
import org.nodulab.test.support.Osgi;
import org.osgi.framework.Bundle;

/** Bundles dropped into a folder are installed, updated and removed with it. */
class DropinsTest {

	@TempDir
	Path folder;

	/** A bundle jar with only a manifest; {@code headers}: more header names and values, alternating. */
	static void bundle(Path jar, String name, String version, String... headers) throws Exception {
		Manifest m = new Manifest();
		Attributes a = m.getMainAttributes();
		a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
		a.putValue("Bundle-ManifestVersion", "2");
		a.putValue("Bundle-SymbolicName", name);
		a.putValue("Bundle-Version", version);
		for (int i = 0; i + 1 < headers.length; i += 2) {
			a.putValue(headers[i], headers[i + 1]);
		}
		try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
			// a manifest is a bundle
		}
	}

	private static Bundle installed(String name) {
		for (Bundle b : Osgi.context().getBundles()) {
			if (name.equals(b.getSymbolicName())) {
				return b;
			}
		}
		return null;
	}

	@Test
	void theFolderDecidesWhatIsInstalled() throws Exception {
		Path jar = folder.resolve("lab-member.jar");
		bundle(jar, "org.example.dropped", "1.0.0");
		Files.writeString(folder.resolve("notes.txt"), "not a bundle");
		Dropins.Report first = Dropins.synchronize(Osgi.context(), folder);
		assertEquals(List.of("org.example.dropped 1.0.0 (lab-member.jar)"), first.installed());
		assertEquals(Bundle.ACTIVE, installed("org.example.dropped").getState());
		assertFalse(Dropins.synchronize(Osgi.context(), folder).changed(), "nothing changed in the folder");

		bundle(jar, "org.example.dropped", "1.1.0");
		Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
		Dropins.Report update = Dropins.synchronize(Osgi.context(), folder);
		assertEquals(1, update.updated().size(), update.toString());
		assertEquals("1.1.0", installed("org.example.dropped").getVersion().toString());

		Files.writeString(folder.resolve("broken.jar"), "not a jar");
		Dropins.Report broken = Dropins.synchronize(Osgi.context(), folder);
		assertTrue(broken.problems().size() == 1 && broken.problems().get(0).contains("broken.jar: not installed"),
				broken.problems().toString());

		Files.delete(jar);
		Files.delete(folder.resolve("broken.jar"));
		Dropins.Report removed = Dropins.synchronize(Osgi.context(), folder);
		assertEquals(List.of("org.example.dropped (lab-member.jar)"), removed.uninstalled());
		assertEquals(null, installed("org.example.dropped"));
	}

	/** The command line's configuration has no workbench: a lab member's *.ui drop-in is left out there, not reported as broken. */
	@Test
	void workbenchDropinsAreLeftOutWithoutTheWorkbench() throws Exception {
		bundle(folder.resolve("views.jar"), "org.example.views.ui;singleton:=true", "1.0.0");
		bundle(folder.resolve("arch.jar"), "org.example.arch", "1.0.0");
		Dropins.Report r = Dropins.synchronize(Osgi.context(), folder, false);
		assertEquals(List.of("org.example.arch 1.0.0 (arch.jar)"), r.installed());
		assertEquals(List.of("org.example.views.ui (views.jar)"), r.headlessSkipped());
		assertTrue(r.problems().isEmpty(), r.problems().toString());
		assertEquals(null, installed("org.example.views.ui"));
		// with the workbench (this test runtime has SWT, as the product's full configuration) it is installed
		assertTrue(Dropins.hasWorkbench(Osgi.context()));
		assertEquals(List.of("org.example.views.ui 1.0.0 (views.jar)"), Dropins.synchronize(Osgi.context(), folder).installed());
		Files.delete(folder.resolve("arch.jar"));
		Files.delete(folder.resolve("views.jar"));
		assertEquals(List.of("org.example.arch (arch.jar)", "org.example.views.ui (views.jar)"),
				Dropins.synchronize(Osgi.context(), folder).uninstalled().stream().sorted().toList());
	}

	/**
	 * The product installs the service loader mediator (Aries SPI Fly) without starting it (its start costs every
	 * command 0.4 s); a drop-in that uses ServiceLoader through it gets it started before the drop-in starts, and a
	 * drop-in that was already running without it (started by the framework from an earlier launch) is refreshed so that
	 * its classes load again through it. A drop-in that does not ask leaves it stopped.
	 */
	@Test
	void theServiceLoaderMediatorStartsForTheDropinsThatAskForIt() throws Exception {
		Bundle mediator = installed(Dropins.SERVICE_LOADER_MEDIATOR);
		assertNotNull(mediator, "the test runtime has Aries SPI Fly, as the product has");
		boolean wasActive = mediator.getState() == Bundle.ACTIVE;
		mediator.stop();
		List<String> refreshed = new java.util.concurrent.CopyOnWriteArrayList<>();
		org.osgi.framework.BundleListener listener = e -> {
			if (e.getType() == org.osgi.framework.BundleEvent.UNRESOLVED) {
				refreshed.add(e.getBundle().getSymbolicName());
			}
		};
		Osgi.context().addBundleListener(listener);
		try {
			bundle(folder.resolve("plain.jar"), "org.example.plain", "1.0.0");
			Dropins.Report plain = Dropins.synchronize(Osgi.context(), folder);
			assertTrue(plain.problems().isEmpty(), plain.problems().toString());
			assertEquals(Bundle.ACTIVE, installed("org.example.plain").getState());
			assertNotEquals(Bundle.ACTIVE, mediator.getState(), "a drop-in that does not use ServiceLoader leaves the mediator stopped");

			bundle(folder.resolve("consumer.jar"), "org.example.consumer", "1.0.0", "Require-Capability",
					"osgi.extender;filter:=\"(&(osgi.extender=osgi.serviceloader.processor)(version>=1.0.0))\"", "SPI-Consumer", "*");
			Dropins.Report consumer = Dropins.synchronize(Osgi.context(), folder);
			assertEquals(List.of("org.example.consumer 1.0.0 (consumer.jar)"), consumer.installed());
			assertTrue(consumer.problems().isEmpty(), consumer.problems().toString());
			assertEquals(Bundle.ACTIVE, mediator.getState(), "started for the consumer");
			assertFalse(mediator.adapt(org.osgi.framework.startlevel.BundleStartLevel.class).isPersistentlyStarted(),
					"for this launch only: a launch without the consumer starts without the mediator");
			assertEquals(Bundle.ACTIVE, installed("org.example.consumer").getState());
			assertEquals(List.of(), refreshed, "a drop-in installed now starts after the mediator: nothing to refresh");

			// the next launch: the framework starts the consumer (installed before) while the mediator is stopped
			mediator.stop();
			Dropins.Report next = Dropins.synchronize(Osgi.context(), folder);
			assertTrue(next.problems().isEmpty(), next.problems().toString());
			assertFalse(next.changed(), "the folder did not change");
			assertEquals(Bundle.ACTIVE, mediator.getState());
			assertEquals(List.of("org.example.consumer"), refreshed, "the running consumer is refreshed, the plain drop-in is not");
			assertEquals(Bundle.ACTIVE, installed("org.example.consumer").getState());
			assertTrue(Dropins.needsServiceLoaderMediator(installed("org.example.consumer")));
			assertFalse(Dropins.needsServiceLoaderMediator(installed("org.example.plain")));
		} finally {
			Osgi.context().removeBundleListener(listener);
			Files.deleteIfExists(folder.resolve("plain.jar"));
			Files.deleteIfExists(folder.resolve("consumer.jar"));
			Dropins.synchronize(Osgi.context(), folder);
			if (wasActive) {
				mediator.start();
			} else {
				mediator.stop();
			}
		}
	}
}
