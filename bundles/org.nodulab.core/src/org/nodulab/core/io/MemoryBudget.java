package org.nodulab.core.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks what a file's header claims against the heap this JVM can still give, before anything is allocated: a
 * header is not a promise (a 1 MB zlib stream may claim a gibibyte, a DICOM header 65535 x 65535 pixels). A claim
 * that does not fit is refused with the file, the claimed size and the limit ({@link TooLargeException}); the JVM
 * never dies of it. The limit is the maximum heap less what is in use (after one collection, when the first look
 * says no) and a reserve for the work around the allocation.
 */
public final class MemoryBudget {

	/** Kept free for everything else the process does while it holds the allocation. */
	static final long RESERVE = 64L << 20;

	private MemoryBudget() {
	}

	/** A claim that does not fit into this JVM's heap. */
	public static final class TooLargeException extends IOException {
		private static final long serialVersionUID = 1L;
		private final long claimed;
		private final long limit;

		TooLargeException(Path file, String what, long claimed, long limit) {
			super(file + ": " + what + " needs " + human(claimed) + " (" + claimed + " bytes), more than this JVM can allocate now ("
					+ human(limit) + " of a " + human(Runtime.getRuntime().maxMemory())
					+ " heap; NODULAB_HEAP / -Xmx sets it): refused before allocating");
			this.claimed = claimed;
			this.limit = limit;
		}

		public long claimed() {
			return claimed;
		}

		public long limit() {
			return limit;
		}
	}

	/** Bytes this JVM can allocate now, less the reserve. */
	public static long available() {
		Runtime r = Runtime.getRuntime();
		return Math.max(0, r.maxMemory() - (r.totalMemory() - r.freeMemory()) - RESERVE);
	}

	/**
	 * Refuses a claim of {@code bytes} (already checked for overflow by the caller, or negative for "more than a long
	 * holds") that this JVM cannot give.
	 *
	 * @param what what the bytes are for, e.g. "512x512x300 MET_SHORT voxels"
	 */
	public static void require(Path file, String what, long bytes) throws TooLargeException {
		if (bytes < 0) {
			throw new TooLargeException(file, what, Long.MAX_VALUE, available());
		}
		if (bytes <= available()) {
			return;
		}
		System.gc(); // garbage counts as used until it is collected
		long limit = available();
		if (bytes > limit) {
			throw new TooLargeException(file, what, bytes, limit);
		}
	}

	/** {@code a * b}, or -1 when it does not fit a long (an overflowing claim is refused as too large). */
	public static long times(long a, long... more) {
		long product = a;
		try {
			for (long b : more) {
				product = Math.multiplyExact(product, b);
			}
		} catch (ArithmeticException e) {
			return -1;
		}
		return product < 0 ? -1 : product;
	}

	static String human(long bytes) {
		if (bytes >= 1L << 30) {
			return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
		}
		if (bytes >= 1L << 20) {
			return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
		}
		return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
	}
}
