package org.nodulab.nn.arch.resnet.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.resnet.ResNetArchitecture;
import org.nodulab.nn.arch.resnet.ResNetSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.test.architectures.ArchitectureChecks;
import static org.nodulab.test.architectures.ArchitectureChecks.count;
import static org.nodulab.test.architectures.ArchitectureChecks.node;
import org.nodulab.test.support.Osgi;

/**
 * The ResNet and SE-ResNet architectures: their defaults and structure, and small configurations learning, saving,
 * loading and transferring weights on every installed compute backend.
 */
class ResNetArchitectureTest {

	/** Trainable parameters of the defaults of each architecture this bundle contributes (docs/networks.md). */
	static final Map<String, Long> DEFAULT_PARAMETERS = new LinkedHashMap<>();
	static {
		DEFAULT_PARAMETERS.put("resnet", 522_609L);
		DEFAULT_PARAMETERS.put("se-resnet", 528_265L);
		DEFAULT_PARAMETERS.put("se-resnet-cc", 594_633L);
	}

	/** Small configurations, by name, for a cube patch of a given side. */
	static Map<String, IntFunction<NetworkGraph>> small() {
		Map<String, IntFunction<NetworkGraph>> zoo = new LinkedHashMap<>();
		zoo.put("resnet (prelu, central pooling)", side -> {
			ResNetSettings s = ArchitectureChecks.smallPatch(new ResNetSettings(), side);
			s.stemFilters = 8;
			s.filters = List.of(8, 16);
			s.blocksPerStage = 1;
			s.activation = NetworkSettings.ActivationKind.PRELU;
			return new ResNetArchitecture().build(s);
		});
		zoo.put("se-resnet-cc", side -> {
			ResNetSettings s = ArchitectureChecks.smallPatch(new ResNetSettings.SeResNetCentreCrop(), side);
			s.stemFilters = 8;
			s.filters = List.of(8, 16);
			s.blocksPerStage = 1;
			return new ResNetArchitecture().build(s);
		});
		zoo.put("se-resnet v2", side -> {
			ResNetSettings s = ArchitectureChecks.smallPatch(new ResNetSettings.SeResNet(), side);
			s.squeezeExcitation = ResNetSettings.SqueezeExcitation.BEFORE_ADD;
			s.stemFilters = 8;
			s.filters = List.of(8, 16);
			s.blocksPerStage = 1;
			s.downsampling = NetworkSettings.Downsampling.MAX;
			return new ResNetArchitecture().build(s);
		});
		zoo.put("resnet v1 (5^3 stem, strided blocks)", side -> {
			ResNetSettings s = ArchitectureChecks.smallPatch(new ResNetSettings(), side);
			s.stem = NetworkSettings.Stem.V1;
			s.downsampling = NetworkSettings.Downsampling.STRIDED;
			s.stemFilters = 8;
			s.filters = List.of(8, 16);
			s.blocksPerStage = 1;
			return new ResNetArchitecture().build(s);
		});
		zoo.put("resnet bottleneck, centre crop of the input", side -> {
			ResNetSettings s = ArchitectureChecks.smallPatch(new ResNetSettings(), side);
			s.block = ResNetSettings.Block.BOTTLENECK;
			s.centreCrop = true;
			s.centreCropFrom = NetworkSettings.CentreCropFrom.INPUT;
			s.stemFilters = 8;
			s.filters = List.of(8, 16);
			s.blocksPerStage = 1;
			return new ResNetArchitecture().build(s);
		});
		return zoo;
	}

	@Test
	void theBundleContributesTheseArchitecturesWithTheseDefaults() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		ArchitectureChecks.assertContributes(registry, "org.nodulab.nn.arch.resnet", DEFAULT_PARAMETERS, id -> id.endsWith("-cc") ? 40 : 32);
	}

	@Test
	void theNotebooksEarlierResNetsCanBeBuilt() {
		ResNetSettings v1 = new ResNetSettings();
		v1.stem = NetworkSettings.Stem.V1;
		v1.downsampling = NetworkSettings.Downsampling.STRIDED;
		NetworkGraph net = new ResNetArchitecture().build(v1);
		assertEquals(List.of(5, 5, 5), java.util.Arrays.stream(((Op.Conv3d) node(net, "b0_stem1").op()).kernel()).boxed().toList());
		assertFalse(net.nodes().stream().anyMatch(n -> n.name().equals("b0_stem2")), "v1 has one stem convolution");
		assertEquals(0, count(net, o -> o instanceof Op.CentralPool || o instanceof Op.Pool3d), "no pooling between stages");
		Op.Conv3d strided = (Op.Conv3d) node(net, "b0_s1_r0_conv1").op();
		assertEquals(2, strided.stride()[0]);
		assertEquals(2, ((Op.Conv3d) node(net, "b0_s1_r0_shortcut").op()).stride()[0]);
		assertEquals(1, ((Op.Conv3d) node(net, "b0_s1_r1_conv1").op()).stride()[0], "only a stage's first block is strided");
		assertEquals(Shape.volume(64, 8, 8, 8), node(net, "b0_s2_r1_act").shape(), "32 -> 16 -> 8 as with pooling");

		ResNetSettings v3 = new ResNetSettings();
		v3.block = ResNetSettings.Block.BOTTLENECK;
		NetworkGraph bottleneck = new ResNetArchitecture().build(v3);
		assertEquals(4, ((Op.Conv3d) node(bottleneck, "b0_s0_r0_reduce").op()).filters(), "a quarter of the stage's 16 filters");
		assertEquals(16, ((Op.Conv3d) node(bottleneck, "b0_s0_r0_expand").op()).filters());

		ResNetSettings flat = new ResNetSettings();
		flat.head = NetworkSettings.Head.FLATTEN;
		NetworkGraph dense = new ResNetArchitecture().build(flat);
		assertTrue(node(dense, "b0_flatten").op() instanceof Op.Flatten);
		assertEquals(0, count(dense, o -> o instanceof Op.GlobalPool), "no global pooling with the dense head (D22)");

		ResNetSettings input = new ResNetSettings.SeResNetCentreCrop();
		input.centreCropFrom = NetworkSettings.CentreCropFrom.INPUT;
		NetworkGraph fromInput = new ResNetArchitecture().build(input);
		assertEquals("input0", node(fromInput, "b0_s1_down_centre").inputs().get(0).name(), "D44: the centre of the input");
		assertEquals(Shape.volume(1, 20, 20, 20), node(fromInput, "b0_s1_down_centre").shape());
	}

	@Test
	void smallConfigurationsLearnSaveLoadAndTransferOnEveryBackend() throws Exception {
		ArchitectureChecks.smallConfigurationsLearnOnEveryBackend(Osgi.services(ComputeBackend.class), small());
	}

	@Test
	void aHandCountedResNet() {
		ResNetSettings s = new ResNetSettings();
		s.branches = List.of(PatchInput.cube(8));
		s.stemFilters = 2;
		s.filters = List.of(2);
		s.blocksPerStage = 1;
		s.dropout = 0;
		NetworkGraph net = new ResNetArchitecture().build(s);
		// stem: 1->2 (54) + bn (4), 2->2 (108) + bn (4); block: 108 + 4 + 108 + 4; classifier 2 + 1
		assertEquals(54 + 4 + 108 + 4 + 108 + 4 + 108 + 4 + 3, net.parameterCount());
		assertEquals(4 * 4, net.stateCount(), "four batch norms keep a running mean and variance per channel");
		assertEquals(1, count(net, op -> op instanceof Op.Add));
	}

	@Test
	void residualNetworksDownsampleCentrallyAndAdjustChannelsOnTheShortcut() {
		NetworkGraph net = new ResNetArchitecture().build(new ResNetSettings());
		assertEquals(2, count(net, op -> op instanceof Op.CentralPool), "two reductions between three stages");
		assertEquals(Shape.volume(16, 16, 16, 16), node(net, "b0_s1_down").shape());
		assertEquals(Shape.volume(64, 8, 8, 8), node(net, "b0_s2_r1_act").shape());
		assertTrue(net.nodes().stream().anyMatch(n -> n.name().equals("b0_s1_r0_shortcut")), "1x1x1 where 16 -> 32");
		assertFalse(net.nodes().stream().anyMatch(n -> n.name().equals("b0_s0_r0_shortcut")), "identity where 16 -> 16");
		assertEquals(0, count(net, op -> op instanceof Op.ChannelScale));

		ResNetSettings v1 = new ResNetSettings.SeResNet();
		NetworkGraph se1 = new ResNetArchitecture().build(v1);
		assertEquals(6, count(se1, op -> op instanceof Op.ChannelScale), "one SE per block");
		assertEquals("b0_s0_r0_add", node(se1, "b0_s0_r0_se_scale").inputs().get(0).name(), "v1: SE after the addition");
		ResNetSettings v2 = new ResNetSettings.SeResNet();
		v2.squeezeExcitation = ResNetSettings.SqueezeExcitation.BEFORE_ADD;
		NetworkGraph se2 = new ResNetArchitecture().build(v2);
		assertEquals("b0_s0_r0_se_scale", node(se2, "b0_s0_r0_add").inputs().get(1).name(), "v2: SE before the addition");

		NetworkGraph cc = new ResNetArchitecture().build(new ResNetSettings.SeResNetCentreCrop());
		assertEquals(Shape.volume(32, 20, 20, 20), node(cc, "b0_s1_down_join").shape(), "16 pooled + 16 cropped channels");
		assertEquals(Shape.volume(16, 20, 20, 20), node(cc, "b0_s1_down_centre").shape());
	}

}
