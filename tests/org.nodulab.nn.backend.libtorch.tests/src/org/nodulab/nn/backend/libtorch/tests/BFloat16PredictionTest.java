package org.nodulab.nn.backend.libtorch.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.Batch;
import org.nodulab.core.experiment.Precision;
import org.nodulab.nn.Tensor;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.test.architectures.EveryOp;
import org.nodulab.test.support.Osgi;

/**
 * libtorch's bfloat16 prediction ({@code predict --precision bfloat16}): close to float32's on every architecture's
 * default and on the graph with every op, with batch norms folded into their convolutions (statistics far from the
 * initial ones, so a wrong fold shows), yet really narrower; float32 again gives the same bits as before; a change of
 * weights is seen by the next bfloat16 prediction; DL4J refuses it by name.
 */
class BFloat16PredictionTest {

	/**
	 * Largest difference allowed between a bfloat16 and a float32 probability of an architecture's default with random
	 * weights and statistics: the deepest (the default ResNet) reaches 0.035 with batch norm folded or not (measured);
	 * trained runs differ by about 3e-3.
	 */
	private static final double TOLERANCE = 0.05;

	/**
	 * The same for the shallow {@link #folding} graph, where a batch norm folded wrong (a statistic left out, a scale on
	 * the wrong axis) moves the probability by a tenth or more.
	 */
	private static final double SHALLOW = 0.01;

	/**
	 * A one-channel input, convolutions with and without bias each followed by a batch norm (folded into them), one
	 * whose output also feeds another node (not folded), a ReLU after a folded batch norm (in place on the convolution's
	 * output).
	 */
	static NetworkGraph folding() {
		return folding(8);
	}

	/** {@link #folding} for the 16^3 patches of the sphere task. */
	static NetworkGraph folding16() {
		return folding(16);
	}

	private static NetworkGraph folding(int side) {
		GraphBuilder g = new GraphBuilder("folding");
		Node in = g.input("input0", 1, side, side, side);
		Node c1 = g.conv3d("c1", in, 6, GraphBuilder.cube(3), GraphBuilder.cube(1), GraphBuilder.cube(1), Op.Padding.SAME, true);
		Node r1 = g.relu("r1", g.batchNorm("n1", c1));
		Node c2 = g.conv3d("c2", r1, 8, GraphBuilder.cube(3), GraphBuilder.cube(2), GraphBuilder.cube(1), Op.Padding.SAME, false);
		Node n2 = g.relu("r2", g.batchNorm("n2", c2));
		Node c3 = g.conv3d("c3", n2, 8, GraphBuilder.cube(1), GraphBuilder.cube(1), GraphBuilder.cube(1), Op.Padding.SAME, false);
		Node both = g.add("sum", g.batchNorm("n3", c3), c3);
		return g.build(g.classifier("out", g.globalAveragePool("gap", both), Op.Classifier.Output.SIGMOID));
	}

	/** The network's weights with batch-norm statistics and scales drawn far from their initial 0 and 1. */
	private static Map<String, Tensor> withStatistics(TrainableNetwork net, long seed) {
		Random r = new Random(seed);
		Map<String, Tensor> out = new LinkedHashMap<>();
		for (Map.Entry<String, Tensor> e : net.parameters().entrySet()) {
			String k = e.getKey();
			float[] v = e.getValue().values().clone();
			for (int i = 0; i < v.length; i++) {
				if (k.endsWith("_mean")) {
					v[i] = (float) (0.3 * r.nextGaussian());
				} else if (k.endsWith("_log10stdev")) {
					v[i] = (float) Math.log10(0.6 + r.nextDouble());
				} else if (k.endsWith("_gamma")) {
					v[i] = (float) (0.6 + 0.8 * r.nextDouble());
				} else if (k.endsWith("_beta")) {
					v[i] = (float) (0.2 * r.nextGaussian());
				}
			}
			out.put(k, new Tensor(e.getValue().shape(), v));
		}
		return out;
	}

	private static List<NetworkGraph> graphs() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		List<NetworkGraph> graphs = new ArrayList<>();
		for (ContributionDescriptor d : registry.descriptors()) {
			graphs.add(registry.build(d.id(), registry.defaultSettings(d).orElse(null)));
		}
		graphs.add(EveryOp.graph(Op.Classifier.Output.SIGMOID, 0));
		graphs.add(EveryOp.graph(Op.Classifier.Output.SOFTMAX, 0));
		graphs.add(folding());
		return graphs;
	}

	@Test
	void bfloat16PredictionsAreCloseToFloat32OnEveryArchitectureAndFloat32StaysExact() throws Exception {
		double total = 0;
		for (NetworkGraph graph : graphs()) {
			try (TrainableNetwork net = CrossCheckTest.backend("libtorch").create(graph, new TrainingSettings(), 4)) {
				net.setParameters(withStatistics(net, 9));
				Batch b = CrossCheckTest.batch(graph, 4, 11);
				float[] wide = net.predict(b);
				net.predictIn(Precision.BFLOAT16);
				float[] narrow = net.predict(b);
				assertEquals(wide.length, narrow.length);
				for (int i = 0; i < wide.length; i++) {
					assertEquals(wide[i], narrow[i], graph.name().equals("folding") ? SHALLOW : TOLERANCE, graph.name() + ": sample " + i + " in bfloat16");
					total += Math.abs(wide[i] - narrow[i]);
				}
				assertArrayEquals(narrow, net.predict(b), graph.name() + ": bfloat16 predictions repeat");
				net.predictIn(Precision.FLOAT32);
				assertArrayEquals(wide, net.predict(b), graph.name() + ": float32 again gives the same bits");
			}
		}
		assertTrue(total > 0, "bfloat16 predictions are not float32's: it really computed in bfloat16");
	}

	@Test
	void newWeightsReachTheNextBfloat16Prediction() throws Exception {
		NetworkGraph graph = folding();
		try (TrainableNetwork net = CrossCheckTest.backend("libtorch").create(graph, new TrainingSettings(), 4);
				TrainableNetwork other = CrossCheckTest.backend("libtorch").create(graph, new TrainingSettings(), 77)) {
			net.setParameters(withStatistics(net, 9));
			Batch b = CrossCheckTest.batch(graph, 4, 11);
			net.predictIn(Precision.BFLOAT16);
			float[] before = net.predict(b);
			net.setParameters(withStatistics(other, 10));
			float[] after = net.predict(b);
			net.predictIn(Precision.FLOAT32);
			float[] reference = net.predict(b);
			double moved = 0;
			for (int i = 0; i < after.length; i++) {
				assertEquals(reference[i], after[i], SHALLOW, "sample " + i + " after new weights");
				moved = Math.max(moved, Math.abs(reference[i] - before[i]));
			}
			assertTrue(moved > 2 * SHALLOW, "the new weights change the predictions (" + moved + "), so stale ones would show");
			// a training step also reaches it
			net.predictIn(Precision.BFLOAT16);
			net.fit(b);
			float[] trained = net.predict(b);
			net.predictIn(Precision.FLOAT32);
			float[] trainedReference = net.predict(b);
			for (int i = 0; i < trained.length; i++) {
				assertEquals(trainedReference[i], trained[i], SHALLOW, "sample " + i + " after a training step");
			}
		}
	}

	@Test
	void dl4jAndUnknownPrecisionsAreRefusedByName() throws Exception {
		NetworkGraph graph = EveryOp.graph(Op.Classifier.Output.SIGMOID, 0);
		try (TrainableNetwork net = CrossCheckTest.backend("dl4j").create(graph, new TrainingSettings(), 4)) {
			BackendException e = assertThrows(BackendException.class, () -> net.predictIn(Precision.BFLOAT16));
			assertTrue(e.getMessage().contains("float32 only") && e.getMessage().contains("bfloat16"), e.getMessage());
			net.predictIn(Precision.FLOAT32);
		}
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.of("half"));
		assertTrue(e.getMessage().contains("'half'") && e.getMessage().contains("float32, bfloat16"), e.getMessage());
		assertEquals(Precision.BFLOAT16, Precision.of("BFloat16"));
	}
}
