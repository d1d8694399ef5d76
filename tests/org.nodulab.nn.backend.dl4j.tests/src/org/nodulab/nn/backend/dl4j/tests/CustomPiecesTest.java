package org.nodulab.nn.backend.dl4j.tests;

import org.nodulab.test.architectures.SphereTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.backend.dl4j.Dl4jGradientCheck;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.test.support.Osgi;

/**
 * The pieces the DL4J backend builds itself because DL4J's own fail on 5D data (batch norm, per-channel
 * PReLU, channel merge of volumes): gradient checks on tiny networks, then training.
 */
class CustomPiecesTest {

	private final ComputeBackend backend = Osgi.service(ComputeBackend.class);

	private static NetworkGraph tiny(String name, java.util.function.BiFunction<GraphBuilder, Node, Node> body) {
		GraphBuilder g = new GraphBuilder(name);
		Node in = g.input("in", 1, 4, 5, 6);
		Node x = body.apply(g, g.conv3d("c0", in, 3, 3));
		Node features = x.shape().isVolume() ? g.globalAveragePool("gap", x) : x;
		return g.build(g.classifier("out", g.dense("fc", features, 4), Op.Classifier.Output.SOFTMAX));
	}

	static void assertGradients(NetworkGraph graph) throws Exception {
		Dl4jGradientCheck.Result r = Dl4jGradientCheck.check(graph, 12345, 3, 1e-3);
		assertTrue(r.passed(), "gradient check of " + graph.name() + " failed (see the log for the parameters)");
		assertEquals(graph.parameterCount() + graph.stateCount(), r.parameters());
	}

	/** Focal loss on both outputs: gradients through sigmoid and softmax, several focusing exponents and class weights. */
	@Test
	void focalLossGradients() throws Exception {
		for (Op.Classifier.Output output : Op.Classifier.Output.values()) {
			for (double[] ga : new double[][] { { 2.0, 0.25 }, { 0.5, 0.5 }, { 0.0, 0.7 } }) {
				GraphBuilder g = new GraphBuilder("focal-" + output + "-" + ga[0]);
				Node in = g.input("in", 1, 4, 5, 6);
				Node x = g.globalAveragePool("gap", g.conv3d("c0", in, 3, 3));
				NetworkGraph graph = g.build(g.classifier("out", g.dense("fc", x, 4), output));
				TrainingSettings t = new TrainingSettings();
				t.loss = TrainingSettings.Loss.FOCAL;
				t.focalGamma = ga[0];
				t.focalAlpha = ga[1];
				Dl4jGradientCheck.Result r = Dl4jGradientCheck.check(graph, 777, 4, 1e-3, t);
				assertTrue(r.passed(), "focal loss gradient check failed for " + graph.name());
			}
		}
	}

	/** Focal loss with gamma 0 and alpha 1/2 is half the cross-entropy: the same first step, half the loss. */
	@Test
	void focalLossWithoutFocusingIsHalfTheCrossEntropy() throws Exception {
		GraphBuilder g = new GraphBuilder("focal-vs-bce");
		Node in = g.input("in", 1, 4, 5, 6);
		NetworkGraph graph = g.build(g.classifier("out", g.dense("fc", g.globalAveragePool("gap", g.conv3d("c0", in, 3, 3)), 4),
				Op.Classifier.Output.SIGMOID));
		TrainingSettings bce = new TrainingSettings();
		TrainingSettings focal = new TrainingSettings();
		focal.loss = TrainingSettings.Loss.FOCAL;
		focal.focalGamma = 0;
		focal.focalAlpha = 0.5;
		float[] x = new float[4 * 120];
		java.util.SplittableRandom r = new java.util.SplittableRandom(3);
		for (int i = 0; i < x.length; i++) {
			x[i] = (float) r.nextGaussian();
		}
		org.nodulab.nn.Batch batch = new org.nodulab.nn.Batch(4, List.of(x), new float[] { 1, 0, 1, 0 });
		try (TrainableNetwork a = backend.create(graph, bce, 5); TrainableNetwork b = backend.create(graph, focal, 5)) {
			double la = a.fit(batch);
			double lb = b.fit(batch);
			assertEquals(la / 2, lb, 1e-4);
		}
	}

	/** The convolution layer that skips DL4J's forward recomputation in backprop: no activation, fused ReLU, no bias. */
	@Test
	void convolutionsWithoutTheRecomputedForwardPass() throws Exception {
		assertGradients(tiny("conv-identity", (g, x) -> g.conv3d("c1", x, 2, 3)));
		assertGradients(tiny("conv-relu", (g, x) -> g.relu("c1_relu", g.conv3d("c1", x, 2, 3))));
		assertGradients(tiny("conv-nobias-strided", (g, x) -> g.conv3d("c1", x, 2, GraphBuilder.cube(2), GraphBuilder.cube(2),
				GraphBuilder.cube(1), Op.Padding.VALID, false)));
	}

	@Test
	void batchNormOnVolumesAndFeatures() throws Exception {
		assertGradients(tiny("bn-volume", (g, x) -> g.batchNorm("bn", x)));
		assertGradients(tiny("bn-features", (g, x) -> g.batchNorm("bn", g.dense("d", g.globalMaxPool(null, x), 5))));
	}

	/** A ReLU after a batch norm is folded into it (one layer, {@code BatchNormRelu}): gradients, and saved and loaded. */
	@Test
	void batchNormWithItsReluAsOneLayer() throws Exception {
		assertGradients(tiny("bn-relu-volume", (g, x) -> g.relu("r", g.batchNorm("bn", x))));
		assertGradients(tiny("bn-relu-features", (g, x) -> g.relu("r", g.batchNorm("bn", g.dense("d", g.globalMaxPool(null, x), 5)))));
		// a batch norm whose output is also read elsewhere keeps its ReLU apart
		assertGradients(tiny("bn-relu-shared", (g, x) -> {
			Node bn = g.batchNorm("bn", x);
			return g.concat("cat", g.relu("r", bn), bn);
		}));
		NetworkGraph graph = tiny("bn-relu-saved", (g, x) -> g.relu("r", g.batchNorm("bn", x)));
		String configuration = savedAndLoaded(graph, trained -> {
		});
		assertTrue(configuration.contains("org.nodulab.nn.backend.dl4j.layers.BatchNormRelu") && !configuration.contains("ActivationLayer"),
				"one layer: " + configuration);
	}

	/** Trains a few steps, hands the network to {@code trained}, saves, loads: the same outputs. Returns the saved DL4J configuration. */
	private String savedAndLoaded(NetworkGraph graph, java.util.function.Consumer<TrainableNetwork> trained) throws Exception {
		float[] x = new float[3 * 120];
		java.util.SplittableRandom r = new java.util.SplittableRandom(11);
		for (int i = 0; i < x.length; i++) {
			x[i] = (float) r.nextGaussian();
		}
		org.nodulab.nn.Batch batch = new org.nodulab.nn.Batch(3, List.of(x), new float[] { 1, 0, 1 });
		TrainingSettings t = new TrainingSettings();
		try (TrainableNetwork net = backend.create(graph, t, 4)) {
			for (int step = 0; step < 5; step++) {
				net.fit(batch);
			}
			trained.accept(net);
			java.io.ByteArrayOutputStream saved = new java.io.ByteArrayOutputStream();
			net.save(saved);
			float[] before = net.predict(batch);
			try (TrainableNetwork loaded = backend.load(graph, t, new java.io.ByteArrayInputStream(saved.toByteArray()))) {
				org.junit.jupiter.api.Assertions.assertArrayEquals(before, loaded.predict(batch));
			}
			try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(saved.toByteArray()))) {
				for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null;) {
					if (e.getName().equals("configuration.json")) {
						return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
					}
				}
			}
			throw new AssertionError("no configuration.json in the saved network");
		}
	}

	@Test
	void preluWithASlopePerChannel() throws Exception {
		assertGradients(tiny("prelu-volume", (g, x) -> g.prelu("act", x)));
		assertGradients(tiny("prelu-features", (g, x) -> g.prelu("act", g.dense("d", g.globalAveragePool(null, x), 5))));
	}

	/**
	 * PReLU is one fused layer ({@code ChannelPRelu}) whose slopes keep the depthwise convolution's parameter name
	 * and layout ({@code <node>_W}, {@code [1, 1, C, 1]}, 0.25 at the start: what the libtorch backend and ONNX export
	 * read), and a trained network with it saves and loads to the same outputs.
	 */
	@Test
	void preluIsOneLayerWithTheSlopesOfBefore() throws Exception {
		NetworkGraph graph = tiny("prelu-saved", (g, x) -> g.prelu("act", g.batchNorm("bn", x)));
		try (TrainableNetwork fresh = backend.create(graph, new TrainingSettings(), 4)) {
			org.nodulab.nn.Tensor slopes = fresh.parameters().get("act_W");
			assertTrue(slopes != null, "the slopes under act_W: " + fresh.parameters().keySet());
			assertEquals(List.of(1L, 1L, 3L, 1L), java.util.Arrays.stream(slopes.shape()).boxed().toList());
			for (float v : slopes.values()) {
				assertEquals(0.25f, v);
			}
		}
		String configuration = savedAndLoaded(graph, trained -> {
			float[] moved = trained.parameters().get("act_W").values();
			assertTrue(moved[0] != 0.25f || moved[1] != 0.25f || moved[2] != 0.25f, "the slopes learn: " + java.util.Arrays.toString(moved));
		});
		assertTrue(configuration.contains("org.nodulab.nn.backend.dl4j.layers.ChannelPRelu"), "one fused layer: " + configuration);
		assertTrue(!configuration.contains("ScaleVertex") && !configuration.contains("\"act_pos\""), "no composed PReLU: " + configuration);
	}

	@Test
	void channelConcatenationOfVolumes() throws Exception {
		assertGradients(tiny("concat", (g, x) -> {
			Node a = g.conv3d("a", x, 2, 1);
			Node b = g.conv3d("b", x, 3, 3);
			return g.conv3d("mix", g.concat("cat", a, b, x), 2, 1);
		}));
	}

	@Test
	void aDenseNetLikeBlockWithBatchNormAndPreluTrains() throws Exception {
		GraphBuilder g = new GraphBuilder("dense-block");
		Node in = g.input("in", 1, 16, 16, 16);
		Node x = g.prelu("stem_act", g.batchNorm("stem_bn", g.conv3d("stem", in, 8, 3)));
		for (int layer = 0; layer < 2; layer++) {
			Node y = g.conv3d("l" + layer, g.prelu("l" + layer + "_act", g.batchNorm("l" + layer + "_bn", x)), 4, 3);
			x = g.concat("l" + layer + "_cat", x, y);
		}
		Node pooled = g.maxPool("pool", x, 2);
		NetworkGraph graph = g.build(g.classifier("out", g.globalAveragePool("gap", pooled), Op.Classifier.Output.SIGMOID));
		TrainingSettings t = new TrainingSettings();
		t.learningRate = 0.003;
		SphereTask task = new SphereTask(16, 21);
		try (TrainableNetwork net = backend.create(graph, t, 9)) {
			List<Double> losses = new ArrayList<>();
			for (int step = 0; step < 80; step++) {
				losses.add(net.fit(task.batch(16)));
			}
			double first = losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
			double last = losses.subList(72, 80).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
			assertTrue(last < 0.6 * first, "loss should fall: first " + first + ", last " + last + " " + losses);
		}
	}

	@Test
	void centralPoolingTakesTheMaximumOfEachNonUniformWindow() throws Exception {
		backend.describe(); // starts ND4J
		int[] output = { 3, 4, 5 };
		int d = 7;
		int h = 9;
		int w = 12;
		java.util.SplittableRandom random = new java.util.SplittableRandom(4);
		double[] values = new double[2 * 3 * d * h * w];
		for (int i = 0; i < values.length; i++) {
			values[i] = random.nextDouble(-1, 1);
		}
		org.nd4j.linalg.api.ndarray.INDArray in = org.nd4j.linalg.factory.Nd4j.create(values, new long[] { 2, 3, d, h, w }, 'c');
		org.nd4j.linalg.api.ndarray.INDArray out = org.nodulab.nn.backend.dl4j.layers.CentralPool3DLayer.pool(in, output);
		assertEquals(java.util.List.of(2L, 3L, 3L, 4L, 5L), java.util.Arrays.stream(out.shape()).boxed().toList());
		int[] bz = Op.CentralPool.bins(d, 3);
		int[] by = Op.CentralPool.bins(h, 4);
		int[] bx = Op.CentralPool.bins(w, 5);
		for (int n = 0; n < 2; n++) {
			for (int c = 0; c < 3; c++) {
				for (int k = 0; k < 3; k++) {
					for (int j = 0; j < 4; j++) {
						for (int i = 0; i < 5; i++) {
							double max = -Double.MAX_VALUE;
							for (int z = bz[k]; z < bz[k + 1]; z++) {
								for (int y = by[j]; y < by[j + 1]; y++) {
									for (int x = bx[i]; x < bx[i + 1]; x++) {
										max = Math.max(max, values[(((n * 3 + c) * d + z) * h + y) * w + x]);
									}
								}
							}
							assertEquals(max, out.getDouble(n, c, k, j, i), 1e-12);
						}
					}
				}
			}
		}
		assertGradients(tiny("central-pool", (g, x) -> g.centralPool("cp", g.conv3d("c1", x, 2, 3), new int[] { 2, 3, 3 })));
	}
}
