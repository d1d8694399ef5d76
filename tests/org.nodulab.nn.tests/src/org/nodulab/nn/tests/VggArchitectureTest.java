package org.nodulab.nn.tests;

import org.nodulab.test.support.Osgi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.vgg.VggArchitecture;
import org.nodulab.nn.arch.vgg.VggSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;

class VggArchitectureTest {

	@Test
	void defaultsAreTheSingleBranch32CubeNetwork() {
		NetworkGraph net = new VggArchitecture().build(new VggSettings());
		assertEquals(List.of(Shape.volume(1, 32, 32, 32)), net.inputShapes());
		assertEquals(Shape.volume(16, 16, 16, 16), node(net, "b0_s0_pool").shape());
		assertEquals(Shape.volume(64, 16, 16, 16), node(net, "b0_s2_conv1").shape());
		assertEquals(Shape.features(64), node(net, "b0_gap").shape());
		assertEquals(Shape.features(1), net.output().shape());
		// 448 + 6,928 + 13,856 + 27,680 + 55,360 + 110,656 (convolutions) + 8,320 (fc) + 129 (out)
		assertEquals(223_377, net.parameterCount());
	}

	@Test
	void threeAnisotropicBranchesMergeBeforeTheClassifier() {
		VggSettings s = new VggSettings();
		s.branches = List.of(new PatchInput(26, 40, 40), new PatchInput(10, 30, 30), new PatchInput(6, 20, 20));
		s.filters = List.of(16, 32);
		s.poolings = 2;
		s.head = VggSettings.Head.FLATTEN;
		s.denseUnits = 256;
		s.output = Op.Classifier.Output.SOFTMAX;
		NetworkGraph net = new VggArchitecture().build(s);
		assertEquals(3, net.inputs().size());
		assertEquals(Shape.volume(32, 7, 10, 10), node(net, "b0_s1_pool").shape());
		assertEquals(Shape.volume(32, 3, 8, 8), node(net, "b1_s1_pool").shape());
		assertEquals(Shape.volume(32, 2, 5, 5), node(net, "b2_s1_pool").shape());
		assertEquals(Shape.features(22_400 + 6_144 + 1_600), node(net, "merge").shape());
		assertEquals(Shape.features(2), net.output().shape());
		assertTrue(net.output().op() instanceof Op.Classifier c && c.output() == Op.Classifier.Output.SOFTMAX);
	}

	@Test
	void layerNamesDoNotDependOnPatchSizeSoWeightsTransfer() {
		VggSettings small = new VggSettings();
		small.branches = List.of(new PatchInput(20, 20, 20));
		VggSettings large = new VggSettings();
		large.branches = List.of(new PatchInput(40, 40, 40));
		NetworkGraph a = new VggArchitecture().build(small);
		NetworkGraph b = new VggArchitecture().build(large);
		assertEquals(a.nodes().stream().map(Node::name).toList(), b.nodes().stream().map(Node::name).toList());
		assertEquals(a.parameterCount(), b.parameterCount());
	}

	@Test
	void theRegistryBuildsContributedArchitecturesFromDefaults() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		assertEquals(223_377, registry.build("vgg", null).parameterCount());
		assertEquals("org.nodulab.nn.arch.vgg", registry.require("vgg").contributor());
	}

	private static Node node(NetworkGraph net, String name) {
		return net.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
				.orElseThrow(() -> new AssertionError("no node " + name));
	}
}
