package org.nodulab.nn.arch.vgg.tests;

import static org.nodulab.test.architectures.ArchitectureChecks.count;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.Transfer;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.vgg.VggArchitecture;
import org.nodulab.nn.arch.vgg.VggSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.test.architectures.ArchitectureChecks;
import static org.nodulab.test.architectures.ArchitectureChecks.node;
import org.nodulab.test.support.Osgi;

/**
 * The VGG architecture: its defaults, branches and head, and small configurations learning, saving,
 * loading and transferring weights on every installed compute backend.
 */
class VggArchitectureTest {

	/** Trainable parameters of the defaults of each architecture this bundle contributes (docs/networks.md). */
	static final Map<String, Long> DEFAULT_PARAMETERS = Map.of("vgg", 223_377L);

	/** Small configurations, by name, for a cube patch of a given side. */
	static Map<String, IntFunction<NetworkGraph>> small() {
		Map<String, IntFunction<NetworkGraph>> zoo = new LinkedHashMap<>();
		zoo.put("vgg (dilated, SE)", side -> {
			VggSettings s = new VggSettings();
			s.branches = List.of(new PatchInput(side, side, side));
			s.filters = List.of(8, 16);
			s.convsPerStage = 1;
			s.dilatedStages = 1;
			s.squeezeExcitation = true;
			s.poolings = 2;
			s.denseUnits = 16;
			s.dropout = 0.1;
			return new VggArchitecture().build(s);
		});
		zoo.put("vgg (batch norm, prelu, 5^3 kernels)", side -> {
			VggSettings s = new VggSettings();
			s.branches = List.of(new PatchInput(side, side, side));
			s.filters = List.of(8, 16);
			s.kernel = 5;
			s.convsPerStage = 1;
			s.batchNorm = true;
			s.activation = org.nodulab.nn.arch.NetworkSettings.ActivationKind.PRELU;
			s.poolings = 2;
			s.denseUnits = 16;
			s.dropout = 0.1;
			return new VggArchitecture().build(s);
		});
		return zoo;
	}

	@Test
	void theBundleContributesVggWithItsDefaults() throws Exception {
		ArchitectureChecks.assertContributes(Osgi.service(ArchitectureRegistry.class), "org.nodulab.nn.arch.vgg",
				DEFAULT_PARAMETERS, id -> 32);
	}

	@Test
	void smallConfigurationsLearnSaveLoadAndTransferOnEveryBackend() throws Exception {
		ArchitectureChecks.smallConfigurationsLearnOnEveryBackend(Osgi.services(ComputeBackend.class), small());
	}

	@Test
	void transferDropsWhatDependsOnThePatchSize() throws Exception {
		VggSettings s = new VggSettings();
		s.branches = List.of(new PatchInput(16, 16, 16));
		s.filters = List.of(8);
		s.convsPerStage = 1;
		s.head = VggSettings.Head.FLATTEN;
		s.denseUnits = 8;
		VggSettings t = new VggSettings();
		t.branches = List.of(new PatchInput(20, 20, 20));
		t.filters = List.of(8);
		t.convsPerStage = 1;
		t.head = VggSettings.Head.FLATTEN;
		t.denseUnits = 8;
		for (ComputeBackend backend : ArchitectureChecks.bothBackends(Osgi.services(ComputeBackend.class))) {
			try (TrainableNetwork a = backend.create(new VggArchitecture().build(s), ArchitectureChecks.adam(), 1);
					TrainableNetwork b = backend.create(new VggArchitecture().build(t), ArchitectureChecks.adam(), 2)) {
				Transfer.Report r = Transfer.copy(a, b);
				assertEquals(List.of("b0_s0_conv0_W", "b0_s0_conv0_b", "fc_b", "out_W", "out_b"), r.copied().stream().sorted().toList(),
						backend.id());
				assertEquals(1, r.kept().size(), backend.id());
				assertTrue(r.kept().get(0).startsWith("fc_W Tensor[4096, 8] -> Tensor[8000, 8]"), backend.id() + ": " + r);
				assertEquals(List.of("fc_W"), r.dropped(), backend.id());
			}
		}
	}

	@Test
	void batchNormPreluAndTheKernelSizeAreTheNotebooksVggOptions() {
		VggSettings s = new VggSettings();
		s.kernel = 5;
		s.batchNorm = true;
		s.activation = org.nodulab.nn.arch.NetworkSettings.ActivationKind.PRELU;
		NetworkGraph net = new VggArchitecture().build(s);
		Op.Conv3d conv = (Op.Conv3d) node(net, "b0_s0_conv0").op();
		assertArrayEquals(new int[] { 5, 5, 5 }, conv.kernel());
		assertFalse(conv.bias(), "batch norm follows: no bias");
		assertTrue(node(net, "b0_s0_conv0_bn").op() instanceof Op.BatchNorm);
		assertTrue(node(net, "b0_s0_conv0_prelu").op() instanceof Op.PRelu);
		assertTrue(node(net, "fc_prelu").op() instanceof Op.PRelu);
		assertEquals(0, count(net, o -> o instanceof Op.Activation a && a.function() == Op.Activation.Function.RELU));
		s.kernel = 4;
		java.util.List<String> problems = new java.util.ArrayList<>();
		s.validate((k, m) -> problems.add(k + ": " + m));
		assertEquals(List.of("kernel: must be odd (the map keeps its size), got 4"), problems);
	}

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

}
