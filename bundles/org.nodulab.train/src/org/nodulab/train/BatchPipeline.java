package org.nodulab.train;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.nodulab.nn.Batch;

/**
 * Builds the batches of an epoch ahead of the trainer on worker threads, at most {@code prefetch}
 * batches in memory, and hands them out in order. Batches are pure functions of their position, so
 * the order of work on the threads changes nothing.
 */
public final class BatchPipeline implements AutoCloseable {

	/** Builds batch {@code index}. */
	@FunctionalInterface
	public interface Producer {
		Batch batch(int index) throws Exception;
	}

	private final ExecutorService pool;
	private final Producer producer;
	private final int end;
	private final int prefetch;
	private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
	private int submitted;

	/**
	 * @param from first batch index
	 * @param end one past the last batch index
	 */
	public BatchPipeline(Producer producer, int from, int end, int workers, int prefetch) {
		AtomicInteger n = new AtomicInteger();
		this.pool = Executors.newFixedThreadPool(workers, r -> {
			Thread t = new Thread(r, "nodulab-batches-" + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
		this.producer = producer;
		this.end = end;
		this.prefetch = Math.max(1, prefetch);
		this.submitted = from;
		fill();
	}

	private void fill() {
		while (ahead.size() < prefetch && submitted < end) {
			int index = submitted++;
			ahead.add(pool.submit(() -> producer.batch(index)));
		}
	}

	public boolean hasNext() {
		return !ahead.isEmpty();
	}

	/** The next batch in order, waiting for it if needed. */
	public Batch next() throws Exception {
		Future<Batch> f = ahead.poll();
		if (f == null) {
			throw new java.util.NoSuchElementException("no batches left");
		}
		fill();
		try {
			return f.get();
		} catch (ExecutionException e) {
			Throwable cause = e.getCause();
			if (cause instanceof Exception ex) {
				throw ex;
			}
			throw e;
		}
	}

	@Override
	public void close() {
		ahead.forEach(f -> f.cancel(true));
		pool.shutdownNow();
	}
}
