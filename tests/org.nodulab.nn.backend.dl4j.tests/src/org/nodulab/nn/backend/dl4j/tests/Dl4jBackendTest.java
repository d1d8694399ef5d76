package org.nodulab.nn.backend.dl4j.tests;

import org.nodulab.test.architectures.SphereTask;
import org.nodulab.test.support.Osgi;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.Batch;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.vgg.VggArchitecture;
import org.nodulab.nn.arch.vgg.VggSettings;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;

/** ND4J/DL4J inside OSGi: the backend finds its native fragment and a 3D CNN learns. */
class Dl4jBackendTest {

	private final ComputeBackend backend = Osgi.service(ComputeBackend.class);

	private static NetworkGraph smallVgg() {
		VggSettings s = new VggSettings();
		s.branches = List.of(new PatchInput(16, 16, 16));
		s.filters = List.of(8, 16);
		s.convsPerStage = 1;
		s.poolings = 2;
		s.denseUnits = 16;
		s.dropout = 0.2;
		return new VggArchitecture().build(s);
	}

	private static TrainingSettings adam(double lr) {
		TrainingSettings t = new TrainingSettings();
		t.learningRate = lr;
		return t;
	}

	@Test
	void theCpuBackendIsLoadedFromTheNativeFragment() throws Exception {
		assertEquals("dl4j", backend.id());
		Map<String, String> facts = backend.describe();
		assertEquals("org.nd4j.linalg.cpu.nativecpu.CpuBackend", facts.get("nd4j backend"));
		assertTrue(facts.get("native bundle").startsWith("org.nodulab.dl4j.natives"), facts.toString());
		assertTrue(backend.devices().get(0).startsWith("cpu"), backend.devices().toString());
		// the CPU build says so without loading ND4J (the job queue's device list), and agrees with what ND4J lists
		assertTrue(backend.cpuOnly(), "the default build is ND4J's CPU backend");
		assertTrue(backend.devices().stream().allMatch(d -> d.startsWith("cpu")), backend.devices().toString());
		assertEquals("3072 MiB", facts.get("javacpp maxbytes"), "the test JVM must run with the DL4J memory caps");
	}

	/**
	 * ND4J is never loaded on a thread of its own beside the command's: its start calls dlclose inside a
	 * dl_iterate_phdr callback (JavaCPP's Loader.addressof), which hangs the process when another thread is in dlopen.
	 */
	@Test
	void nd4jIsNotLoadedOnABackgroundThread() throws Exception {
		// the backend as the commands see it, noting which thread prepares it
		java.util.List<String> preparedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
		org.nodulab.nn.ComputeBackend noted = (org.nodulab.nn.ComputeBackend) java.lang.reflect.Proxy.newProxyInstance(
				getClass().getClassLoader(), new Class<?>[] { org.nodulab.nn.ComputeBackend.class }, (proxy, method, args) -> {
					if (method.getName().equals("prepare")) {
						preparedOn.add(Thread.currentThread().getName());
					}
					try {
						return method.invoke(backend, args);
					} catch (java.lang.reflect.InvocationTargetException e) {
						throw e.getCause();
					}
				});
		org.nodulab.nn.ComputeBackend.prepareInBackground(noted);
		Thread.sleep(1000); // a thread of its own would have called prepare() by now
		assertEquals(java.util.List.of(), preparedOn, "no thread of its own for ND4J's loading");
		noted.prepare(); // on the calling thread, as the first network would
		assertEquals(java.util.List.of(Thread.currentThread().getName()), preparedOn);
		assertTrue(backend.devices().get(0).startsWith("cpu"));
	}

	@Test
	void aSmallConvolution3dNetworkLearnsBrightSpheres() throws Exception {
		NetworkGraph graph = smallVgg();
		SphereTask task = new SphereTask(16, 1234);
		try (TrainableNetwork net = backend.create(graph, adam(0.003), 42)) {
			assertEquals(graph.parameterCount(), net.parameterCount());
			List<Double> losses = new ArrayList<>();
			int steps = 200;
			for (int step = 0; step < steps; step++) {
				losses.add(net.fit(task.batch(16)));
			}
			double first = losses.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
			double last = losses.subList(steps - 10, steps).stream().mapToDouble(Double::doubleValue).average()
					.orElseThrow();
			System.out.printf("sphere task: loss %.3f -> %.3f over %d steps%n", first, last, steps);
			assertTrue(last < 0.5 * first, "loss should fall: first " + first + ", last " + last + ", all " + losses);

			Batch test = new SphereTask(16, 99).batch(64);
			float[] p = net.predict(test);
			int correct = 0;
			for (int i = 0; i < p.length; i++) {
				assertTrue(p[i] >= 0 && p[i] <= 1);
				correct += (p[i] >= 0.5f) == (test.labels()[i] == 1f) ? 1 : 0;
			}
			System.out.println("sphere task: held-out accuracy " + correct + "/64");
			assertTrue(correct >= 58, "accuracy on held-out samples: " + correct + "/64");
		}
	}

	@Test
	void theSameSeedGivesTheSameNetworkAndTheSameTraining() throws Exception {
		NetworkGraph graph = smallVgg();
		float[][] predictions = new float[2][];
		double[][] losses = new double[2][3];
		for (int run = 0; run < 2; run++) {
			SphereTask task = new SphereTask(16, 7);
			try (TrainableNetwork net = backend.create(graph, adam(0.001), 2024)) {
				for (int step = 0; step < 3; step++) {
					losses[run][step] = net.fit(task.batch(8));
				}
				predictions[run] = net.predict(new SphereTask(16, 8).batch(8));
			}
		}
		assertArrayEquals(losses[0], losses[1]);
		assertArrayEquals(predictions[0], predictions[1]);
	}

	@Test
	void parameterCountsMatchTheGraphForMultiBranchSoftmaxNetworks() throws Exception {
		VggSettings s = new VggSettings();
		s.branches = List.of(new PatchInput(26, 40, 40), new PatchInput(10, 30, 30), new PatchInput(6, 20, 20));
		s.filters = List.of(8, 16);
		s.poolings = 2;
		s.head = VggSettings.Head.FLATTEN;
		s.output = Op.Classifier.Output.SOFTMAX;
		NetworkGraph graph = new VggArchitecture().build(s);
		try (TrainableNetwork net = backend.create(graph, adam(0.001), 1)) {
			assertEquals(graph.parameterCount(), net.parameterCount());
			Batch batch = new Batch(2, List.of(new float[2 * 26 * 40 * 40], new float[2 * 10 * 30 * 30],
					new float[2 * 6 * 20 * 20]), new float[] { 1, 0 });
			double loss = net.fit(batch);
			assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
			float[] p = net.predict(batch);
			assertEquals(2, p.length);
		}
	}

	@Test
	void theLearningRateDecaysPerEpoch() throws Exception {
		TrainingSettings t = adam(0.001);
		t.lrDecay = 0.9;
		try (TrainableNetwork net = backend.create(smallVgg(), t, 3)) {
			assertEquals(0, net.epoch());
			net.endEpoch();
			net.endEpoch();
			assertEquals(2, net.epoch());
			assertEquals(0.001 * 0.81, net.learningRate(), 1e-12);
		}
	}

	/** A residual block, squeeze-excitation and a centre-crop path: the stock DL4J pieces the compiler uses. */
	private static NetworkGraph residualSeCrop() {
		GraphBuilder g = new GraphBuilder("res-se-crop");
		Node in = g.input("in", 1, 16, 16, 16);
		Node a = g.relu("a_relu", g.conv3d("a", in, 8, 3));
		Node b = g.conv3d("b", g.relu("b1_relu", g.conv3d("b1", a, 8, 3)), 8, 3);
		Node sum = g.relu("sum_relu", g.add("sum", a, b));
		Node excite = g.activation("se_sigmoid", g.dense("se_up", g.relu("se_relu", g.dense("se_down",
				g.globalAveragePool("se_gap", sum), 4)), 8), Op.Activation.Function.SIGMOID);
		Node scaled = g.channelScale("se_scale", sum, excite);
		Node centre = g.globalMaxPool("centre_gmp", g.centerCrop("centre", scaled, new int[] { 6, 6, 6 }));
		Node down = g.globalAveragePool("down_gap", g.relu("down_relu", g.conv3d("down", g.maxPool("pool", scaled, 2), 16, 3)));
		Node features = g.concat("merge", centre, down);
		return g.build(g.classifier("out", g.relu("fc_relu", g.dense("fc", features, 16)), Op.Classifier.Output.SIGMOID));
	}

	@Test
	void residualAdditionSqueezeExcitationAndCentreCropTrain() throws Exception {
		NetworkGraph graph = residualSeCrop();
		SphereTask task = new SphereTask(16, 77);
		try (TrainableNetwork net = backend.create(graph, adam(0.003), 5)) {
			assertEquals(graph.parameterCount(), net.parameterCount());
			List<Double> losses = new ArrayList<>();
			for (int step = 0; step < 120; step++) {
				losses.add(net.fit(task.batch(16)));
			}
			double first = losses.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
			double last = losses.subList(110, 120).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
			assertTrue(last < 0.6 * first, "loss should fall: first " + first + ", last " + last);
		}
	}

	@Test
	void aDilatedNetworkTurnsOneDnnOffOnlyWhileItComputes() throws Exception {
		VggSettings s = new VggSettings();
		s.branches = List.of(new PatchInput(16, 16, 16));
		s.filters = List.of(8, 16);
		s.convsPerStage = 1;
		s.dilatedStages = 1;
		s.poolings = 2;
		s.denseUnits = 16;
		SphereTask task = new SphereTask(16, 3);
		assertTrue(org.nd4j.linalg.factory.Nd4j.getEnvironment().helpersAllowed());
		try (TrainableNetwork net = backend.create(new VggArchitecture().build(s), adam(0.003), 5)) {
			assertTrue(Double.isFinite(net.fit(task.batch(4))));
			assertEquals(4, net.predict(task.batch(4)).length);
		}
		assertTrue(org.nd4j.linalg.factory.Nd4j.getEnvironment().helpersAllowed(),
				"the dilated network turned oneDNN off only while it computed");
	}
}
