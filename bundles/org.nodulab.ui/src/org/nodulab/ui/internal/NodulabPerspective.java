package org.nodulab.ui.internal;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/** The Nodulab perspective: the Contributions view, and Progress for running jobs. */
public class NodulabPerspective implements IPerspectiveFactory {

	public static final String ID = "org.nodulab.ui.perspective";
	public static final String PROGRESS_VIEW = "org.eclipse.ui.views.ProgressView";

	@Override
	public void createInitialLayout(IPageLayout layout) {
		layout.setEditorAreaVisible(false);
		String editorArea = layout.getEditorArea();
		layout.addView(ContributionsView.ID, IPageLayout.TOP, 0.7f, editorArea);
		IFolderLayout bottom = layout.createFolder("org.nodulab.ui.bottom", IPageLayout.BOTTOM, 0.7f,
				ContributionsView.ID);
		bottom.addView(PROGRESS_VIEW);
		layout.getViewLayout(ContributionsView.ID).setCloseable(true);
		layout.addShowViewShortcut(ContributionsView.ID);
		layout.addShowViewShortcut(PROGRESS_VIEW);
	}
}
