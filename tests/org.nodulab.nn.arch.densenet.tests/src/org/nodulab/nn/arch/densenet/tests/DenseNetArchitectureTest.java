package org.nodulab.nn.arch.densenet.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.densenet.DenseNetArchitecture;
import org.nodulab.nn.arch.densenet.DenseNetSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.test.architectures.ArchitectureChecks;
import static org.nodulab.test.architectures.ArchitectureChecks.count;
import static org.nodulab.test.architectures.ArchitectureChecks.node;
import org.nodulab.test.support.Osgi;

/**
 * The DenseNet and SE-DenseNet architectures: their defaults and structure, and small configurations learning, saving,
 * loading and transferring weights on every installed compute backend.
 */
class DenseNetArchitectureTest {

	/** Trainable parameters of the defaults of each architecture this bundle contributes (docs/networks.md). */
	static final Map<String, Long> DEFAULT_PARAMETERS = new LinkedHashMap<>();
	static {
		DEFAULT_PARAMETERS.put("densenet", 428_457L);
		DEFAULT_PARAMETERS.put("se-densenet", 446_947L);
		DEFAULT_PARAMETERS.put("densenet-cc", 510_305L);
		DEFAULT_PARAMETERS.put("densebtnet", 510_305L); // densenet-cc on 32^3: parameters do not depend on the patch size
	}

	/** Small configurations, by name, for a cube patch of a given side. */
	static Map<String, IntFunction<NetworkGraph>> small() {
		Map<String, IntFunction<NetworkGraph>> zoo = new LinkedHashMap<>();
		zoo.put("densenet-cc (dense head)", side -> {
			DenseNetSettings s = ArchitectureChecks.smallPatch(new DenseNetSettings.DenseNetCentreCrop(), side);
			s.stemFilters = 8;
			s.growthRate = 4;
			s.layersPerBlock = List.of(2, 2);
			s.denseUnits = 16;
			return new DenseNetArchitecture().build(s);
		});
		zoo.put("se-densenet v2", side -> {
			DenseNetSettings s = ArchitectureChecks.smallPatch(new DenseNetSettings.SeDenseNet(), side);
			s.squeezeExcitation = DenseNetSettings.SqueezeExcitation.LAYER;
			s.stemFilters = 8;
			s.growthRate = 4;
			s.layersPerBlock = List.of(2, 2);
			s.downsampling = NetworkSettings.Downsampling.CENTRAL;
			return new DenseNetArchitecture().build(s);
		});
		zoo.put("densenet v1 (5^3 stem, strided transitions)", side -> {
			DenseNetSettings s = ArchitectureChecks.smallPatch(new DenseNetSettings(), side);
			s.stem = NetworkSettings.Stem.V1;
			s.downsampling = NetworkSettings.Downsampling.STRIDED;
			s.stemFilters = 8;
			s.growthRate = 4;
			s.layersPerBlock = List.of(2, 2);
			return new DenseNetArchitecture().build(s);
		});
		return zoo;
	}

	@Test
	void theBundleContributesTheseArchitecturesWithTheseDefaults() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		ArchitectureChecks.assertContributes(registry, "org.nodulab.nn.arch.densenet", DEFAULT_PARAMETERS, id -> id.endsWith("-cc") ? 40 : 32);
	}

	@Test
	void smallConfigurationsLearnSaveLoadAndTransferOnEveryBackend() throws Exception {
		ArchitectureChecks.smallConfigurationsLearnOnEveryBackend(Osgi.services(ComputeBackend.class), small());
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

}
