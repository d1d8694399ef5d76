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
		GraphException concat = assertThrows(GraphException.class, () -> g.concat("cat", in, in));
		assertTrue(concat.getMessage().contains("concat joins feature vectors"), concat.getMessage());
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
}
