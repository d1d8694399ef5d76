package org.nodulab.volume.supplier.dicom;

import java.io.IOException;
import java.nio.file.Path;

/** A DICOM file or series that cannot be read as a CT volume; the message names the file or series. */
public class DicomException extends IOException {

	private static final long serialVersionUID = 1L;

	public DicomException(Path where, String message) {
		super(where + ": " + message);
	}

	public DicomException(Path where, String message, Throwable cause) {
		super(where + ": " + message, cause);
	}
}
