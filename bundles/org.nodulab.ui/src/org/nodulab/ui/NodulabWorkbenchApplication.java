package org.nodulab.ui;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.PlatformUI;
import org.nodulab.core.dropins.Dropins;
import org.osgi.framework.FrameworkUtil;
import org.nodulab.ui.internal.NodulabWorkbenchAdvisor;

/** The {@code org.nodulab.ui.application}: the Nodulab workbench, started by {@code nodulab-workbench}. */
public class NodulabWorkbenchApplication implements IApplication {

	@Override
	public Object start(IApplicationContext context) {
		// a lab member's bundles in dropins/ (the Contributions view shows what they contribute)
		Dropins.Report dropins = Dropins.synchronize(FrameworkUtil.getBundle(getClass()).getBundleContext());
		dropins.problems().forEach(p -> System.err.println("nodulab-workbench: drop-in " + p));
		Display display = PlatformUI.createDisplay();
		try {
			int code = PlatformUI.createAndRunWorkbench(display, new NodulabWorkbenchAdvisor());
			return code == PlatformUI.RETURN_RESTART ? IApplication.EXIT_RESTART : IApplication.EXIT_OK;
		} finally {
			display.dispose();
		}
	}

	@Override
	public void stop() {
		if (!PlatformUI.isWorkbenchRunning()) {
			return;
		}
		IWorkbench workbench = PlatformUI.getWorkbench();
		Display display = workbench.getDisplay();
		display.syncExec(() -> {
			if (!display.isDisposed()) {
				workbench.close();
			}
		});
	}
}
