package org.nodulab.nn.backend.dl4j.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.backend.dl4j.NativeGarbage;
import org.nodulab.test.support.Osgi;

/**
 * ND4J arrays that nothing references keep their off-heap memory until the JVM collects them; {@link NativeGarbage}
 * collects once the process has grown by its budget, and the memory comes back.
 */
class NativeGarbageTest {

	private static final long MB = 1 << 20;

	/** JavaCPP and ND4J only after the backend has started: it chooses where JavaCPP extracts its libraries. */
	@BeforeAll
	static void startTheBackend() throws Exception {
		Osgi.service(ComputeBackend.class).prepare();
	}

	@Test
	void growthBeyondTheBudgetIsCollectedAndTheMemoryComesBack() throws Exception {
		NativeGarbage garbage = new NativeGarbage(64 * MB);
		System.gc();
		assertFalse(garbage.collectIfGrown(), "the first call only records where the process stands");
		assertFalse(garbage.collectIfGrown(), "no growth, no collection");
		long before = Pointer.physicalBytes();
		for (int i = 0; i < 4; i++) {
			INDArray a = Nd4j.zeros(DataType.FLOAT, 16 << 20); // 64 MB each, written (zeros), then unreachable
			a.addi(1);
		}
		long grown = Pointer.physicalBytes();
		assertTrue(grown - before > 128 * MB, "the arrays are resident: " + (grown - before) / MB + " MB");
		long collections = collections();
		assertTrue(garbage.collectIfGrown(), "grew by more than 64 MB");
		assertTrue(collections() > collections, "a collection ran");
		long deadline = System.nanoTime() + 10_000_000_000L; // ND4J frees on its deallocator thread
		while (Pointer.physicalBytes() > grown - 128 * MB && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		long after = Pointer.physicalBytes();
		assertTrue(after <= grown - 128 * MB, "the arrays' memory came back: " + grown / MB + " MB -> " + after / MB + " MB");
		assertFalse(garbage.collectIfGrown(), "below the last collection's level: nothing to do");
	}

	@Test
	void aBudgetMustBePositive() {
		assertThrows(IllegalArgumentException.class, () -> new NativeGarbage(0));
	}

	private static long collections() {
		long n = 0;
		for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
			n += Math.max(0, b.getCollectionCount());
		}
		return n;
	}
}
