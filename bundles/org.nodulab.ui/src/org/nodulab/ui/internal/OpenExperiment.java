package org.nodulab.ui.internal;

import java.nio.file.Path;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.filesystem.IFileStore;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.ide.FileStoreEditorInput;

/** Opens experiment files in the experiment editor. */
public final class OpenExperiment {

	private OpenExperiment() {
	}

	public static ExperimentEditor open(IWorkbenchPage page, Path file) throws PartInitException {
		IFileStore store = EFS.getLocalFileSystem().getStore(file.toAbsolutePath().toUri());
		IEditorPart editor = page.openEditor(new FileStoreEditorInput(store), ExperimentEditor.ID);
		return (ExperimentEditor) editor;
	}
}
