package org.nodulab.nn.backend.dl4j;

import java.lang.reflect.Method;

import org.bytedeco.javacpp.Pointer;

/**
 * ND4J frees an array's off-heap memory only when the JVM collects the array's Java object, and a DL4J training step
 * leaves hundreds of MB of such arrays behind while allocating little on the Java heap, so collections are rare: the
 * process grew by about 260 MB a step (the reference DenseNet, batch 16) until JavaCPP's physical-memory cap
 * ({@code NODULAB_MAXRSS}) forced one, and its peak was that cap (6.2 GB). After each training step and each
 * prediction the DL4J network asks {@link #PROCESS} to collect once the process's resident memory has grown by its
 * budget since the last collection (a few collections of 30-50 ms a minute), and at the next call asks glibc to
 * return the freed blocks to the system (docs/performance.md).
 */
public final class NativeGarbage {

	/**
	 * The process's: a budget of {@code nodulab.dl4j.gcBudget} MB (default 128; the reference DenseNet's peak fell
	 * from 6.0-6.3 GiB to 3.0-3.4 GiB with 128 and the trim, and to 3.0-3.2 GiB with 32).
	 */
	public static final NativeGarbage PROCESS = new NativeGarbage(Long.getLong("nodulab.dl4j.gcBudget", 128) << 20);

	private final long budget;
	private long afterCollection = -1;
	private boolean trimPending;

	/** JavaCPP's malloc_trim(0) (not public in JavaCPP 1.5.7); null where this JavaCPP has none. */
	private static final Method TRIM = trimMethod();

	private static Method trimMethod() {
		try {
			Method m = Pointer.class.getDeclaredMethod("trimMemory");
			m.setAccessible(true);
			return m;
		} catch (ReflectiveOperationException | RuntimeException e) {
			return null; // only slower to give memory back
		}
	}

	private static void trim() {
		if (TRIM != null) {
			try {
				TRIM.invoke(null);
			} catch (ReflectiveOperationException e) {
				// as without it
			}
		}
	}

	/** @param budget bytes of growth in resident memory after which {@link #collectIfGrown()} collects */
	public NativeGarbage(long budget) {
		if (budget <= 0) {
			throw new IllegalArgumentException("budget must be positive, got " + budget);
		}
		this.budget = budget;
	}

	/**
	 * Collects (System.gc(), which makes ND4J free the off-heap memory of unreachable arrays) when the resident
	 * memory has grown by more than the budget since the last collection or the first call; true when it did.
	 */
	public synchronized boolean collectIfGrown() {
		if (trimPending) {
			// ND4J has freed the collected arrays on its deallocator thread by now; glibc keeps freed blocks in its
			// heap until asked to give them back
			trim();
			trimPending = false;
			afterCollection = -1; // the level after the trim is the new baseline
		}
		long now = Pointer.physicalBytes();
		if (afterCollection < 0 || now < afterCollection) {
			afterCollection = now;
			return false;
		}
		if (now - afterCollection <= budget) {
			return false;
		}
		System.gc();
		afterCollection = Pointer.physicalBytes();
		trimPending = true;
		return true;
	}
}
