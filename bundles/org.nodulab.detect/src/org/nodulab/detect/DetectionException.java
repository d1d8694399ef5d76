package org.nodulab.detect;

/** A scan cannot be searched for candidates; the message says what is missing or too large. */
public class DetectionException extends Exception {

	private static final long serialVersionUID = 1L;

	public DetectionException(String message) {
		super(message);
	}
}
