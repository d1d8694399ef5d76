package org.nodulab.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.TreeItem;
import org.junit.jupiter.api.Test;
import org.nodulab.core.dropins.Dropins;
import org.nodulab.ui.internal.ContributionsView;
import org.nodulab.ui.internal.ExperimentEditor;
import org.nodulab.ui.internal.InstallBundle;
import org.osgi.framework.FrameworkUtil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The catalogue: a contribution's description and settings, a new experiment from it, installing a bundle. */
class CatalogueTest {

	@Test
	void aContributionsSettingsAndANewExperimentFromIt() throws Exception {
		ContributionsView view = Ui.show(ContributionsView.ID);
		assertTrue(view.select("architectures", "vgg"));
		Ui.processEvents();
		List<String[]> rows = view.settingsRows();
		String[] filters = rows.stream().filter(r -> r[0].equals("filters")).findFirst().orElseThrow(() -> new AssertionError(
				"no filters row in " + rows.stream().map(r -> r[0]).toList()));
		assertEquals("list", filters[1]);
		assertEquals("16, 32, 64", filters[2]);
		assertFalse(filters[4].isBlank(), "a description");
		Ui.screenshot("catalogue");

		Path file = Ui.work().resolve("new/vgg-experiment.yaml"); // data/synthetic beside it does not exist
		Files.deleteIfExists(file);
		ExperimentEditor editor = view.newExperimentFromSelection(file);
		assertNotNull(editor);
		Ui.processEvents();
		JsonNode written = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
		assertEquals("vgg", written.path("architectures").path(0).path("id").asText());
		assertEquals("[16,32,64]", written.path("architectures").path(0).path("settings").path("filters").toString(),
				"the contribution's settings written out with their defaults");
		// data/synthetic next to the file does not exist: the data check marks dataset.path
		assertTrue(editor.problems().stream().anyMatch(p -> p.path().equals("dataset.path")), editor.problems().toString());
		assertTrue(editor.markerShown("dataset.path"));
		Text path = (Text) editor.field("dataset.path").orElseThrow();
		path.setText(Ui.dataset().toString());
		Ui.processEvents();
		assertEquals(List.of(), editor.problems(), "valid once the dataset is where the experiment says");
		Ui.screenshot("new-experiment");
		editor.doSave(null);
		Ui.page().closeEditor(editor, false);
	}

	@Test
	void anInstalledModelBundleAppearsWithoutRestart() throws Exception {
		ContributionsView view = Ui.show(ContributionsView.ID);
		Path jar = Ui.work().resolve("org.nodulab.test.droparch_1.0.0.jar");
		Manifest m = new Manifest();
		Attributes a = m.getMainAttributes();
		a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
		a.putValue("Bundle-ManifestVersion", "2");
		a.putValue("Bundle-SymbolicName", "org.nodulab.test.droparch;singleton:=true");
		a.putValue("Bundle-Version", "1.0.0");
		a.putValue("Require-Bundle", "org.nodulab.nn");
		try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
			j.putNextEntry(new JarEntry("plugin.xml"));
			j.write("""
					<?xml version="1.0" encoding="UTF-8"?>
					<?eclipse version="3.4"?>
					<plugin>
					   <extension point="org.nodulab.nn.architectures">
					      <architecture id="dropped-net" name="Dropped net" category="Tests"
					            class="org.nodulab.test.droparch.DroppedArchitecture"
					            description="An architecture installed while the workbench runs."/>
					   </extension>
					</plugin>
					""".getBytes(StandardCharsets.UTF_8));
		}
		Dropins.Report report = InstallBundle.install(jar);
		assertEquals(List.of("org.nodulab.test.droparch"), report.installed().stream().map(s -> s.split("[ _]")[0]).toList());
		Ui.waitFor(() -> architectureIds(view).contains("dropped-net"), 30, "the dropped architecture in the catalogue");
		Ui.screenshot("catalogue-installed-bundle");

		Files.delete(Dropins.folder().resolve(jar.getFileName()));
		Dropins.synchronize(FrameworkUtil.getBundle(getClass()).getBundleContext(), Dropins.folder());
		Ui.waitFor(() -> !architectureIds(view).contains("dropped-net"), 30, "the removed architecture to disappear");
	}

	private static List<String> architectureIds(ContributionsView view) {
		view.viewer().getTree().getDisplay().readAndDispatch();
		TreeItem[] kinds = view.viewer().getTree().getItems();
		return Arrays.stream(kinds).filter(k -> k.getText(0).startsWith("Network architectures"))
				.flatMap(k -> Arrays.stream(k.getItems())).map(i -> i.getText(1)).toList();
	}
}
