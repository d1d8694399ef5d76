package org.nodulab.ui.internal;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/**
 * The Nodulab perspective: the catalogue on the left, experiment editors in the middle, the FROC, training,
 * error gallery and slice views on the right, runs, jobs and progress at the bottom.
 */
public class NodulabPerspective implements IPerspectiveFactory {

	public static final String ID = "org.nodulab.ui.perspective";
	public static final String PROGRESS_VIEW = "org.eclipse.ui.views.ProgressView";

	@Override
	public void createInitialLayout(IPageLayout layout) {
		String editorArea = layout.getEditorArea();
		layout.setEditorAreaVisible(true);
		layout.addView(ContributionsView.ID, IPageLayout.LEFT, 0.3f, editorArea);
		IFolderLayout bottom = layout.createFolder("org.nodulab.ui.bottom", IPageLayout.BOTTOM, 0.62f, editorArea);
		bottom.addView(RunsView.ID);
		bottom.addView(JobsView.ID);
		bottom.addView(CampaignsView.ID);
		bottom.addView(FindingsView.ID); // beside the Slices view, which its rows open
		bottom.addView(PROGRESS_VIEW);
		IFolderLayout right = layout.createFolder("org.nodulab.ui.right", IPageLayout.RIGHT, 0.45f, editorArea);
		right.addView(FrocView.ID);
		right.addView(TrainingView.ID);
		right.addView(ErrorGalleryView.ID);
		right.addView(SliceView.ID);
		for (String id : new String[] { ContributionsView.ID, RunsView.ID, JobsView.ID, FrocView.ID, TrainingView.ID, ErrorGalleryView.ID,
				SliceView.ID, FindingsView.ID, PROGRESS_VIEW }) {
			layout.addShowViewShortcut(id);
		}
	}
}
