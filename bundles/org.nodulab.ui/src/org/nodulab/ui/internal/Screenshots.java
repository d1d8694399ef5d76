package org.nodulab.ui.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Control;

/** PNG screenshots of controls, grabbed from the screen with {@link GC#copyArea}. */
public final class Screenshots {

	private Screenshots() {
	}

	/** Saves what {@code control} shows now as a PNG (written to a temporary file, then renamed). */
	public static void save(Control control, Path file) {
		control.getDisplay().readAndDispatch();
		Point size = control.getSize();
		Image image = new Image(control.getDisplay(), Math.max(1, size.x), Math.max(1, size.y));
		GC gc = new GC(control);
		try {
			gc.copyArea(image, 0, 0);
			ImageLoader loader = new ImageLoader();
			loader.data = new ImageData[] { image.getImageData() };
			// atomically, with the user's umask (a temporary file renamed over the old picture)
			org.nodulab.core.io.AtomicFiles.replace(file, out -> loader.save(out, SWT.IMAGE_PNG));
		} catch (IOException e) {
			throw new UncheckedIOException("cannot write screenshot " + file, e);
		} finally {
			gc.dispose();
			image.dispose();
		}
	}
}
