package org.nodulab.ui.internal;

import java.nio.file.Path;

import org.eclipse.jface.action.Action;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IPathEditorInput;
import org.eclipse.ui.IURIEditorInput;
import org.eclipse.ui.PartInitException;

/** Small pieces the views and editors share. */
final class ViewActions {

	private ViewActions() {
	}

	/** A toolbar or menu action that runs {@code run}. */
	static Action action(String text, String tooltip, Runnable run) {
		Action a = new Action(text) {
			@Override
			public void run() {
				run.run();
			}
		};
		a.setToolTipText(tooltip);
		return a;
	}

	/** The file an editor opens. */
	static Path file(IEditorInput input, String editor) throws PartInitException {
		if (input instanceof IURIEditorInput uri) {
			return Path.of(uri.getURI());
		}
		if (input instanceof IPathEditorInput p) {
			return p.getPath().toPath();
		}
		throw new PartInitException("the " + editor + " opens files, not " + input.getClass().getSimpleName());
	}
}
