package org.nodulab.nn.backend.libtorch.tests;

import static org.bytedeco.pytorch.global.torch.conv3d;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.junit.jupiter.api.Test;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.NativeLibraries;
import org.nodulab.nn.backend.libtorch.TorchRuntime;
import org.nodulab.test.support.Osgi;

/**
 * libtorch (JavaCPP 1.5.13) and DL4J (JavaCPP 1.5.7) in one OSGi runtime: each bundle keeps its JavaCPP,
 * both compute, in either order.
 */
class TorchInOsgiTest {

	@Test
	void libtorchComputesBesideDl4jEachWithItsOwnJavaCpp() throws Exception {
		ComputeBackend dl4j = Osgi.service(ComputeBackend.class);
		assertEquals("dl4j", dl4j.id());
		Map<String, String> dl4jFacts = dl4j.describe(); // starts ND4J first

		TorchRuntime.start();
		Map<String, String> torchFacts = TorchRuntime.describe();
		// the CPU build (the default) says so without loading libtorch, and agrees with what the loaded libtorch lists
		ComputeBackend torch = Osgi.services(ComputeBackend.class).stream().filter(b -> b.id().equals("libtorch")).findFirst().orElseThrow();
		assertEquals(torchFacts.get("build").endsWith("(CPU)"), torch.cpuOnly(), torchFacts.toString());
		assertEquals(torch.cpuOnly(), torch.devices().stream().allMatch(d -> d.startsWith("cpu")), torch.devices().toString());
		assertEquals("1.5.13", torchFacts.get("javacpp"), torchFacts.toString());
		assertTrue(torchFacts.get("libtorch").startsWith("2.10.0"), torchFacts.toString());
		assertTrue(org.bytedeco.javacpp.Loader.class.getClassLoader() != dl4j.getClass().getClassLoader(), "two JavaCPPs");

		manual_seed(1);
		Tensor x = randn(2, 1, 12, 12, 12);
		Tensor w = randn(4, 1, 3, 3, 3);
		w.requires_grad_(true);
		Tensor y = conv3d(x, w, new TensorOptional(), new long[] { 1, 1, 1 }, "same", new long[] { 2, 2, 2 }, 1);
		Tensor s = y.sum();
		s.backward();
		assertEquals("[2, 4, 12, 12, 12]", Arrays.toString(y.sizes().vec().get()));
		assertTrue(w.grad().abs().sum().item_float() > 0, "a gradient");

		// and DL4J still computes afterwards
		assertEquals(dl4jFacts.get("backend"), dl4j.describe().get("backend"));
	}

	/**
	 * Commands load libtorch on a thread of their own while they read their inputs
	 * ({@link ComputeBackend#prepareInBackground}); the threads that then compute, which never started it, still
	 * compute on the configured number of threads (libtorch applies it to each thread when it first computes), and
	 * their results do not depend on which thread loaded it.
	 */
	@Test
	void aBackendPreparedOnAnotherThreadComputesWithTheConfiguredThreadsOnEveryThread() throws Exception {
		ComputeBackend torch = Osgi.services(ComputeBackend.class).stream().filter(b -> b.id().equals("libtorch")).findFirst().orElseThrow();
		Thread loader = new Thread(() -> {
			try {
				torch.prepare();
			} catch (Exception e) {
				throw new IllegalStateException(e);
			}
		}, "loads libtorch");
		loader.start();
		loader.join();
		int configured = Integer.parseInt(System.getProperty("nodulab.torch.threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
		int[] seen = new int[1];
		float[][] outputs = new float[2][];
		Thread computer = new Thread(() -> {
			seen[0] = org.bytedeco.pytorch.global.torch.get_num_threads();
			outputs[0] = convolution();
		}, "computes");
		computer.start();
		computer.join();
		assertEquals(configured, seen[0], "threads of a thread that did not load libtorch");
		outputs[1] = convolution();
		assertEquals(configured, org.bytedeco.pytorch.global.torch.get_num_threads(), "threads of the test's thread");
		assertEquals(2 * 8 * 16 * 16 * 16, outputs[0].length);
		assertTrue(Arrays.equals(outputs[0], outputs[1]), "the same bits on either thread");
	}

	private static float[] convolution() {
		manual_seed(7);
		Tensor x = randn(2, 3, 16, 16, 16);
		Tensor w = randn(8, 3, 3, 3, 3);
		Tensor y = conv3d(x, w, new TensorOptional(), new long[] { 1, 1, 1 }, "same", new long[] { 1, 1, 1 }, 1);
		Tensor c = y.contiguous();
		float[] out = new float[(int) c.numel()];
		c.data_ptr_float().get(out, 0, out.length);
		return out;
	}

	/**
	 * Both backends time the machine's peak through their own library: a plausible figure for this machine's
	 * cores (a product not computed, or timed wrongly, gives an absurd one: above 1,000 GFLOP/s per core).
	 */
	@Test
	void bothBackendsTimeThePeakOfAMatrixProduct() throws Exception {
		int cores = Runtime.getRuntime().availableProcessors();
		for (ComputeBackend backend : Osgi.services(ComputeBackend.class)) {
			double g = backend.peakGflops(512, 0.5);
			assertTrue(g > 0.5 && g < 1000.0 * cores, backend.id() + ": " + g + " GFLOP/s on " + cores + " cores");
		}
		assertEquals(2, Osgi.services(ComputeBackend.class).size());
	}

	/**
	 * The fresh-machine case: this JVM started with an empty JavaCPP cache and decoys named like libtorch's, libc10's,
	 * libgomp's and OpenBLAS's on LD_LIBRARY_PATH (the pom); a decoy that got loaded would have ended it with exit
	 * code 97. Each JavaCPP extracted into its own folder, and every library of the families the backends ship was
	 * mapped from there.
	 */
	@Test
	void eachJavaCppLoadsItsOwnLibrariesFromItsOwnFolder() throws Exception {
		String decoys = System.getProperty("nodulab.test.decoys");
		assertTrue(decoys != null && Files.isRegularFile(Path.of(decoys, "libtorch_cpu.so")), "the decoy libraries were built: " + decoys);
		assertTrue(String.valueOf(System.getenv("LD_LIBRARY_PATH")).contains(decoys), "the decoys are on LD_LIBRARY_PATH");

		Osgi.service(ComputeBackend.class).describe(); // DL4J (whichever test ran first)
		TorchRuntime.start();

		Path own13 = NativeLibraries.cacheFor("1.5.13").toRealPath();
		Path own7 = NativeLibraries.cacheFor("1.5.7").toRealPath();
		List<Path> mapped = new ArrayList<>();
		for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
			int slash = line.indexOf('/');
			if (slash >= 0) {
				Path p = Path.of(line.substring(slash));
				if (!mapped.contains(p)) {
					mapped.add(p);
				}
			}
		}
		assertEquals(List.of(), NativeLibraries.foreign(), "libraries from outside the JavaCPP cache");
		assertEquals(Stream.of(own7.resolve("linux-x86_64/libjnijavacpp.so"), own13.resolve("linux-x86_64/libjnijavacpp.so")).sorted().toList(),
				named(mapped, "libjnijavacpp.so").stream().sorted().toList(), "one JNI library per JavaCPP, each from its own folder");
		for (String name : List.of("libtorch_cpu.so", "libc10.so", "libtorch.so", "libjnitorch.so")) {
			assertEquals(List.of(own13.resolve("linux-x86_64/" + name)), named(mapped, name), name);
		}
		assertTrue(named(mapped, "libnd4jcpu.so").stream().allMatch(p -> p.startsWith(own7)), "ND4J from DL4J's folder");
		assertTrue(named(mapped, "libopenblas.so.0").stream().allMatch(p -> p.startsWith(own7) || p.startsWith(own13)), "OpenBLAS");
		// no file of one JavaCPP's folder is in the other's: nothing depends on which backend extracted first
		try (Stream<Path> files = Files.walk(NativeLibraries.baseCache(), 1)) {
			assertEquals(List.of("javacpp-1.5.13", "javacpp-1.5.7"),
					files.filter(f -> !f.equals(NativeLibraries.baseCache())).map(f -> f.getFileName().toString()).filter(n -> !n.startsWith("."))
							.sorted().toList(), "the cache holds one folder per JavaCPP version and nothing else");
		}
	}

	private static List<Path> named(List<Path> mapped, String name) {
		return mapped.stream().filter(p -> p.getFileName().toString().equals(name)).toList();
	}
}
