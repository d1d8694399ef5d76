package org.nodulab.ui.internal;

import java.nio.file.Path;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.filesystem.IFileStore;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.ide.FileStoreEditorInput;

/** Opens experiment files in the experiment editor, campaign files in the campaign editor. */
public final class OpenExperiment {

	private OpenExperiment() {
	}

	/** Opens a YAML file in the editor for what it is: a campaign (it names a base experiment) or an experiment. */
	public static IEditorPart openFile(IWorkbenchPage page, Path file) throws PartInitException {
		if (isCampaign(file)) {
			return openCampaign(page, file);
		}
		return open(page, file);
	}

	static boolean isCampaign(Path file) {
		try {
			com.fasterxml.jackson.databind.JsonNode root = new org.nodulab.core.settings.SettingsCodec().parse(file).root();
			return org.nodulab.campaign.CampaignLoader.isCampaign(root);
		} catch (org.nodulab.core.settings.SettingsException e) {
			return false; // the experiment editor shows why it does not parse
		}
	}

	/** Opens a campaign file in the campaign editor. */
	public static CampaignEditor openCampaign(IWorkbenchPage page, Path file) throws PartInitException {
		IFileStore store = EFS.getLocalFileSystem().getStore(file.toAbsolutePath().toUri());
		return (CampaignEditor) page.openEditor(new FileStoreEditorInput(store), CampaignEditor.ID);
	}

	public static ExperimentEditor open(IWorkbenchPage page, Path file) throws PartInitException {
		IFileStore store = EFS.getLocalFileSystem().getStore(file.toAbsolutePath().toUri());
		IEditorPart editor = page.openEditor(new FileStoreEditorInput(store), ExperimentEditor.ID);
		return (ExperimentEditor) editor;
	}
}
