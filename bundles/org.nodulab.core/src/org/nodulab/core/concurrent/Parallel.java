package org.nodulab.core.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Splits index ranges over the cores, for the voxel loops of preprocessing and phantom generation. */
public final class Parallel {

	/** Work on the indices {@code [from, to)}. */
	@FunctionalInterface
	public interface Range {
		void run(int from, int to);
	}

	private Parallel() {
	}

	/** Runs {@code work} over [0, n) in one contiguous range per core, on a pool made for the call. */
	public static void ranges(int n, Range work) {
		ranges(n, null, work);
	}

	/**
	 * Runs {@code work} over [0, n) in one contiguous range per core and waits for all of them.
	 *
	 * @param pool the threads to use, or null for a pool made (and shut down) for this call
	 * @throws IllegalStateException carrying a failure of any range
	 */
	public static void ranges(int n, ExecutorService pool, Range work) {
		int parts = Math.min(n, Runtime.getRuntime().availableProcessors());
		if (parts <= 1) {
			work.run(0, n);
			return;
		}
		ExecutorService executor = pool != null ? pool : Executors.newFixedThreadPool(parts);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < parts; t++) {
				int from = (int) ((long) n * t / parts);
				int to = (int) ((long) n * (t + 1) / parts);
				futures.add(executor.submit(() -> work.run(from, to)));
			}
			for (Future<?> f : futures) {
				f.get();
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", e);
		} catch (ExecutionException e) {
			throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
		} finally {
			if (pool == null) {
				executor.shutdown();
			}
		}
	}
}
