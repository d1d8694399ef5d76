package org.nodulab.nn.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.densenet.DenseNetArchitecture;
import org.nodulab.nn.arch.densenet.DenseNetSettings;
import org.nodulab.nn.arch.inception.InceptionResNetArchitecture;
import org.nodulab.nn.arch.inception.InceptionResNetSettings;
import org.nodulab.nn.arch.resnet.ResNetArchitecture;
import org.nodulab.nn.arch.resnet.ResNetSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.test.support.Osgi;

/** The architectures of the zoo: contributions, default shapes and parameter counts, variants, transfer names. */
class ArchitectureZooTest {

	/** Trainable parameters of each architecture's defaults (documented in docs/networks.md). */
	static final Map<String, Long> DEFAULT_PARAMETERS = new LinkedHashMap<>();
	static {
		DEFAULT_PARAMETERS.put("vgg", 223_377L);
		DEFAULT_PARAMETERS.put("resnet", 522_609L);
		DEFAULT_PARAMETERS.put("se-resnet", 528_265L);
		DEFAULT_PARAMETERS.put("se-resnet-cc", 594_633L);
		DEFAULT_PARAMETERS.put("densenet", 428_457L);
		DEFAULT_PARAMETERS.put("se-densenet", 446_947L);
		DEFAULT_PARAMETERS.put("densenet-cc", 510_305L);
		DEFAULT_PARAMETERS.put("inception-resnet", 68_105L);
		DEFAULT_PARAMETERS.put("inception-resnet-cc", 72_713L);
	}

	private final ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);

	private static long count(NetworkGraph net, Predicate<Op> kind) {
		return net.nodes().stream().filter(n -> kind.test(n.op())).count();
	}

	@Test
	void everyArchitectureIsContributedAndItsDefaultsBuild() throws Exception {
		Map<String, Long> actual = new LinkedHashMap<>();
		for (String id : DEFAULT_PARAMETERS.keySet()) {
			NetworkGraph net = registry.build(id, null);
			actual.put(id, net.parameterCount());
			assertEquals(Shape.features(1), net.output().shape(), id);
			int side = id.endsWith("-cc") ? 40 : 32;
			assertEquals(List.of(Shape.volume(1, side, side, side)), net.inputShapes(), id);
		}
		System.out.println("default parameter counts: " + actual);
		assertEquals(DEFAULT_PARAMETERS, actual);
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

	@Test
	void denseBlocksConcatenateAndTransitionsCompress() {
		DenseNetSettings s = new DenseNetSettings();
		NetworkGraph net = new DenseNetArchitecture().build(s);
		// stem 32 channels halved to 16^3; block 0: 32 + 4 x 16 = 96 channels, transition keeps 48; block 1: 48 + 64 =
		// 112 -> 56; block 2: 56 + 64 = 120
		assertEquals(Shape.volume(32, 16, 16, 16), node(net, "b0_stem_down").shape());
		assertEquals(Shape.volume(96, 16, 16, 16), node(net, "b0_d0_l3_cat").shape());
		assertEquals(Shape.volume(48, 8, 8, 8), node(net, "b0_t0_down").shape());
		assertEquals(Shape.volume(120, 4, 4, 4), node(net, "b0_d2_l3_cat").shape());
		assertEquals(Shape.features(120), node(net, "b0_gap").shape());
		assertTrue(node(net, "b0_t0_down").op() instanceof Op.Pool3d p && p.pooling() == Op.Pooling.AVG);

		s.squeezeExcitation = DenseNetSettings.SqueezeExcitation.LAYER;
		assertEquals(12, count(new DenseNetArchitecture().build(s), op -> op instanceof Op.ChannelScale), "v2: per layer");
		assertEquals(3, count(new DenseNetArchitecture().build(new DenseNetSettings.SeDenseNet()), op -> op instanceof Op.ChannelScale),
				"v1: per block");
		NetworkGraph cc = new DenseNetArchitecture().build(new DenseNetSettings.DenseNetCentreCrop());
		assertEquals(Shape.volume(64, 20, 20, 20), node(cc, "b0_stem_down_join").shape(), "32 pooled + 32 cropped");
		// block 0: 64 + 64 = 128 channels, transition keeps 64, joined with its 10^3 centre: 128
		assertEquals(Shape.volume(128, 10, 10, 10), node(cc, "b0_t0_down_join").shape());

		DenseNetSettings plain = new DenseNetSettings();
		plain.bottleneck = false;
		plain.denseUnits = 64;
		plain.activation = NetworkSettings.ActivationKind.PRELU;
		NetworkGraph dense = new DenseNetArchitecture().build(plain);
		assertEquals(0, dense.nodes().stream().filter(n -> n.name().contains("bottleneck")).count());
		assertTrue(count(dense, op -> op instanceof Op.PRelu) > 0);
		assertEquals(Shape.features(64), node(dense, "fc").shape());
	}

	@Test
	void inceptionBlocksAddThreeBranchesToTheirInput() {
		NetworkGraph net = new InceptionResNetArchitecture().build(new InceptionResNetSettings());
		assertEquals(Shape.volume(24, 32, 32, 32), node(net, "b0_s0_i0_cat").shape(), "3 branches of 8");
		assertEquals(Shape.volume(32, 32, 32, 32), node(net, "b0_s0_i0_add").shape());
		assertEquals(Shape.volume(48, 16, 16, 16), node(net, "b0_s1_adjust_act").shape(), "1x1x1 channel adjustment");
		assertEquals(6, count(net, op -> op instanceof Op.Add));
		NetworkGraph cc = new InceptionResNetArchitecture().build(new InceptionResNetSettings.CentreCrop());
		assertEquals(Shape.volume(64, 20, 20, 20), node(cc, "b0_s1_down_join").shape());
	}

	@Test
	void everyArchitectureTakesThreeBranchesAndASoftmax() throws Exception {
		for (String id : DEFAULT_PARAMETERS.keySet()) {
			Object settings = registry.defaultSettings(registry.require(id)).orElseThrow();
			if (settings instanceof NetworkSettings s) {
				s.branches = new ArrayList<>(List.of(new PatchInput(26, 40, 40), new PatchInput(10, 30, 30), new PatchInput(6, 20, 20)));
				s.output = Op.Classifier.Output.SOFTMAX;
			} else {
				org.nodulab.nn.arch.vgg.VggSettings v = (org.nodulab.nn.arch.vgg.VggSettings) settings;
				v.branches = List.of(new PatchInput(26, 40, 40), new PatchInput(10, 30, 30), new PatchInput(6, 20, 20));
				v.output = Op.Classifier.Output.SOFTMAX;
			}
			NetworkGraph net = registry.build(id, settings);
			assertEquals(3, net.inputs().size(), id);
			assertEquals(Shape.features(2), net.output().shape(), id);
		}
	}

	@Test
	void layerNamesAndParametersDoNotDependOnThePatchSize() throws Exception {
		for (String id : DEFAULT_PARAMETERS.keySet()) {
			Object small = registry.defaultSettings(registry.require(id)).orElseThrow();
			Object large = registry.defaultSettings(registry.require(id)).orElseThrow();
			if (small instanceof NetworkSettings s && large instanceof NetworkSettings l) {
				s.branches = new ArrayList<>(List.of(PatchInput.cube(20)));
				l.branches = new ArrayList<>(List.of(PatchInput.cube(48)));
				NetworkGraph a = registry.build(id, s);
				NetworkGraph b = registry.build(id, l);
				assertEquals(a.nodes().stream().map(Node::name).toList(), b.nodes().stream().map(Node::name).toList(), id);
				assertEquals(a.parameterCount(), b.parameterCount(), id + ": 20^3 weights fit a 48^3 network");
			}
		}
	}

	private static Node node(NetworkGraph net, String name) {
		return net.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
				.orElseThrow(() -> new AssertionError("no node " + name + " in " + net.name()));
	}
}
