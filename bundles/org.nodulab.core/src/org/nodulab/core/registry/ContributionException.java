package org.nodulab.core.registry;

/** A contribution could not be found, loaded or instantiated. The message names the contribution and its bundle. */
public class ContributionException extends Exception {

	private static final long serialVersionUID = 1L;

	public ContributionException(String message) {
		super(message);
	}

	public ContributionException(String message, Throwable cause) {
		super(message, cause);
	}
}
