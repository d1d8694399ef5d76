package org.nodulab.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The bundles follow the data flow: framework bundles reach contributions (readers, writers, evaluators, combiners,
 * augmentations, architectures, compute backends) only through their registries and services, never by requiring a
 * contribution's bundle; a new contribution is a bundle of its own that nothing else names. And every bundle folder
 * is built and shipped: listed in the reactor and in a feature.
 */
class BundleLayeringTest {

	static final Path BUNDLES = HeadlessDependencyRuleTest.BUNDLES;
	/** Contributions: suppliers, architectures, compute backends and the libraries they embed. */
	static final Pattern CONTRIBUTION = Pattern.compile("org\\.nodulab\\..*(\\.supplier\\.|\\.arch\\.|\\.backend\\.).*|org\\.nodulab\\.(dl4j|torch)\\..*");

	@Test
	void noFrameworkBundleRequiresAContribution() throws Exception {
		Map<String, HeadlessDependencyRuleTest.BundleInfo> bundles = manifests();
		assertTrue(bundles.size() > 20, bundles.keySet().toString());
		assertEquals(List.of(), violations(bundles));
	}

	@Test
	void theRuleCatchesRequiredBundlesAndImportedPackages() throws Exception {
		Map<String, HeadlessDependencyRuleTest.BundleInfo> bundles = new TreeMap<>();
		for (String manifest : List.of(
				"Bundle-SymbolicName: org.nodulab.synth\nRequire-Bundle: org.nodulab.volume.supplier.metaimage\n",
				"Bundle-SymbolicName: org.nodulab.cli\nImport-Package: org.nodulab.eval.supplier.ensemble\n",
				"Bundle-SymbolicName: org.nodulab.train\nRequire-Bundle: org.nodulab.nn.backend.dl4j,org.nodulab.eval\n",
				"Bundle-SymbolicName: org.nodulab.nn.backend.dl4j\nRequire-Bundle: org.nodulab.dl4j.libs\n",
				"Bundle-SymbolicName: org.nodulab.volume.supplier.dicom\nRequire-Bundle: org.nodulab.volume\n")) {
			HeadlessDependencyRuleTest.BundleInfo info = HeadlessDependencyRuleTest.parse(new java.io.ByteArrayInputStream(
					("Manifest-Version: 1.0\n" + manifest).getBytes(StandardCharsets.UTF_8)));
			bundles.put(info.name(), info);
		}
		assertEquals(List.of("org.nodulab.cli imports org.nodulab.eval.supplier.ensemble, a package of a contribution",
				"org.nodulab.synth requires org.nodulab.volume.supplier.metaimage, a contribution",
				"org.nodulab.train requires org.nodulab.nn.backend.dl4j, a contribution"), violations(bundles));
	}

	static List<String> violations(Map<String, HeadlessDependencyRuleTest.BundleInfo> bundles) {
		List<String> out = new ArrayList<>();
		for (HeadlessDependencyRuleTest.BundleInfo b : bundles.values()) {
			if (CONTRIBUTION.matcher(b.name()).matches()) {
				continue; // a contribution may use its own libraries
			}
			for (String required : b.requiredBundles()) {
				if (CONTRIBUTION.matcher(required).matches()) {
					out.add(b.name() + " requires " + required + ", a contribution");
				}
			}
			for (String imported : b.importedPackages()) {
				if (imported.startsWith("org.nodulab.") && CONTRIBUTION.matcher(imported).matches()) {
					out.add(b.name() + " imports " + imported + ", a package of a contribution");
				}
			}
		}
		out.sort(null);
		return out;
	}

	@Test
	void everyBundleFolderIsBuiltAndShipped() throws Exception {
		String reactor = Files.readString(BUNDLES.resolve("pom.xml"));
		TreeSet<String> modules = new TreeSet<>(all(reactor, "<module>([^<]+)</module>"));
		StringBuilder features = new StringBuilder();
		try (Stream<Path> dirs = Files.list(Path.of("../../features"))) {
			for (Path f : dirs.map(d -> d.resolve("feature.xml")).filter(Files::exists).toList()) {
				features.append(Files.readString(f));
			}
		}
		TreeSet<String> shipped = new TreeSet<>(all(features.toString(), "<plugin\\s+id=\"([^\"]+)\""));
		List<String> problems = new ArrayList<>();
		for (Map.Entry<String, HeadlessDependencyRuleTest.BundleInfo> e : folders().entrySet()) {
			String folder = e.getKey();
			if (!modules.contains(folder)) {
				problems.add(folder + " is not a module of bundles/pom.xml");
			}
			if (!shipped.contains(e.getValue().name())) {
				problems.add(e.getValue().name() + " (" + folder + ") is in no feature");
			}
		}
		assertEquals(List.of(), problems);
	}

	@Test
	void everyTestFolderIsBuilt() throws Exception {
		TreeSet<String> modules = new TreeSet<>(all(Files.readString(Path.of("../pom.xml")), "<module>([^<]+)</module>"));
		List<String> missing = new ArrayList<>();
		try (Stream<Path> dirs = Files.list(Path.of(".."))) {
			for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
				if (Files.exists(d.resolve("META-INF/MANIFEST.MF")) && !modules.contains(d.getFileName().toString())) {
					missing.add(d.getFileName() + " is not a module of tests/pom.xml");
				}
			}
		}
		assertEquals(List.of(), missing);
	}

	/**
	 * An architecture is one bundle with its own tests: every architecture bundle has a test bundle named
	 * after it, is listed in the architectures feature (which every test runtime installs), and is named by
	 * no test bundle's runtime list (build.properties), which would be an edit outside the architecture.
	 */
	@Test
	void everyArchitectureBundleHasItsOwnTestsAndIsInstalledThroughTheFeature() throws Exception {
		String feature = Files.readString(Path.of("../../features/org.nodulab.architectures.feature/feature.xml"));
		TreeSet<String> listed = new TreeSet<>(all(feature, "<plugin\\s+id=\"([^\"]+)\""));
		List<String> problems = new ArrayList<>();
		TreeSet<String> architectures = new TreeSet<>();
		for (Map.Entry<String, HeadlessDependencyRuleTest.BundleInfo> e : folders().entrySet()) {
			String name = e.getValue().name();
			if (!name.startsWith("org.nodulab.nn.arch.")) {
				continue;
			}
			architectures.add(name);
			if (!Files.exists(Path.of("..", name + ".tests", "META-INF/MANIFEST.MF"))) {
				problems.add(name + " has no test bundle tests/" + name + ".tests");
			}
		}
		if (!listed.equals(architectures)) {
			problems.add("the architectures feature lists " + listed + ", the architecture bundles are " + architectures);
		}
		try (Stream<Path> dirs = Files.list(Path.of(".."))) {
			for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
				Path build = d.resolve("build.properties");
				if (!Files.exists(build) || d.getFileName().toString().startsWith("org.nodulab.nn.arch.")) {
					continue;
				}
				for (String a : architectures) {
					if (Files.readString(build).matches("(?s).*additional\\.bundles.*\\b" + Pattern.quote(a) + "\\b.*")) {
						problems.add(d.getFileName() + "/build.properties names " + a + "; the architectures feature installs it");
					}
				}
			}
		}
		assertEquals(List.of(), problems);
	}

	private static Map<String, HeadlessDependencyRuleTest.BundleInfo> folders() throws Exception {
		Map<String, HeadlessDependencyRuleTest.BundleInfo> out = new TreeMap<>();
		try (Stream<Path> dirs = Files.list(BUNDLES)) {
			for (Path dir : dirs.sorted().toList()) {
				Path manifest = dir.resolve("META-INF/MANIFEST.MF");
				if (Files.exists(manifest)) {
					try (InputStream in = Files.newInputStream(manifest)) {
						out.put(dir.getFileName().toString(), HeadlessDependencyRuleTest.parse(in));
					}
				}
			}
		}
		// the CUDA build of the ND4J natives is a profile of the reactor, under the same bundle name as the CPU one
		out.remove("org.nodulab.dl4j.natives.cuda");
		return out;
	}

	private static Map<String, HeadlessDependencyRuleTest.BundleInfo> manifests() throws Exception {
		Map<String, HeadlessDependencyRuleTest.BundleInfo> out = new TreeMap<>();
		for (HeadlessDependencyRuleTest.BundleInfo b : folders().values()) {
			out.put(b.name(), b);
		}
		return out;
	}

	private static List<String> all(String text, String regex) {
		List<String> out = new ArrayList<>();
		Matcher m = Pattern.compile(regex).matcher(text);
		while (m.find()) {
			out.add(m.group(1).trim());
		}
		return out;
	}
}
