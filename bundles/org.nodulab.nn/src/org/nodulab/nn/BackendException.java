package org.nodulab.nn;

/** A compute backend cannot do what was asked; the message names the backend and what to do. */
public class BackendException extends Exception {

	private static final long serialVersionUID = 1L;

	public BackendException(String message) {
		super(message);
	}

	public BackendException(String message, Throwable cause) {
		super(message, cause);
	}
}
