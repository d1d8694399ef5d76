package org.nodulab.nn.backend.dl4j.tests;

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

	@Test
	void batchNormOnVolumesAndFeatures() throws Exception {
		assertGradients(tiny("bn-volume", (g, x) -> g.batchNorm("bn", x)));
		assertGradients(tiny("bn-features", (g, x) -> g.batchNorm("bn", g.dense("d", g.globalMaxPool(null, x), 5))));
	}

	@Test
	void preluWithASlopePerChannel() throws Exception {
		assertGradients(tiny("prelu-volume", (g, x) -> g.prelu("act", x)));
		assertGradients(tiny("prelu-features", (g, x) -> g.prelu("act", g.dense("d", g.globalAveragePool(null, x), 5))));
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
}
