package org.nodulab.ui.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.nodulab.ui.internal.Screenshots;

/** Driving the workbench from tests on the UI thread. */
final class Ui {

	private Ui() {
	}

	static IWorkbenchWindow window() {
		return PlatformUI.getWorkbench().getWorkbenchWindows()[0];
	}

	static IWorkbenchPage page() {
		return window().getActivePage();
	}

	static void processEvents() {
		Display display = Display.getCurrent();
		for (int i = 0; i < 50; i++) {
			while (display.readAndDispatch()) {
				// drain
			}
		}
	}

	/** Runs the event loop until {@code condition} holds; fails with {@code what} after {@code seconds}. */
	static void waitFor(BooleanSupplier condition, int seconds, String what) {
		Display display = Display.getCurrent();
		long end = System.currentTimeMillis() + seconds * 1000L;
		while (!condition.getAsBoolean()) {
			if (System.currentTimeMillis() > end) {
				throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
			}
			if (!display.readAndDispatch()) {
				try {
					Thread.sleep(20);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					throw new AssertionError(e);
				}
			}
		}
		processEvents();
	}

	@SuppressWarnings("unchecked")
	static <T extends IViewPart> T show(String id) throws Exception {
		T view = (T) page().showView(id, null, IWorkbenchPage.VIEW_ACTIVATE);
		processEvents();
		return view;
	}

	/** Saves the workbench window with this part maximized (then restored) as {@code name}.png. */
	static Path screenshot(String name, org.eclipse.ui.IWorkbenchPart part) throws Exception {
		org.eclipse.ui.IWorkbenchPartReference ref = page().getReference(part);
		page().setPartState(ref, IWorkbenchPage.STATE_MAXIMIZED);
		processEvents();
		try {
			return screenshot(name);
		} finally {
			page().setPartState(ref, IWorkbenchPage.STATE_RESTORED);
			processEvents();
		}
	}

	/** Saves the workbench window as {@code name}.png in the build's screenshot folder. */
	static Path screenshot(String name) throws Exception {
		Path dir = Path.of(System.getProperty("nodulab.screenshots", "target/screenshots"));
		Path shot = dir.resolve(name + ".png");
		window().getShell().setSize(1260, 900); // within CI's 1280x1024 Xvfb screen
		processEvents();
		Thread.sleep(200);
		processEvents();
		Screenshots.save(window().getShell(), shot);
		assertTrue(Files.size(shot) > 10_000, "screenshot " + shot + " is too small to show anything");
		return shot;
	}

	static Path work() throws Exception {
		Path w = Path.of(System.getProperty("nodulab.uitest.work", "target/work"));
		Files.createDirectories(w);
		return w;
	}

	/** The 10-scan synthetic benchmark of the UI tests (work/data/synthetic), generated once. */
	static synchronized Path dataset() throws Exception {
		Path dataset = work().resolve("data/synthetic");
		if (!Files.exists(dataset.resolve("seriesuids.csv"))) {
			org.nodulab.synth.SynthSettings s = new org.nodulab.synth.SynthSettings();
			s.scans = 10;
			org.nodulab.synth.SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), s, dataset, false, line -> {
			});
		}
		return dataset;
	}
}
