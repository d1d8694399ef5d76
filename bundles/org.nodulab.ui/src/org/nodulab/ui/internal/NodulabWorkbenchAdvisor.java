package org.nodulab.ui.internal;

import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.application.IWorkbenchConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;

/**
 * Opens the Nodulab perspective; windows show the status line with the progress indicator. Opens the job
 * queue at start-up (queued jobs start again; interrupted runs are offered in the Jobs view) and stops
 * running jobs at a batch boundary after a checkpoint at shutdown.
 */
public class NodulabWorkbenchAdvisor extends WorkbenchAdvisor {

	private WorkbenchServices services;

	@Override
	public void initialize(IWorkbenchConfigurer configurer) {
		configurer.setSaveAndRestore(true);
		// the workbench's services, for every part by its site (getSite().getService(WorkbenchServices.class))
		services = new WorkbenchServices(org.osgi.framework.FrameworkUtil.getBundle(getClass()).getBundleContext());
		configurer.getWorkbench().getService(org.eclipse.e4.core.contexts.IEclipseContext.class).set(WorkbenchServices.class, services);
	}

	@Override
	public String getInitialWindowPerspectiveId() {
		return NodulabPerspective.ID;
	}

	@Override
	public WorkbenchWindowAdvisor createWorkbenchWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
		return new NodulabWindowAdvisor(configurer);
	}

	@Override
	public void postStartup() {
		var queue = services.queue();
		if (!queue.resumable().isEmpty()) {
			IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
			try {
				page.showView(JobsView.ID);
			} catch (PartInitException e) {
				// the Jobs view is in the perspective anyway
			}
		}
	}

	@Override
	public boolean preShutdown() {
		try {
			services.queue().close(120_000);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		return true;
	}

	@Override
	public void postShutdown() {
		services.close();
	}
}
