package org.nodulab.volume.supplier.metaimage;

import java.io.IOException;
import java.nio.file.Path;

/** A MetaImage file that cannot be read: the message names the file, the line or key, and what was expected. */
public class MetaImageException extends IOException {

	private static final long serialVersionUID = 1L;

	public MetaImageException(Path file, int line, String message) {
		super(file + (line > 0 ? ":" + line : "") + ": " + message);
	}

	public MetaImageException(Path file, String message, Throwable cause) {
		super(file + ": " + message, cause);
	}
}
