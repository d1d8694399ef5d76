package org.nodulab.test.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.Batch;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.Tensor;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.Transfer;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Shape;

/**
 * Checks any architecture passes on any compute backend, so that an architecture's test bundle and the
 * backends' tests share them: one training step of every installed architecture's defaults (found
 * through the registry), and learning a small task, saving, loading and transferring weights.
 */
public final class ArchitectureChecks {

	private ArchitectureChecks() {
	}

	/** Adam at a learning rate that learns the sphere task in 80 steps. */
	public static TrainingSettings adam() {
		TrainingSettings t = new TrainingSettings();
		t.learningRate = 0.003;
		return t;
	}

	/** A seeded batch of Gaussian noise for the graph's inputs, labels alternating 1 and 0. */
	public static Batch noise(NetworkGraph graph, int n, long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		List<float[]> inputs = new ArrayList<>();
		for (Shape s : graph.inputShapes()) {
			float[] data = new float[(int) (n * s.size())];
			for (int i = 0; i < data.length; i++) {
				data[i] = (float) (0.3 * random.nextGaussian());
			}
			inputs.add(data);
		}
		float[] labels = new float[n];
		for (int i = 0; i < n; i++) {
			labels[i] = i % 2 == 0 ? 1f : 0f;
		}
		return new Batch(n, inputs, labels);
	}

	/**
	 * Every architecture the registry has, with its default settings, on {@code backend}: the network is
	 * created with the graph's parameter count, one training step gives a finite loss and changes the
	 * parameters and the predictions (probabilities), and the saved network loads with identical
	 * predictions. Returns one line per architecture (parameters and time).
	 */
	public static List<String> oneStepOfEveryInstalledArchitecture(ComputeBackend backend, ArchitectureRegistry registry)
			throws Exception {
		List<ContributionDescriptor> installed = registry.descriptors();
		assertFalse(installed.isEmpty(), "no architecture is installed");
		List<String> report = new ArrayList<>();
		for (ContributionDescriptor d : installed) {
			String id = d.id();
			long start = System.nanoTime();
			NetworkGraph graph = registry.build(id, null);
			Batch batch = noise(graph, 2, 3);
			try (TrainableNetwork net = backend.create(graph, adam(), 11)) {
				String what = id + " (" + d.contributor() + ") on " + backend.id();
				// a backend may count batch norms' running statistics with the parameters (DL4J does)
				assertTrue(net.parameterCount() == graph.parameterCount() || net.parameterCount() == graph.parameterCount() + graph.stateCount(),
						what + ": the network has " + net.parameterCount() + " parameters, the graph " + graph.parameterCount()
								+ " trainable and " + graph.stateCount() + " running statistics");
				Map<String, Tensor> before = new LinkedHashMap<>(net.parameters());
				float[] p0 = net.predict(batch);
				net.reseed(5);
				double loss = net.fit(batch);
				assertTrue(Double.isFinite(loss) && loss > 0, what + ": loss " + loss);
				Map<String, Tensor> after = net.parameters();
				assertEquals(before.keySet(), after.keySet(), what);
				long changed = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).count();
				assertTrue(changed > 0, what + ": one step changed no parameter");
				float[] p1 = net.predict(batch);
				assertEquals(batch.size(), p1.length, what + ": one probability per sample");
				for (float p : p1) {
					assertTrue(p >= 0 && p <= 1, what + ": probability " + p);
				}
				assertFalse(java.util.Arrays.equals(p0, p1), what + ": the step changed no prediction");
				ByteArrayOutputStream saved = new ByteArrayOutputStream();
				net.save(saved);
				try (TrainableNetwork loaded = backend.load(graph, adam(), new ByteArrayInputStream(saved.toByteArray()))) {
					assertArrayEquals(p1, loaded.predict(batch), what + ": same predictions after save and load");
				}
				report.add(String.format(Locale.ROOT, "%s: %,d parameters (%d of %d arrays changed by one step), loss %.3f, %.1f s", what,
						graph.parameterCount(), changed, before.size(), loss, (System.nanoTime() - start) / 1e9));
			}
		}
		return report;
	}

	/**
	 * A small configuration of an architecture ({@code graphForSide}: the network for a cube patch of that
	 * side) on {@code backend}: the loss on the sphere task falls by 30% in 80 steps; the saved network
	 * loads with the same predictions and the same optimiser state (one more step on each, with the same
	 * seed, agrees); its weights transfer completely to the same network for 20^3 patches.
	 */
	public static String learnsSavesLoadsAndTransfers(ComputeBackend backend, String name, IntFunction<NetworkGraph> graphForSide)
			throws Exception {
		String what = name + " on " + backend.id();
		NetworkGraph graph = graphForSide.apply(16);
		SphereTask task = new SphereTask(16, 31);
		try (TrainableNetwork net = backend.create(graph, adam(), 17)) {
			List<Double> losses = new ArrayList<>();
			long start = System.nanoTime();
			for (int step = 0; step < 80; step++) {
				losses.add(net.fit(task.batch(8)));
			}
			double first = losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
			double last = losses.subList(72, 80).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
			String line = String.format(Locale.ROOT, "%s: %,d parameters, loss %.3f -> %.3f in %.1f s", what, graph.parameterCount(),
					first, last, (System.nanoTime() - start) / 1e9);
			assertTrue(last < 0.7 * first, what + ": loss should fall: " + first + " -> " + last + " " + losses);

			ByteArrayOutputStream saved = new ByteArrayOutputStream();
			net.save(saved);
			Batch probe = new SphereTask(16, 5).batch(6);
			try (TrainableNetwork loaded = backend.load(graph, adam(), new ByteArrayInputStream(saved.toByteArray()))) {
				assertArrayEquals(net.predict(probe), loaded.predict(probe), what + ": same predictions after save and load");
				Batch next = task.batch(8);
				net.reseed(77);
				net.fit(next);
				loaded.reseed(77);
				loaded.fit(next);
				float[] a = net.predict(probe);
				float[] b = loaded.predict(probe);
				for (int i = 0; i < a.length; i++) {
					assertEquals(a[i], b[i], 1e-5, what + ": the optimiser state was saved too");
				}
			}

			NetworkGraph larger = graphForSide.apply(20);
			assertNotEquals(graph.inputShapes(), larger.inputShapes());
			try (TrainableNetwork target = backend.create(larger, adam(), 99)) {
				Transfer.Report r = Transfer.copy(net, target);
				assertTrue(r.kept().isEmpty(), what + ": every array fits the 20^3 network: " + r);
				assertEquals(net.parameters().keySet(), target.parameters().keySet());
				assertEquals(net.parameters(), target.parameters());
			}
			return line;
		}
	}

	/**
	 * The architectures {@code bundle} contributes are exactly those of {@code defaultParameters}, and each
	 * builds from its default settings into a network with that many trainable parameters, one output, and
	 * one cube input patch of {@code defaultCubeSide} voxels a side.
	 */
	public static void assertContributes(ArchitectureRegistry registry, String bundle, Map<String, Long> defaultParameters,
			java.util.function.ToIntFunction<String> defaultCubeSide) throws Exception {
		List<String> ids = registry.descriptors().stream().filter(d -> d.contributor().equals(bundle))
				.map(ContributionDescriptor::id).sorted().toList();
		assertEquals(defaultParameters.keySet().stream().sorted().toList(), ids, "the architectures " + bundle + " contributes");
		Map<String, Long> actual = new LinkedHashMap<>();
		for (String id : defaultParameters.keySet()) {
			NetworkGraph net = registry.build(id, null);
			actual.put(id, net.parameterCount());
			assertEquals(Shape.features(1), net.output().shape(), id);
			int side = defaultCubeSide.applyAsInt(id);
			assertEquals(List.of(Shape.volume(1, side, side, side)), net.inputShapes(), id + ": the default input patch");
		}
		System.out.println(bundle + ": default parameter counts " + actual);
		assertEquals(defaultParameters, actual);
	}

	/**
	 * The compute backends installed in the test runtime that train, which must include DL4J and libtorch (an
	 * inference-only backend such as onnxruntime is left out).
	 */
	public static List<ComputeBackend> bothBackends(List<ComputeBackend> installed) {
		List<String> ids = installed.stream().map(ComputeBackend::id).sorted().toList();
		assertTrue(ids.containsAll(List.of("dl4j", "libtorch")), "both compute backends are installed: " + ids);
		return installed.stream().filter(ComputeBackend::trains).toList();
	}

	/** Each small configuration learns, saves, loads and transfers on each of the installed backends (DL4J and libtorch at least). */
	public static void smallConfigurationsLearnOnEveryBackend(List<ComputeBackend> installed,
			Map<String, IntFunction<NetworkGraph>> small) throws Exception {
		List<String> report = new ArrayList<>();
		for (ComputeBackend backend : bothBackends(installed)) {
			for (Map.Entry<String, IntFunction<NetworkGraph>> e : small.entrySet()) {
				report.add(learnsSavesLoadsAndTransfers(backend, e.getKey(), e.getValue()));
			}
		}
		report.forEach(System.out::println);
	}

	/** The node of that name (an assertion error naming the network when there is none). */
	public static org.nodulab.nn.graph.Node node(NetworkGraph net, String name) {
		return net.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
				.orElseThrow(() -> new AssertionError("no node " + name + " in " + net.name()));
	}

	/** How many nodes of the network compute an operation of this kind. */
	public static long count(NetworkGraph net, java.util.function.Predicate<org.nodulab.nn.graph.Op> kind) {
		return net.nodes().stream().filter(n -> kind.test(n.op())).count();
	}

	/** Settings for a small test network: one cube patch of {@code side} voxels, light dropout. */
	public static <S extends org.nodulab.nn.arch.NetworkSettings> S smallPatch(S s, int side) {
		s.branches = new ArrayList<>(List.of(org.nodulab.nn.arch.PatchInput.cube(side)));
		s.dropout = 0.1;
		return s;
	}
}
