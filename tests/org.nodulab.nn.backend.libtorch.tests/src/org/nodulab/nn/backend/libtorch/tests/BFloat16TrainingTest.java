package org.nodulab.nn.backend.libtorch.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nodulab.core.experiment.Precision;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.Batch;
import org.nodulab.nn.Tensor;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Op;
import org.nodulab.test.architectures.EveryOp;
import org.nodulab.test.architectures.SphereTask;

/**
 * {@code training.precision: bfloat16} on libtorch (mixed precision: the passes in bfloat16, the weights, Adam and
 * the batch-norm statistics in float32): the same seed gives the same bits; the first steps stay close to float32's
 * from the same weights without being them; a small network learns the sphere task as fast as in float32; the
 * checkpoint holds float32 weights that load and resume.
 */
class BFloat16TrainingTest {

	private static TrainingSettings settings(Precision p) {
		TrainingSettings t = new TrainingSettings();
		t.learningRate = 0.001;
		t.precision = p;
		return t;
	}

	/** Losses of {@code steps} steps and the weights after them, from seed 4's weights. */
	private static List<Double> train(NetworkGraph graph, Precision p, int steps, Map<String, Tensor>[] after) throws Exception {
		List<Double> losses = new ArrayList<>();
		try (TrainableNetwork net = CrossCheckTest.backend("libtorch").create(graph, settings(p), 4)) {
			for (int step = 0; step < steps; step++) {
				net.reseed(50 + step);
				losses.add(net.fit(CrossCheckTest.batch(graph, 4, 100 + step)));
			}
			after[0] = net.parameters();
		}
		return losses;
	}

	@Test
	@SuppressWarnings("unchecked")
	void bfloat16StepsRepeatBitForBitAndStayCloseToFloat32() throws Exception {
		for (NetworkGraph graph : List.of(EveryOp.graph(Op.Classifier.Output.SIGMOID, 0), BFloat16PredictionTest.folding())) {
			Map<String, Tensor>[] a = new Map[1];
			Map<String, Tensor>[] b = new Map[1];
			Map<String, Tensor>[] f = new Map[1];
			List<Double> first = train(graph, Precision.BFLOAT16, 3, a);
			List<Double> again = train(graph, Precision.BFLOAT16, 3, b);
			List<Double> wide = train(graph, Precision.FLOAT32, 3, f);
			assertEquals(first, again, graph.name() + ": the same seed gives the same losses");
			assertEquals(a[0], b[0], graph.name() + ": and the same weights, bit for bit");
			assertNotEquals(a[0], f[0], graph.name() + ": bfloat16 steps are not float32's");
			for (int step = 0; step < first.size(); step++) {
				assertEquals(wide.get(step), first.get(step), 0.02 * Math.max(1, Math.abs(wide.get(step))),
						graph.name() + ": loss of step " + step + " in bfloat16 against float32");
			}
			for (Map.Entry<String, Tensor> e : f[0].entrySet()) {
				float[] x = e.getValue().values();
				float[] y = a[0].get(e.getKey()).values();
				for (int i = 0; i < x.length; i++) {
					assertEquals(x[i], y[i], 0.01 + 0.01 * Math.abs(x[i]), graph.name() + ": " + e.getKey() + "[" + i + "] after 3 steps");
				}
			}
		}
	}

	@Test
	void aSmallNetworkLearnsTheSphereTaskInBfloat16AsInFloat32AndItsCheckpointResumes() throws Exception {
		NetworkGraph graph = BFloat16PredictionTest.folding16();
		double[] last = new double[2];
		int k = 0;
		for (Precision p : List.of(Precision.FLOAT32, Precision.BFLOAT16)) {
			SphereTask task = new SphereTask(16, 31);
			try (TrainableNetwork net = CrossCheckTest.backend("libtorch").create(graph, settings(p), 17)) {
				List<Double> losses = new ArrayList<>();
				for (int step = 0; step < 60; step++) {
					losses.add(net.fit(task.batch(8)));
				}
				double start = losses.subList(0, 6).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
				double end = losses.subList(54, 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
				assertTrue(end < 0.7 * start, p + ": the loss falls: " + start + " -> " + end + " " + losses);
				last[k++] = end;
				if (p == Precision.BFLOAT16) {
					ByteArrayOutputStream saved = new ByteArrayOutputStream();
					net.save(saved);
					Batch probe = new SphereTask(16, 5).batch(6);
					try (TrainableNetwork loaded = CrossCheckTest.backend("libtorch").load(graph, settings(p), new ByteArrayInputStream(saved.toByteArray()))) {
						assertArrayEquals(net.predict(probe), loaded.predict(probe), "the checkpoint holds the float32 weights");
						Batch next = task.batch(8);
						net.reseed(77);
						loaded.reseed(77);
						assertEquals(net.fit(next), loaded.fit(next), "a resumed bfloat16 step is the uninterrupted one");
						assertArrayEquals(net.predict(probe), loaded.predict(probe), "with the same optimiser state");
					}
				}
			}
		}
		assertTrue(last[1] < 1.5 * last[0] + 0.05, "bfloat16 learns about as far as float32: " + last[1] + " against " + last[0]);
	}
}
