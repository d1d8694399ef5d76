package org.nodulab.ui.internal;

import java.nio.file.Path;

import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.application.ActionBarAdvisor;
import org.eclipse.ui.application.IActionBarConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;

/**
 * Window setup. With {@code -Dnodulab.screenshot=<file.png>} the window saves a screenshot of itself
 * once it is open and painted, and with {@code -Dnodulab.exitAfterScreenshot=true} closes the
 * workbench afterwards: a smoke test of the installed product under Xvfb.
 */
public class NodulabWindowAdvisor extends WorkbenchWindowAdvisor {

	public NodulabWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
		super(configurer);
	}

	@Override
	public ActionBarAdvisor createActionBarAdvisor(IActionBarConfigurer configurer) {
		return new NodulabActionBarAdvisor(configurer);
	}

	@Override
	public void preWindowOpen() {
		IWorkbenchWindowConfigurer configurer = getWindowConfigurer();
		configurer.setInitialSize(new Point(1280, 800));
		configurer.setShowStatusLine(true);
		configurer.setShowProgressIndicator(true);
		configurer.setShowCoolBar(false);
		configurer.setTitle("Nodulab");
	}

	@Override
	public void postWindowOpen() {
		if (Boolean.getBoolean("nodulab.exitAfterFirstWindow")) {
			// what nodulab bench startup times: the JVM's start to the first window, then a close once it has painted
			System.out.printf(java.util.Locale.ROOT, "nodulab-workbench: first window open %.2f s after the JVM started%n",
					java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
			System.out.flush();
			Display.getCurrent().asyncExec(() -> PlatformUI.getWorkbench().close());
			return;
		}
		String screenshot = System.getProperty("nodulab.screenshot");
		if (screenshot == null || screenshot.isBlank()) {
			return;
		}
		Shell shell = getWindowConfigurer().getWindow().getShell();
		Display display = shell.getDisplay();
		display.timerExec(3000, () -> {
			if (shell.isDisposed()) {
				return;
			}
			try {
				Screenshots.save(shell, Path.of(screenshot));
				System.out.println("nodulab-workbench: screenshot written to " + screenshot);
			} catch (RuntimeException e) {
				System.err.println("nodulab-workbench: screenshot failed: " + e);
			}
			if (Boolean.getBoolean("nodulab.exitAfterScreenshot")) {
				PlatformUI.getWorkbench().close();
			}
		});
	}
}
