package org.nodulab.core.tests;

import org.nodulab.test.support.Osgi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionProblem;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.WindowRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;

class ContributionRegistryTest {

	private final WindowRegistry windows = Osgi.service(WindowRegistry.class);
	private final AugmentationRegistry augmentations = Osgi.service(AugmentationRegistry.class);

	@Test
	void builtInWindowsHaveTheNotebookValues() throws ContributionException {
		HuWindow lung = windows.window("lung");
		assertEquals(-1000, lung.min());
		assertEquals(400, lung.max());
		HuWindow wide = windows.window("lung-wide");
		assertEquals(-1200, wide.min());
		assertEquals(600, wide.max());
		HuWindow mediastinum = windows.window("mediastinum");
		assertEquals(-160, mediastinum.min());
		assertEquals(240, mediastinum.max());
		assertEquals("org.nodulab.volume", windows.require("lung").contributor());
	}

	@Test
	void validTestContributionsLoadBesideTheBrokenOnes() throws ContributionException {
		HuWindow narrow = windows.window("test-narrow");
		assertEquals(-100, narrow.min());
		assertEquals(100, narrow.max());
		HuWindow level = windows.window("test-level");
		assertEquals(-1350, level.min());
		assertEquals(150, level.max());
		ContributionDescriptor d = windows.require("test-narrow");
		assertEquals("Test", d.category());
		assertEquals("A valid test window.", d.description());
		assertEquals("org.nodulab.core.tests", d.contributor());
	}

	@Test
	void malformedContributionsAreSkippedWithTheReason() throws ContributionException {
		Map<String, String> problems = windows.problems().stream()
				.filter(p -> "org.nodulab.core.tests".equals(p.contributor()))
				.collect(Collectors.toMap(p -> String.valueOf(p.id()), ContributionProblem::message));
		assertTrue(problems.get("test-inverted").contains("min < max"), problems.toString());
		assertTrue(problems.get("test-both").contains("either min and max, or level and width"), problems.toString());
		assertTrue(problems.get("test-nan").contains("'min' must be a number"), problems.toString());
		assertTrue(problems.get("test-zero-width").contains("width must be positive"), problems.toString());
		assertTrue(problems.get("lung").contains("duplicate id, already contributed by bundle org.nodulab.volume"),
				problems.toString());
		assertTrue(problems.get("Bad Id").contains("is not allowed"), problems.toString());
		assertTrue(problems.get("test-noname").contains("missing required attribute 'name'"), problems.toString());
		assertEquals(7, problems.size(), problems.toString());

		List<String> ids = windows.descriptors().stream().map(ContributionDescriptor::id).toList();
		assertEquals(List.of("lung", "lung-wide", "mediastinum", "test-level", "test-narrow"), ids);
		// the built-in lung window survives its duplicate
		assertEquals("org.nodulab.volume", windows.require("lung").contributor());
		assertThrows(ContributionException.class, () -> windows.require("test-inverted"));
	}

	@Test
	void aClassBasedContributionWithoutClassIsSkipped() {
		assertTrue(augmentations.find("test-no-class").isEmpty());
		assertTrue(augmentations.problems().stream().anyMatch(
				p -> "test-no-class".equals(p.id()) && p.message().contains("missing required attribute 'class'")));
	}

	@Test
	void listingLoadsNoContributedClassAndFailuresOnUseAreIsolated() {
		assertTrue(augmentations.find("test-exploding").isPresent());
		assertTrue(augmentations.find("test-missing-class").isPresent());
		augmentations.descriptors().forEach(d -> d.name());
		assertFalse(LoadTracker.explodingInitialised, "reading metadata must not load contributed classes");

		ContributionException exploding = assertThrows(ContributionException.class,
				() -> augmentations.createInstance("test-exploding"));
		assertTrue(LoadTracker.explodingInitialised);
		assertTrue(exploding.getMessage().contains("test-exploding"), exploding.getMessage());
		assertTrue(exploding.getMessage().contains("org.nodulab.core.tests"), exploding.getMessage());

		ContributionException missing = assertThrows(ContributionException.class,
				() -> augmentations.createInstance("test-missing-class"));
		assertTrue(missing.getMessage().contains("org.nodulab.core.tests.DoesNotExist"), missing.getMessage());

		ContributionException wrongType = assertThrows(ContributionException.class,
				() -> augmentations.createInstance("test-wrong-type"));
		assertTrue(wrongType.getMessage().contains("does not implement org.nodulab.augment.Augmentation"),
				wrongType.getMessage());

		List<String> failed = augmentations.problems().stream().map(ContributionProblem::id).toList();
		assertTrue(failed.containsAll(List.of("test-exploding", "test-missing-class", "test-wrong-type")), failed.toString());
	}

	@Test
	void unknownIdsNameTheInstalledOnes() {
		ContributionException e = assertThrows(ContributionException.class, () -> windows.require("soft"));
		assertEquals("unknown window 'soft'; installed: lung, lung-wide, mediastinum, test-level, test-narrow",
				e.getMessage());
	}

	@Test
	void theCatalogSeesEveryRegistry() throws Exception {
		ContributionCatalog catalog = Osgi.service(ContributionCatalog.class);
		waitFor(() -> catalog.registry("architectures").isPresent() && catalog.registry("evaluators").isPresent()
				&& catalog.registry("combiners").isPresent() && catalog.registry("readers").isPresent());
		List<String> kinds = catalog.registries().stream().map(ContributionRegistry::kind).toList();
		assertEquals(List.of("architectures", "augmentations", "combiners", "evaluators", "readers", "windows", "writers"), kinds);
		assertEquals("org.nodulab.nn.architectures", catalog.requireRegistry("architectures").extensionPointId());
		ContributionException e = assertThrows(ContributionException.class, () -> catalog.requireRegistry("losses"));
		assertTrue(e.getMessage().contains("known: architectures, augmentations"), e.getMessage());
	}

	@Test
	void aBundleInstalledAtRunTimeAppearsAndDisappears() throws Exception {
		assertTrue(windows.find("dynamic-window").isEmpty());
		Bundle bundle = Osgi.context().installBundle("test:dynamic-window", new ByteArrayInputStream(windowBundle()));
		try {
			refresh(bundle);
			waitFor(() -> windows.find("dynamic-window").isPresent());
			assertEquals(-500, windows.window("dynamic-window").min());
			assertEquals("test.dynamic.window", windows.require("dynamic-window").contributor());
		} finally {
			bundle.uninstall();
			refresh(bundle);
		}
		waitFor(() -> windows.find("dynamic-window").isEmpty());
	}

	private static void refresh(Bundle bundle) throws InterruptedException {
		FrameworkWiring wiring = Osgi.context().getBundle(0).adapt(FrameworkWiring.class);
		CountDownLatch done = new CountDownLatch(1);
		wiring.refreshBundles(List.of(bundle), event -> done.countDown());
		assertTrue(done.await(20, TimeUnit.SECONDS));
		if (bundle.getState() != Bundle.UNINSTALLED) {
			assertTrue(wiring.resolveBundles(List.of(bundle)), "the dynamic bundle did not resolve");
		}
	}

	private static void waitFor(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within 20 s");
			}
			Thread.sleep(50);
		}
	}

	private static byte[] windowBundle() throws IOException, BundleException {
		Manifest manifest = new Manifest();
		Attributes a = manifest.getMainAttributes();
		a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
		a.putValue("Bundle-ManifestVersion", "2");
		a.putValue("Bundle-SymbolicName", "test.dynamic.window;singleton:=true");
		a.putValue("Bundle-Version", "1.0.0");
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
			jar.putNextEntry(new JarEntry("plugin.xml"));
			jar.write("""
					<?xml version="1.0" encoding="UTF-8"?>
					<?eclipse version="3.4"?>
					<plugin>
					   <extension point="org.nodulab.volume.windows">
					      <window id="dynamic-window" name="Installed at run time" min="-500" max="500"/>
					   </extension>
					</plugin>
					""".getBytes(StandardCharsets.UTF_8));
			jar.closeEntry();
		}
		return bytes.toByteArray();
	}
}
