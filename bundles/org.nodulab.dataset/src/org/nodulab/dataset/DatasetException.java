package org.nodulab.dataset;

import java.io.IOException;
import java.nio.file.Path;

/** A dataset that does not have the expected layout; the message names the file or folder. */
public class DatasetException extends IOException {

	private static final long serialVersionUID = 1L;

	public DatasetException(Path where, String message) {
		super(where + ": " + message);
	}
}
