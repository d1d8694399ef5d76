package org.nodulab.nn.arch.inception.tests;

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
import org.nodulab.nn.arch.inception.InceptionResNetArchitecture;
import org.nodulab.nn.arch.inception.InceptionResNetSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.test.architectures.ArchitectureChecks;
import static org.nodulab.test.architectures.ArchitectureChecks.count;
import static org.nodulab.test.architectures.ArchitectureChecks.node;
import org.nodulab.test.support.Osgi;

/**
 * The Inception-ResNet architectures: their defaults and structure, and small configurations learning, saving,
 * loading and transferring weights on every installed compute backend.
 */
class InceptionResNetArchitectureTest {

	/** Trainable parameters of the defaults of each architecture this bundle contributes (docs/networks.md). */
	static final Map<String, Long> DEFAULT_PARAMETERS = new LinkedHashMap<>();
	static {
		DEFAULT_PARAMETERS.put("inception-resnet", 68_105L);
		DEFAULT_PARAMETERS.put("inception-resnet-cc", 72_713L);
	}

	/** Small configurations, by name, for a cube patch of a given side. */
	static Map<String, IntFunction<NetworkGraph>> small() {
		Map<String, IntFunction<NetworkGraph>> zoo = new LinkedHashMap<>();
		zoo.put("inception-resnet-cc", side -> {
			InceptionResNetSettings s = ArchitectureChecks.smallPatch(new InceptionResNetSettings.CentreCrop(), side);
			s.stemFilters = 8;
			s.filters = List.of(8, 12);
			s.blocksPerStage = 1;
			s.branchFilters = 4;
			return new InceptionResNetArchitecture().build(s);
		});
		zoo.put("inception-resnet v1 stem, centre crop of the input", side -> {
			InceptionResNetSettings s = ArchitectureChecks.smallPatch(new InceptionResNetSettings.CentreCrop(), side);
			s.stem = org.nodulab.nn.arch.NetworkSettings.Stem.V1;
			s.centreCropFrom = org.nodulab.nn.arch.NetworkSettings.CentreCropFrom.INPUT;
			s.stemFilters = 8;
			s.filters = List.of(8, 12);
			s.blocksPerStage = 1;
			s.branchFilters = 4;
			return new InceptionResNetArchitecture().build(s);
		});
		return zoo;
	}

	@Test
	void theBundleContributesTheseArchitecturesWithTheseDefaults() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		ArchitectureChecks.assertContributes(registry, "org.nodulab.nn.arch.inception", DEFAULT_PARAMETERS, id -> id.endsWith("-cc") ? 40 : 32);
	}

	@Test
	void smallConfigurationsLearnSaveLoadAndTransferOnEveryBackend() throws Exception {
		ArchitectureChecks.smallConfigurationsLearnOnEveryBackend(Osgi.services(ComputeBackend.class), small());
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

}
