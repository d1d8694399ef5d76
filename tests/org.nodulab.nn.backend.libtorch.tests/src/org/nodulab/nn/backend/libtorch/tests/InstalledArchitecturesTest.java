package org.nodulab.nn.backend.libtorch.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.test.architectures.ArchitectureChecks;
import org.nodulab.test.support.Osgi;

/**
 * Every installed architecture on both compute backends, found through the registry: the test runtime
 * installs the architectures feature, so a new architecture bundle listed there is trained here without
 * any edit to this bundle.
 */
class InstalledArchitecturesTest {

	@Test
	void theRuntimeHasEveryArchitectureOfTheFeature() throws Exception {
		String feature = Files.readString(Path.of("../../features/org.nodulab.architectures.feature/feature.xml"));
		TreeSet<String> listed = new TreeSet<>();
		Matcher m = Pattern.compile("<plugin\\s+id=\"([^\"]+)\"").matcher(feature);
		while (m.find()) {
			listed.add(m.group(1));
		}
		TreeSet<String> contributing = new TreeSet<>();
		for (ContributionDescriptor d : Osgi.service(ArchitectureRegistry.class).descriptors()) {
			contributing.add(d.contributor());
		}
		assertEquals(listed, contributing, "bundles contributing architectures here, and the architectures feature");
	}

	@Test
	void oneTrainingStepOfEveryInstalledArchitectureOnEveryBackend() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		List<String> report = new ArrayList<>();
		for (ComputeBackend backend : ArchitectureChecks.bothBackends(Osgi.services(ComputeBackend.class))) {
			report.addAll(ArchitectureChecks.oneStepOfEveryInstalledArchitecture(backend, registry));
		}
		report.forEach(System.out::println);
	}
}
