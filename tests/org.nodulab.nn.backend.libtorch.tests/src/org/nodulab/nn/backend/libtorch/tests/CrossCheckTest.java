package org.nodulab.nn.backend.libtorch.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.Batch;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.Tensor;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.test.architectures.EveryOp;
import org.nodulab.test.support.Osgi;

/**
 * The same graph with the same weights gives the same outputs on libtorch and DL4J (float32 tolerance),
 * for a graph with every op and for every architecture's default configuration; a few training steps from
 * the same weights and batches stay close; libtorch checkpoints round-trip and refuse DL4J's.
 */
class CrossCheckTest {

	static ComputeBackend backend(String id) {
		for (ComputeBackend b : Osgi.services(ComputeBackend.class)) {
			if (b.id().equals(id)) {
				return b;
			}
		}
		throw new AssertionError("no backend " + id);
	}

	static Batch batch(NetworkGraph graph, int n, long seed) {
		Random r = new Random(seed);
		List<float[]> inputs = new ArrayList<>();
		for (Shape s : graph.inputShapes()) {
			float[] x = new float[n * s.channels() * s.depth() * s.height() * s.width()];
			for (int i = 0; i < x.length; i++) {
				x[i] = (float) r.nextGaussian();
			}
			inputs.add(x);
		}
		float[] labels = new float[n];
		for (int i = 0; i < n; i++) {
			labels[i] = i % 2;
		}
		return new Batch(n, inputs, labels);
	}

	/** Largest difference between the two backends' predictions after copying DL4J's weights into libtorch. */
	static double difference(NetworkGraph graph, TrainingSettings training) throws Exception {
		try (TrainableNetwork dl4j = backend("dl4j").create(graph, training, 3);
				TrainableNetwork torch = backend("libtorch").create(graph, training, 4)) {
			Map<String, Tensor> weights = dl4j.parameters();
			assertEquals(weights.keySet(), torch.parameters().keySet(), "the same arrays under the same names");
			assertEquals(dl4j.parameterCount(), torch.parameterCount());
			torch.setParameters(weights);
			Batch b = batch(graph, 3, 11);
			float[] a = dl4j.predict(b);
			float[] c = torch.predict(b);
			double max = 0;
			for (int i = 0; i < a.length; i++) {
				max = Math.max(max, Math.abs(a[i] - c[i]));
			}
			return max;
		}
	}

	@Test
	void everyOpGivesTheSameOutputsOnBothBackends() throws Exception {
		for (Op.Classifier.Output output : Op.Classifier.Output.values()) {
			double d = difference(EveryOp.graph(output), new TrainingSettings());
			assertTrue(d < 1e-5, output + ": predictions differ by " + d);
		}
	}

	@Test
	void everyArchitecturesDefaultGivesTheSameOutputsOnBothBackends() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		List<String> checked = new ArrayList<>();
		for (ContributionDescriptor d : registry.descriptors()) {
			NetworkGraph graph = registry.build(d.id(), registry.defaultSettings(d).orElse(null));
			double diff = difference(graph, new TrainingSettings());
			assertTrue(diff < 1e-4, d.id() + ": predictions differ by " + diff);
			checked.add(d.id());
		}
		assertFalse(checked.isEmpty(), "no architecture is installed");
	}

	@Test
	void trainingStepsFromTheSameWeightsStayClose() throws Exception {
		NetworkGraph graph = EveryOp.graph(Op.Classifier.Output.SIGMOID);
		TrainingSettings t = new TrainingSettings();
		t.learningRate = 0.001;
		t.l2 = 1e-4;
		// dropout draws differ between the backends: compare with dropout's rate 0 by predicting, not fitting, through it
		try (TrainableNetwork dl4j = backend("dl4j").create(withoutDropout(graph), t, 3);
				TrainableNetwork torch = backend("libtorch").create(withoutDropout(graph), t, 4)) {
			torch.setParameters(dl4j.parameters());
			for (int step = 0; step < 3; step++) {
				Batch b = batch(graph, 4, 100 + step);
				double la = dl4j.fit(b);
				double lb = torch.fit(b);
				assertEquals(la, lb, 1e-4 * Math.max(1, Math.abs(la)), "loss of step " + step);
			}
			Batch probe = batch(graph, 3, 7);
			float[] a = dl4j.predict(probe);
			float[] c = torch.predict(probe);
			for (int i = 0; i < a.length; i++) {
				assertEquals(a[i], c[i], 1e-3, "prediction " + i + " after 3 Adam steps");
			}
		}
	}

	/**
	 * Adam's betas, L2 on biases and the weight initialisation (D24, D40) mean the same on both backends: three steps
	 * from the same weights (biases set to 0.5, so their L2 term counts) agree, and differ from the steps without L2
	 * on biases; each initialisation draws weights with its variance on both.
	 */
	@Test
	void theNotebooksOptimiserRegularisationAndInitialisationOptionsAgree() throws Exception {
		NetworkGraph graph = withoutDropout(EveryOp.graph(Op.Classifier.Output.SIGMOID));
		TrainingSettings t = new TrainingSettings();
		t.learningRate = 0.001; // Adam's first steps move every parameter by about the rate: larger rates magnify float noise
		t.adamBeta1 = 0.8;
		t.adamBeta2 = 0.99;
		t.l2 = 0.05;
		t.l2Biases = true;
		float[][] after = new float[3][];
		int k = 0;
		for (boolean biases : new boolean[] { true, false }) {
			t.l2Biases = biases;
			try (TrainableNetwork dl4j = backend("dl4j").create(graph, t, 3);
					TrainableNetwork torch = backend("libtorch").create(graph, t, 4)) {
				Map<String, Tensor> weights = new java.util.LinkedHashMap<>(dl4j.parameters());
				int biasArrays = 0;
				for (Map.Entry<String, Tensor> e : weights.entrySet()) {
					if (e.getKey().endsWith("_b")) {
						float[] v = new float[e.getValue().values().length];
						java.util.Arrays.fill(v, 0.5f);
						e.setValue(new Tensor(e.getValue().shape(), v));
						biasArrays++;
					}
				}
				assertTrue(biasArrays >= 3, "convolution, dense and classifier biases: " + weights.keySet());
				dl4j.setParameters(weights);
				torch.setParameters(weights);
				for (int step = 0; step < 3; step++) {
					Batch b = batch(graph, 4, 100 + step);
					double la = dl4j.fit(b);
					double lb = torch.fit(b);
					assertEquals(la, lb, 1e-4 * Math.max(1, Math.abs(la)), "loss of step " + step + " (l2Biases " + biases + ")");
				}
				Batch probe = batch(graph, 3, 7);
				float[] a = dl4j.predict(probe);
				float[] c = torch.predict(probe);
				for (int i = 0; i < a.length; i++) {
					assertEquals(a[i], c[i], 1e-3, "prediction " + i + " after 3 Adam steps (l2Biases " + biases + ")");
				}
				after[k++] = c;
			}
		}
		double change = 0;
		for (int i = 0; i < after[0].length; i++) {
			change = Math.max(change, Math.abs(after[0][i] - after[1][i]));
		}
		assertTrue(change > 1e-4, "L2 on biases changes the steps: " + change);

		// initialisation: the standard deviation of a 16 -> 24 filter 3x3x3 convolution's weights
		GraphBuilder g = new GraphBuilder("init");
		Node in = g.input("input0", 16, 6, 6, 6);
		NetworkGraph conv = g.build(g.classifier("out", g.flatten("f", g.conv3d("c", in, 24, GraphBuilder.cube(3), GraphBuilder.cube(1),
				GraphBuilder.cube(1), Op.Padding.SAME, false)), Op.Classifier.Output.SIGMOID));
		double fanIn = 16 * 27;
		double fanOut = 24 * 27;
		Map<TrainingSettings.WeightInit, Double> expected = Map.of(TrainingSettings.WeightInit.HE_NORMAL, Math.sqrt(2 / fanIn),
				TrainingSettings.WeightInit.HE_UNIFORM, Math.sqrt(6 / fanIn) / Math.sqrt(3), TrainingSettings.WeightInit.XAVIER_NORMAL,
				Math.sqrt(2 / (fanIn + fanOut)), TrainingSettings.WeightInit.XAVIER_UNIFORM, Math.sqrt(6 / (fanIn + fanOut)) / Math.sqrt(3));
		for (TrainingSettings.WeightInit init : TrainingSettings.WeightInit.values()) {
			TrainingSettings s = new TrainingSettings();
			s.weightInit = init;
			for (String backend : List.of("dl4j", "libtorch")) {
				try (TrainableNetwork net = backend(backend).create(conv, s, 5)) {
					float[] w = net.parameters().get("c_W").values();
					double sum = 0;
					double max = 0;
					for (float v : w) {
						sum += (double) v * v;
						max = Math.max(max, Math.abs(v));
					}
					double sd = Math.sqrt(sum / w.length);
					assertEquals(expected.get(init), sd, 0.05 * expected.get(init), init + " on " + backend);
					if (init.name().endsWith("UNIFORM")) {
						assertTrue(max <= expected.get(init) * Math.sqrt(3) * 1.0001, init + " on " + backend + ": bounded by " + max);
					} else {
						assertTrue(max > expected.get(init) * Math.sqrt(3) * 1.05, init + " on " + backend + ": normal tails " + max);
					}
				}
			}
		}
	}

	static NetworkGraph withoutDropout(NetworkGraph graph) {
		return EveryOp.graph(Op.Classifier.Output.SIGMOID, 0.0);
	}

	/** The same graph with every dropout rate 0 (the backends draw their dropout masks differently). */
	static NetworkGraph dropoutOff(NetworkGraph graph) {
		GraphBuilder b = new GraphBuilder(graph.name());
		Map<Node, Node> copies = new HashMap<>();
		for (Node n : graph.nodes()) {
			Node[] in = n.inputs().stream().map(copies::get).toArray(Node[]::new);
			copies.put(n, b.add(n.name(), n.op() instanceof Op.Dropout ? new Op.Dropout(0) : n.op(), in));
		}
		return b.build(copies.get(graph.output()));
	}

	@Test
	void everyArchitecturesDefaultTrainsAlikeOnBothBackends() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		// SGD: its steps are proportional to the gradients, so the weights show any gradient that differs (Adam's
		// first steps are about lr * sign(gradient), which float rounding flips where a gradient is about zero)
		TrainingSettings t = new TrainingSettings();
		t.optimizer = TrainingSettings.Optimizer.SGD;
		t.learningRate = 0.01;
		t.l2 = 1e-4;
		List<String> checked = new ArrayList<>();
		List<String> wrong = new ArrayList<>();
		for (ContributionDescriptor d : registry.descriptors()) {
			NetworkGraph graph = dropoutOff(registry.build(d.id(), registry.defaultSettings(d).orElse(null)));
			try (TrainableNetwork dl4j = backend("dl4j").create(graph, t, 3); TrainableNetwork torch = backend("libtorch").create(graph, t, 4)) {
				Map<String, Tensor> before = dl4j.parameters();
				torch.setParameters(before);
				for (int step = 0; step < 2; step++) {
					Batch b = batch(graph, 4, 200 + step);
					double la = dl4j.fit(b);
					double lb = torch.fit(b);
					if (!(Math.abs(la - lb) <= 1e-3 * Math.max(1, Math.abs(la)))) {
						wrong.add(String.format("%s: loss of step %d %.6f on DL4J, %.6f on libtorch", d.id(), step, la, lb));
					}
				}
				Batch probe = batch(graph, 2, 8);
				float[] p = dl4j.predict(probe);
				float[] q = torch.predict(probe);
				for (int i = 0; i < p.length; i++) {
					if (!(Math.abs(p[i] - q[i]) <= 5e-3)) {
						wrong.add(String.format("%s: prediction %d after 2 SGD steps %.6f on DL4J, %.6f on libtorch", d.id(), i, p[i], q[i]));
					}
				}
				Map<String, Tensor> wa = dl4j.parameters();
				Map<String, Tensor> wb = torch.parameters();
				// every array's change, batch-norm running statistics included: a coarse check (ConvolutionTest checks the
				// kernels closely). Measured: VGG (no batch norm) agrees to 1%, DenseNet and ResNet to 1-3%, Inception-ResNet
				// differs by up to 40% in a few batch-norm arrays (its gradients are sensitive to float rounding there; the
				// losses and predictions still agree); a wrong kernel differs by about the step itself
				for (String name : wa.keySet()) {
					float[] x0 = before.get(name).values();
					float[] x = wa.get(name).values();
					float[] y = wb.get(name).values();
					double worst = 0;
					double change = 0;
					for (int i = 0; i < x.length; i++) {
						worst = Math.max(worst, Math.abs(x[i] - y[i]));
						change = Math.max(change, Math.abs(x[i] - x0[i]));
					}
					if (worst > 1e-6 && worst > 0.5 * change || Double.isNaN(worst)) {
						wrong.add(String.format("%s %s: changed by up to %.3g, the backends differ by %.3g", d.id(), name, change, worst));
					}
				}
			}
			checked.add(d.id());
		}
		assertFalse(checked.isEmpty(), "no architecture is installed");
		assertTrue(wrong.isEmpty(), String.join("\n", wrong));
	}

	@Test
	void checkpointsRoundTripAndDl4jOnesAreRefusedByName() throws Exception {
		NetworkGraph graph = EveryOp.graph(Op.Classifier.Output.SOFTMAX);
		TrainingSettings t = new TrainingSettings();
		ComputeBackend torchBackend = backend("libtorch");
		try (TrainableNetwork net = torchBackend.create(graph, t, 5)) {
			net.fit(batch(graph, 4, 1));
			net.endEpoch();
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			net.save(out);
			try (TrainableNetwork back = torchBackend.load(graph, t, new ByteArrayInputStream(out.toByteArray()))) {
				Batch b = batch(graph, 2, 9);
				assertEquals(java.util.Arrays.toString(net.predict(b)), java.util.Arrays.toString(back.predict(b)));
				assertEquals(1, back.epoch());
				net.reseed(3); // the random generator is the process's: reseed before each step
				double original = net.fit(b);
				back.reseed(3);
				assertEquals(original, back.fit(b), 0, "training continues exactly (optimiser state saved)");
				net.reseed(4);
				double next = net.fit(b);
				back.reseed(4);
				assertEquals(next, back.fit(b), 0, "and keeps doing so (Adam's moments were restored)");
			}
		}
		ByteArrayOutputStream dl4jCheckpoint = new ByteArrayOutputStream();
		try (TrainableNetwork dl4j = backend("dl4j").create(graph, t, 5)) {
			dl4j.save(dl4jCheckpoint);
		}
		BackendException e = assertThrows(BackendException.class,
				() -> torchBackend.load(graph, t, new ByteArrayInputStream(dl4jCheckpoint.toByteArray())));
		assertTrue(e.getMessage().contains("not a libtorch checkpoint"), e.getMessage());
		assertFalse(torchBackend.describe().isEmpty());
	}
}
