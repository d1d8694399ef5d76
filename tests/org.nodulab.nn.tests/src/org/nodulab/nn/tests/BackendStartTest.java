package org.nodulab.nn.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.BackendStart;

/** A backend starts once, whichever threads ask; a failed start is reported again, the same, and not retried. */
class BackendStartTest {

	@Test
	void startsOnceWhateverThreadsAsk() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		BackendStart start = new BackendStart(() -> {
			runs.incrementAndGet();
			try {
				Thread.sleep(50);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		});
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			threads.add(Thread.ofPlatform().start(() -> {
				try {
					start.run();
				} catch (BackendException e) {
					throw new IllegalStateException(e);
				}
			}));
		}
		for (Thread t : threads) {
			t.join();
		}
		start.run();
		assertEquals(1, runs.get());
	}

	@Test
	void aFailedStartIsReportedAgainWithoutASecondTry() {
		AtomicInteger runs = new AtomicInteger();
		BackendException first = new BackendException("libtorch backend: the native libraries could not be loaded: no libtorch_cpu.so");
		BackendStart start = new BackendStart(() -> {
			if (runs.incrementAndGet() > 1) {
				throw new BackendException("a second try: could not initialize class");
			}
			throw first;
		});
		assertSame(first, assertThrows(BackendException.class, start::run));
		BackendException again = assertThrows(BackendException.class, start::run);
		assertEquals(first.getMessage(), again.getMessage());
		assertSame(first, again.getCause());
		assertEquals(1, runs.get());
	}
}
