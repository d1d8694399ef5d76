package org.nodulab.nn.arch.merged.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.arch.PatchSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.test.support.Osgi;

/**
 * D45: two single-branch networks merged into one, trained as a whole. The merged graph is each member's graph
 * without its classifier, reading shared inputs, joined before one classifier; members whose input sizes disagree
 * are refused at validation with their line.
 */
class MergedArchitectureTest {

	@TempDir
	Path dir;

	private final ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);

	@Test
	void theMergedNetworkIsEachMemberUpToItsClassifierOnSharedInputs() throws Exception {
		NetworkGraph merged = registry.build("merged", null);
		NetworkGraph dense = registry.build("densenet-cc", null);
		NetworkGraph resnet = registry.build("se-resnet-cc", null);
		assertEquals(List.of(Shape.volume(1, 40, 40, 40)), merged.inputShapes(), "one shared 40^3 input (D45)");
		assertEquals(Shape.features(1), merged.output().shape());
		// every member node but its input and classifier, prefixed; the same operations and shapes
		for (int k = 0; k < 2; k++) {
			NetworkGraph member = k == 0 ? dense : resnet;
			String prefix = "m" + k + "_";
			for (Node n : member.nodes()) {
				if (n.op() instanceof Op.Input || n == member.output()) {
					continue;
				}
				Node copy = merged.nodes().stream().filter(m -> m.name().equals(prefix + n.name())).findFirst()
						.orElseThrow(() -> new AssertionError("no copy " + prefix + n.name()));
				assertEquals(n.shape(), copy.shape(), n.name());
				assertEquals(n.op(), copy.op(), n.name());
			}
		}
		Node join = merged.output().inputs().get(0);
		assertEquals("merge", join.name());
		long features = dense.output().inputs().get(0).shape().size() + resnet.output().inputs().get(0).shape().size();
		assertEquals(Shape.features((int) features), join.shape());
		long classifiers = dense.output().parameters() + resnet.output().parameters();
		assertEquals(dense.parameterCount() + resnet.parameterCount() - classifiers + features + 1, merged.parameterCount(),
				"the members' parameters without their classifiers, and one classifier on the joined features");
	}

	@Test
	void membersReadTheMergedPatchesAndTheirOwnSettings() throws Exception {
		Path file = dir.resolve("d45.yaml");
		Files.writeString(file, """
				name: d45
				dataset: {path: data}
				architectures:
				  - id: merged
				    settings:
				      branches: [{size: [32, 32, 32]}]
				      members:
				        - id: densenet-cc
				          settings: {bottleneck: false, activation: prelu, branches: [{size: [32, 32, 32]}]}
				        - id: vgg
				          settings: {filters: [8, 16]}
				      denseUnits: 16
				""");
		Experiment e = Osgi.service(ExperimentValidator.class).load(file);
		PatchSettings settings = assertInstanceOf(PatchSettings.class, e.architectures.get(0).resolvedSettings());
		NetworkGraph graph = registry.build("merged", settings);
		assertEquals(List.of(Shape.volume(1, 32, 32, 32)), graph.inputShapes());
		assertTrue(graph.nodes().stream().anyMatch(n -> n.name().startsWith("m0_") && n.op() instanceof Op.PRelu),
				"member 0 keeps its own settings (PReLU)");
		assertTrue(graph.nodes().stream().anyMatch(n -> n.name().equals("m1_b0_s1_conv0") && n.shape().channels() == 16),
				"member 1 keeps its own settings (filters)");
		assertTrue(graph.nodes().stream().anyMatch(n -> n.name().equals("fc")));
	}

	@Test
	void membersWhoseInputSizesDisagreeAreRefusedWithTheirLine() throws Exception {
		Path file = dir.resolve("bad.yaml");
		Files.writeString(file, """
				name: bad
				dataset: {path: data}
				architectures:
				  - id: merged
				    settings:
				      members:
				        - id: densenet-cc
				          settings:
				            branches:
				              - size: [40, 40, 40]
				        - id: se-resnet-cc
				          settings:
				            branches:
				              - size: [32, 32, 32]
				            dropout: 1.5
				        - id: no-such-network
				""");
		SettingsException e = assertThrows(SettingsException.class, () -> Osgi.service(ExperimentValidator.class).load(file));
		List<String> problems = e.problems().stream().map(p -> p.line() + " " + p.path() + ": " + p.message()).toList();
		assertEquals(3, problems.size(), problems.toString());
		assertTrue(problems.get(0).startsWith("14 architectures[0].settings.members[1].settings.branches[0].size: member 1 ('se-resnet-cc') reads a 32x32x32 patch in branch 0, the merged network 40x40x40"),
				problems.toString());
		assertTrue(problems.stream().anyMatch(p -> p.startsWith("15 architectures[0].settings.members[1].settings.dropout: must be between 0 and 1")),
				problems.toString());
		assertTrue(problems.stream().anyMatch(p -> p.startsWith("16 architectures[0].settings.members[2].id:") && p.contains("no-such-network")),
				problems.toString());
	}

	/** Trainable parameters of the default merged network: the centre-crop DenseNet and SE-ResNet less one classifier bias. */
	static final java.util.Map<String, Long> DEFAULT_PARAMETERS = java.util.Map.of("merged", 510_305L + 594_633L - 1);

	@Test
	void theBundleContributesMergedWithItsDefaults() throws Exception {
		org.nodulab.test.architectures.ArchitectureChecks.assertContributes(registry, "org.nodulab.nn.arch.merged", DEFAULT_PARAMETERS,
				id -> 40);
	}

	/** Two small, different VGGs merged: the whole learns, saves, loads and transfers on both backends. */
	@Test
	void aSmallMergedNetworkLearnsSavesLoadsAndTransfersOnEveryBackend() throws Exception {
		Path file = dir.resolve("small.yaml");
		Files.writeString(file, """
				name: small-merged
				dataset: {path: data}
				architectures:
				  - id: merged
				    settings:
				      members:
				        - id: vgg
				          settings: {filters: [4, 8], convsPerStage: 1, poolings: 2, denseUnits: 8, dropout: 0.1}
				        - id: vgg
				          settings: {filters: [4], convsPerStage: 1, batchNorm: true, activation: prelu, kernel: 5, denseUnits: 4, dropout: 0}
				      denseUnits: 8
				""");
		PatchSettings settings = (PatchSettings) Osgi.service(ExperimentValidator.class).load(file).architectures.get(0).resolvedSettings();
		java.util.Map<String, java.util.function.IntFunction<NetworkGraph>> small = new java.util.LinkedHashMap<>();
		small.put("merged vgg + vgg (batch norm, prelu, 5^3 kernels)", side -> {
			settings.patches(List.of(org.nodulab.nn.arch.PatchInput.cube(side)));
			try {
				return registry.build("merged", settings);
			} catch (org.nodulab.core.registry.ContributionException e) {
				throw new AssertionError(e);
			}
		});
		org.nodulab.test.architectures.ArchitectureChecks.smallConfigurationsLearnOnEveryBackend(
				Osgi.services(org.nodulab.nn.ComputeBackend.class), small);
	}
}
