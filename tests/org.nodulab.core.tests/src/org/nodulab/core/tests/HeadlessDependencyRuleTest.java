package org.nodulab.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.eclipse.osgi.util.ManifestElement;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleException;

/**
 * Only {@code *.ui} bundles may depend on SWT, JFace or the Eclipse UI, directly or through another
 * Nodulab bundle; every UI action must have a headless twin. Reads the manifests of {@code bundles/}.
 */
class HeadlessDependencyRuleTest {

	static final Path BUNDLES = Path.of("../../bundles");
	static final List<String> UI_PREFIXES = List.of("org.eclipse.swt", "org.eclipse.jface", "org.eclipse.ui",
			"org.eclipse.e4.ui");

	record BundleInfo(String name, List<String> requiredBundles, List<String> importedPackages) {
	}

	@Test
	void noHeadlessBundleReachesTheUi() throws Exception {
		Map<String, BundleInfo> bundles = new HashMap<>();
		try (Stream<Path> dirs = Files.list(BUNDLES)) {
			for (Path dir : dirs.toList()) {
				Path manifest = dir.resolve("META-INF/MANIFEST.MF");
				if (Files.exists(manifest)) {
					try (InputStream in = Files.newInputStream(manifest)) {
						BundleInfo info = parse(in);
						bundles.put(info.name(), info);
					}
				}
			}
		}
		assertTrue(bundles.containsKey("org.nodulab.core") && bundles.containsKey("org.nodulab.ui"),
				"bundles found: " + bundles.keySet());
		List<String> violations = violations(bundles);
		assertEquals(List.of(), violations);
	}

	@Test
	void theRuleCatchesDirectAndIndirectUiDependencies() throws Exception {
		Map<String, BundleInfo> bundles = new HashMap<>();
		for (String manifest : List.of(
				"Bundle-SymbolicName: org.nodulab.viewer\nRequire-Bundle: org.eclipse.swt;bundle-version=\"3.1\"\n",
				"Bundle-SymbolicName: org.nodulab.helper\nImport-Package: org.eclipse.jface.viewers\n",
				"Bundle-SymbolicName: org.nodulab.indirect\nRequire-Bundle: org.nodulab.plot.ui\n",
				"Bundle-SymbolicName: org.nodulab.plot.ui;singleton:=true\nRequire-Bundle: org.eclipse.ui\n",
				"Bundle-SymbolicName: org.nodulab.clean\nRequire-Bundle: org.eclipse.core.runtime\n")) {
			BundleInfo info = parse(new java.io.ByteArrayInputStream(
					("Manifest-Version: 1.0\n" + manifest).getBytes(StandardCharsets.UTF_8)));
			bundles.put(info.name(), info);
		}
		List<String> violations = violations(bundles);
		assertEquals(List.of("org.nodulab.helper imports package org.eclipse.jface.viewers",
				"org.nodulab.indirect requires org.nodulab.plot.ui, a UI bundle",
				"org.nodulab.viewer requires bundle org.eclipse.swt"), violations);
	}

	static List<String> violations(Map<String, BundleInfo> bundles) {
		List<String> violations = new ArrayList<>();
		for (BundleInfo b : bundles.values()) {
			if (b.name().endsWith(".ui")) {
				continue;
			}
			for (String required : b.requiredBundles()) {
				if (isUi(required)) {
					violations.add(b.name() + " requires bundle " + required);
				} else if (required.startsWith("org.nodulab.") && required.endsWith(".ui")) {
					violations.add(b.name() + " requires " + required + ", a UI bundle");
				}
			}
			for (String imported : b.importedPackages()) {
				if (isUi(imported)) {
					violations.add(b.name() + " imports package " + imported);
				}
			}
		}
		violations.sort(null);
		return violations;
	}

	private static boolean isUi(String name) {
		return UI_PREFIXES.stream().anyMatch(p -> name.equals(p) || name.startsWith(p + "."));
	}

	static BundleInfo parse(InputStream in) throws IOException, BundleException {
		Manifest manifest = new Manifest(in);
		String name = ManifestElement.parseHeader("Bundle-SymbolicName",
				manifest.getMainAttributes().getValue("Bundle-SymbolicName"))[0].getValue();
		return new BundleInfo(name, values("Require-Bundle", manifest), values("Import-Package", manifest));
	}

	private static List<String> values(String header, Manifest manifest) throws BundleException {
		ManifestElement[] elements = ManifestElement.parseHeader(header, manifest.getMainAttributes().getValue(header));
		List<String> result = new ArrayList<>();
		if (elements != null) {
			for (ManifestElement e : elements) {
				result.addAll(List.of(e.getValueComponents()));
			}
		}
		return result;
	}
}
