package org.nodulab.core.tests;

/** Records whether {@link ExplodingAugmentation} was ever loaded and initialised. */
public final class LoadTracker {

	public static volatile boolean explodingInitialised;

	private LoadTracker() {
	}
}
