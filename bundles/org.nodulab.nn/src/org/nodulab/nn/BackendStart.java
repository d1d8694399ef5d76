package org.nodulab.nn;

/**
 * A backend's one start (loading its native libraries), from whichever thread comes first: a command's own or the
 * thread {@link ComputeBackend#prepareInBackground} started. Later callers wait for it and return at once once it
 * succeeded; a failed start is remembered and reported again, the same, to every later caller, because a second
 * try of half-loaded libraries would fail with a less telling error (ND4J's "could not initialize class").
 */
public final class BackendStart {

	/** What the start does. */
	@FunctionalInterface
	public interface Work {
		void run() throws BackendException;
	}

	private final Work work;
	private boolean started;
	private BackendException failure;

	public BackendStart(Work work) {
		this.work = work;
	}

	/** Runs the start once; afterwards returns, or throws the first failure again. */
	public synchronized void run() throws BackendException {
		if (started) {
			return;
		}
		if (failure != null) {
			throw new BackendException(failure.getMessage(), failure);
		}
		try {
			work.run();
		} catch (BackendException e) {
			failure = e;
			throw e;
		}
		started = true;
	}
}
