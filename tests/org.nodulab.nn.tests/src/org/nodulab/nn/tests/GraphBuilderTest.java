package org.nodulab.nn.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.GraphException;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;

class GraphBuilderTest {

	private static int[] c(int n) {
		return GraphBuilder.cube(n);
	}

	@Test
	void convolutionOutputSizes() {
		GraphBuilder g = new GraphBuilder("t");
		Node in = g.input("in", 2, 10, 12, 9);
		assertEquals(Shape.volume(8, 10, 12, 9), g.conv3d("same", in, 8, 3).shape());
		assertEquals(Shape.volume(8, 8, 10, 7), g.conv3d("valid", in, 8, c(3), c(1), c(1), Op.Padding.VALID, true).shape());
		assertEquals(Shape.volume(8, 4, 5, 4), g.conv3d("valid2", in, 8, c(3), c(2), c(1), Op.Padding.VALID, true).shape());
		assertEquals(Shape.volume(8, 5, 6, 5), g.conv3d("same2", in, 8, c(3), c(2), c(1), Op.Padding.SAME, true).shape());
		// dilation 2 makes a 3-kernel span 5 voxels
		assertEquals(Shape.volume(8, 6, 8, 5), g.conv3d("dilated", in, 8, c(3), c(1), c(2), Op.Padding.VALID, true).shape());
		// anisotropic kernel
		assertEquals(Shape.volume(4, 10, 10, 7),
				g.conv3d("aniso", in, 4, new int[] { 1, 3, 3 }, c(1), c(1), Op.Padding.VALID, false).shape());
	}

	@Test
	void parameterCounts() {
		GraphBuilder g = new GraphBuilder("t");
		Node in = g.input("in", 3, 8, 8, 8);
		Node conv = g.conv3d("conv", in, 5, 3);
		assertEquals(5L * 3 * 27 + 5, conv.parameters());
		Node noBias = g.conv3d("nobias", conv, 2, c(1), c(1), c(1), Op.Padding.SAME, false);
		assertEquals(10, noBias.parameters());
		Node pooled = g.maxPool("pool", noBias, 2);
		assertEquals(Shape.volume(2, 4, 4, 4), pooled.shape());
		assertEquals(0, pooled.parameters());
		Node flat = g.flatten("flat", pooled);
		assertEquals(Shape.features(128), flat.shape());
		Node dense = g.dense("fc", flat, 7);
		assertEquals(128 * 7 + 7, dense.parameters());
		Node out = g.classifier("out", dense, Op.Classifier.Output.SOFTMAX);
		assertEquals(7 * 2 + 2, out.parameters());
		NetworkGraph net = g.build(out);
		assertEquals(5L * 3 * 27 + 5 + 10 + 128 * 7 + 7 + 16, net.parameterCount());
		assertTrue(net.summary().contains("total parameters: 1,339"), net.summary());
	}

	@Test
	void forwardWorkIsCountedFromTheShapes() {
		GraphBuilder g = new GraphBuilder("t");
		Node in = g.input("in", 3, 8, 8, 8);
		Node conv = g.conv3d("conv", in, 5, 3); // 5 x 8^3 outputs, each 3 x 27 multiply-adds and a bias
		assertEquals(2L * 5 * 512 * 3 * 27 + 5 * 512, conv.op().flops(List.of(in.shape())));
		Op strided = new Op.Conv3d(4, c(3), c(2), c(1), Op.Padding.VALID, false); // 4 x 3^3 outputs
		assertEquals(2L * 4 * 27 * 5 * 27, strided.flops(List.of(conv.shape())));
		Node pooled = g.maxPool("pool", conv, 2); // 5 x 4^3 windows of 8
		assertEquals(5L * 64 * 8, pooled.op().flops(List.of(conv.shape())));
		Node flat = g.flatten("flat", pooled);
		assertEquals(0, flat.op().flops(List.of(pooled.shape())));
		Node dense = g.dense("fc", flat, 7);
		assertEquals(2L * 320 * 7 + 7, dense.op().flops(List.of(flat.shape())));
		Node out = g.classifier("out", dense, Op.Classifier.Output.SIGMOID);
		NetworkGraph net = g.build(out);
		assertEquals(2L * 5 * 512 * 3 * 27 + 5 * 512 + 5L * 64 * 8 + 2L * 320 * 7 + 7 + 2 * 7 + 1, net.flopsPerSample());
		assertTrue(net.summary().contains("GFLOP per sample"), net.summary());
	}

	@Test
	void branchesAreConcatenatedAsFeatureVectors() {
		GraphBuilder g = new GraphBuilder("t");
		Node a = g.globalAveragePool("gap_a", g.conv3d("a", g.input("in_a", 1, 8, 8, 8), 6, 3));
		Node b = g.flatten("flat_b", g.maxPool("pool_b", g.input("in_b", 1, 4, 4, 4), 2));
		Node merged = g.concat("merge", a, b);
		assertEquals(Shape.features(6 + 8), merged.shape());
		NetworkGraph net = g.build(g.classifier("out", merged, Op.Classifier.Output.SIGMOID));
		assertEquals(List.of(Shape.volume(1, 8, 8, 8), Shape.volume(1, 4, 4, 4)), net.inputShapes());
	}

	@Test
	void mistakesAreReportedAtTheNodeThatMakesThem() {
		GraphBuilder g = new GraphBuilder("t");
		Node in = g.input("in", 1, 4, 4, 4);
		GraphException tooBig = assertThrows(GraphException.class,
				() -> g.conv3d("big", in, 2, c(5), c(1), c(1), Op.Padding.VALID, true));
		assertEquals("big: conv3d with extent 5 does not fit input 1x4x4x4", tooBig.getMessage());
		GraphException dense = assertThrows(GraphException.class, () -> g.dense("fc", in, 3));
		assertTrue(dense.getMessage().startsWith("fc: dense needs a feature vector; flatten or pool"), dense.getMessage());
		assertEquals(Shape.volume(2, 4, 4, 4), g.concat("cat", in, in).shape(), "volumes concatenate along channels");
		Node smaller = g.maxPool("half", in, 2);
		GraphException concat = assertThrows(GraphException.class, () -> g.concat("cat2", in, smaller));
		assertTrue(concat.getMessage().contains("concat joins volumes of the same depth, height and width"), concat.getMessage());
		GraphException mixed = assertThrows(GraphException.class, () -> g.concat("cat3", in, g.flatten("flat", in)));
		assertTrue(mixed.getMessage().contains("concat joins feature vectors or volumes, not both"), mixed.getMessage());
		g.conv3d("conv", in, 2, 3);
		assertEquals("duplicate node name 'conv'",
				assertThrows(GraphException.class, () -> g.conv3d("conv", in, 2, 3)).getMessage());
		assertThrows(GraphException.class, () -> g.concat("single", in));
		assertThrows(GraphException.class, () -> new Op.Dropout(1.0));
		assertThrows(GraphException.class, () -> new Op.Conv3d(0, c(3), c(1), c(1), Op.Padding.SAME, true));
	}

	@Test
	void theGraphMustEndInAClassifierThatEveryNodeLeadsTo() {
		GraphBuilder g = new GraphBuilder("t");
		Node in = g.input("in", 1, 4, 4, 4);
		Node gap = g.globalAveragePool("gap", in);
		assertThrows(GraphException.class, () -> g.build(gap));
		g.conv3d("dangling", in, 2, 3);
		GraphException e = assertThrows(GraphException.class,
				() -> g.build(g.classifier("out", gap, Op.Classifier.Output.SIGMOID)));
		assertEquals("node dangling does not lead to the output", e.getMessage());
	}

	@Test
	void generatedNamesAreUniqueAndStable() {
		GraphBuilder g = new GraphBuilder("t");
		Node in = g.input(null, 1, 4, 4, 4);
		Node a = g.conv3d(null, in, 2, 3);
		Node b = g.relu(null, g.conv3d(null, a, 2, 3));
		assertEquals("input_1", in.name());
		assertEquals("conv3d_1", a.name());
		assertEquals("relu_1", b.name());
		assertEquals("conv3d_2", b.inputs().get(0).name());
	}

	@Test
	void residualSqueezeExcitationAndCentreCropShapes() {
		GraphBuilder g = new GraphBuilder("t");
		Node in = g.input("in", 1, 20, 20, 20);
		Node a = g.conv3d("a", in, 8, 3);
		Node b = g.prelu("b_prelu", g.batchNorm("b_bn", g.conv3d("b", a, 8, 3)));
		assertEquals(16, b.inputs().get(0).parameters(), "batch norm: scale and shift per channel");
		assertEquals(16, b.inputs().get(0).state(), "batch norm: running mean and variance per channel");
		assertEquals(8, b.parameters(), "PReLU: one slope per channel");
		Node sum = g.add("sum", a, b);
		assertEquals(Shape.volume(8, 20, 20, 20), sum.shape());
		Node squeeze = g.globalAveragePool("se_gap", sum);
		Node excite = g.activation("se_sigmoid", g.dense("se_up", g.relu(null, g.dense("se_down", squeeze, 2)), 8),
				Op.Activation.Function.SIGMOID);
		Node scaled = g.channelScale("se_scale", sum, excite);
		assertEquals(sum.shape(), scaled.shape());
		Node crop = g.centerCrop("crop", scaled, new int[] { 10, 10, 10 });
		assertEquals(Shape.volume(8, 10, 10, 10), crop.shape());
		assertEquals(List.of(5, 5, 5), java.util.Arrays.stream(((Op.CenterCrop) crop.op()).before(scaled.shape())).boxed().toList());
		Node down = g.centralPool("cp", scaled, new int[] { 10, 10, 10 });
		Node joined = g.concat("join", crop, down);
		assertEquals(Shape.volume(16, 10, 10, 10), joined.shape());
		NetworkGraph net = g.build(g.classifier("out", g.globalAveragePool(null, joined), Op.Classifier.Output.SIGMOID));
		assertEquals(16, net.stateCount());

		assertThrows(GraphException.class, () -> g.add("bad_add", a, crop));
		assertThrows(GraphException.class, () -> g.concat("bad_concat", crop, scaled));
		assertThrows(GraphException.class, () -> g.concat("mixed", crop, squeeze));
		assertThrows(GraphException.class, () -> g.channelScale("bad_scale", joined, excite), "16 channels, 8 factors");
		assertThrows(GraphException.class, () -> g.centerCrop("too_big", crop, new int[] { 12, 10, 10 }));
		assertThrows(GraphException.class, () -> g.centralPool("too_many", crop, new int[] { 11, 4, 4 }));
	}

	@Test
	void centralPoolingWindowsAreNarrowAtTheCentreAndWideAtTheBorder() {
		for (int[] nm : new int[][] { { 40, 20 }, { 32, 16 }, { 20, 10 }, { 24, 9 }, { 10, 10 }, { 5, 4 }, { 7, 1 }, { 30, 7 } }) {
			int n = nm[0];
			int m = nm[1];
			int[] b = Op.CentralPool.bins(n, m);
			assertEquals(m + 1, b.length);
			assertEquals(0, b[0]);
			assertEquals(n, b[m]);
			int[] w = new int[m];
			for (int j = 0; j < m; j++) {
				w[j] = b[j + 1] - b[j];
				assertTrue(w[j] >= 1, "every window has a voxel: " + java.util.Arrays.toString(b));
			}
			for (int j = 0; j < m / 2; j++) {
				assertTrue(Math.abs(w[j] - w[m - 1 - j]) <= 1, "symmetric: " + java.util.Arrays.toString(w));
				if (j + 1 < m / 2) {
					assertTrue(w[j] >= w[j + 1], "widths grow toward the border: " + java.util.Arrays.toString(w));
				}
			}
		}
		int[] w40 = widths(Op.CentralPool.bins(40, 20));
		assertEquals(1, w40[9], "one voxel wide at the centre: " + java.util.Arrays.toString(w40));
		assertTrue(w40[0] >= 3, "wide at the border: " + java.util.Arrays.toString(w40));
	}

	private static int[] widths(int[] b) {
		int[] w = new int[b.length - 1];
		for (int j = 0; j < w.length; j++) {
			w[j] = b[j + 1] - b[j];
		}
		return w;
	}
}
