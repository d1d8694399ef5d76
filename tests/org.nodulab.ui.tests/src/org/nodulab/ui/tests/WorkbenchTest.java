package org.nodulab.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.nodulab.ui.internal.ContributionsView;
import org.nodulab.ui.internal.NodulabPerspective;
import org.nodulab.ui.internal.Screenshots;

/** Opens the Nodulab workbench and checks the perspective and the catalogue (Contributions view). */
class WorkbenchTest {

	private static void processEvents() {
		Display display = Display.getCurrent();
		for (int i = 0; i < 50; i++) {
			while (display.readAndDispatch()) {
				// drain
			}
		}
	}

	@Test
	void theNodulabPerspectiveShowsContributionsAndProgress() throws Exception {
		IWorkbenchWindow window = PlatformUI.getWorkbench().getWorkbenchWindows()[0];
		IWorkbenchPage page = window.getActivePage();
		assertEquals(NodulabPerspective.ID, page.getPerspective().getId());
		for (String id : List.of(NodulabPerspective.PROGRESS_VIEW, org.nodulab.ui.internal.RunsView.ID, org.nodulab.ui.internal.JobsView.ID,
				org.nodulab.ui.internal.CampaignsView.ID)) {
			assertNotNull(page.findViewReference(id), id + " is part of the perspective");
		}

		ContributionsView view = (ContributionsView) page.findView(ContributionsView.ID);
		assertNotNull(view, "Contributions view");
		processEvents();
		TreeItem[] kinds = view.viewer().getTree().getItems();
		List<String> labels = Arrays.stream(kinds).map(i -> i.getText(0)).toList();
		// the architectures are whatever the architectures feature installs (each tested in its own bundle)
		int architectures = org.nodulab.test.support.Osgi.service(org.nodulab.nn.ArchitectureRegistry.class).descriptors().size();
		assertTrue(architectures >= 1, "an architecture is installed");
		assertEquals(List.of("Network architectures (" + architectures + ")", "Augmentations (6)", "Ensemble combiners (3)",
				"Candidate detectors (1)", "Evaluators (4)", "Campaign executors (2)", "Volume readers (1)", "HU windows (3)",
				"Volume writers (1)"), labels);

		TreeItem executors = kinds[5];
		assertEquals(List.of("Local job queue | local | org.nodulab.campaign", "Slurm | slurm | org.nodulab.campaign.slurm"),
				Arrays.stream(executors.getItems()).map(i -> i.getText(0) + " | " + i.getText(1) + " | " + i.getText(3)).toList());
		TreeItem windows = kinds[7];
		List<String> windowRows = Arrays.stream(windows.getItems())
				.map(i -> i.getText(0) + " | " + i.getText(1) + " | " + i.getText(3)).toList();
		assertEquals(List.of("Lung | lung | org.nodulab.volume", "Lung (wide) | lung-wide | org.nodulab.volume",
				"Mediastinum | mediastinum | org.nodulab.volume"), windowRows);
		TreeItem vgg = Arrays.stream(kinds[0].getItems()).filter(i -> i.getText(1).equals("vgg")).findFirst()
				.orElseThrow(() -> new AssertionError("no vgg row"));
		assertEquals("VGG", vgg.getText(0));
		assertEquals("org.nodulab.nn.arch.vgg", vgg.getText(3));
		assertTrue(vgg.getText(4).startsWith("Stages of 3x3x3 convolutions"), vgg.getText(4));

		List<String> menus = Arrays.stream(window.getShell().getMenuBar().getItems()).map(i -> i.getText()).toList();
		assertEquals(List.of("&File", "&Edit", "&Run", "&Window", "&Help"), menus);

		Path screenshots = Path.of(System.getProperty("nodulab.screenshots", "target/screenshots"));
		Path shot = screenshots.resolve("workbench-contributions.png");
		window.getShell().setSize(1280, 800);
		processEvents();
		Screenshots.save(window.getShell(), shot);
		assertTrue(Files.size(shot) > 10_000, "screenshot " + shot + " is too small to show anything");
	}
}
