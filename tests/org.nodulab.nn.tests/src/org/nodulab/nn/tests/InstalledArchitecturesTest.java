package org.nodulab.nn.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.PatchSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.test.support.Osgi;

/**
 * Every installed architecture, found through the registry (the test runtime installs the architectures
 * feature): what the rest of Nodulab relies on without knowing the architecture. Each architecture's own
 * expectations (parameter counts, layer shapes) are in its test bundle, {@code org.nodulab.nn.arch.*.tests}.
 */
class InstalledArchitecturesTest {

	private final ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);

	/** The shipped architectures (not the impossible one this bundle contributes to test validation). */
	private List<ContributionDescriptor> installed() {
		List<ContributionDescriptor> all = registry.descriptors().stream()
				.filter(d -> !d.contributor().equals("org.nodulab.nn.tests")).toList();
		assertFalse(all.isEmpty(), "no architecture is installed");
		return all;
	}

	private PatchSettings defaults(ContributionDescriptor d) throws Exception {
		Object settings = registry.defaultSettings(d).orElseThrow(() -> new AssertionError(d.id() + " has no settings"));
		return assertInstanceOf(PatchSettings.class, settings, d.id() + ": settings must expose the input patches");
	}

	@Test
	void everyArchitectureBuildsItsDefaultsIntoOneProbability() throws Exception {
		StringBuilder report = new StringBuilder();
		for (ContributionDescriptor d : installed()) {
			NetworkGraph net = registry.build(d.id(), null);
			PatchSettings s = defaults(d);
			assertEquals(Shape.features(1), net.output().shape(), d.id());
			assertEquals(s.patches().size(), net.inputs().size(), d.id());
			for (int i = 0; i < s.patches().size(); i++) {
				PatchInput p = s.patches().get(i);
				assertEquals(Shape.volume(1, p.size.get(0), p.size.get(1), p.size.get(2)), net.inputShapes().get(i), d.id());
			}
			assertTrue(net.parameterCount() > 0, d.id());
			report.append(d.id()).append(' ').append(net.parameterCount()).append("; ");
		}
		System.out.println("installed architectures and their default parameter counts: " + report);
	}

	@Test
	void everyArchitectureTakesThreeBranchesAndASoftmax() throws Exception {
		for (ContributionDescriptor d : installed()) {
			PatchSettings s = defaults(d);
			s.patches(List.of(new PatchInput(26, 40, 40), new PatchInput(10, 30, 30), new PatchInput(6, 20, 20)));
			s.classifierOutput(Op.Classifier.Output.SOFTMAX);
			NetworkGraph net = registry.build(d.id(), s);
			assertEquals(3, net.inputs().size(), d.id());
			assertEquals(Shape.features(2), net.output().shape(), d.id());
		}
	}

	@Test
	void layerNamesAndParametersDoNotDependOnThePatchSize() throws Exception {
		for (ContributionDescriptor d : installed()) {
			PatchSettings small = defaults(d);
			PatchSettings large = defaults(d);
			small.patches(List.of(PatchInput.cube(20)));
			large.patches(List.of(PatchInput.cube(48)));
			NetworkGraph a = registry.build(d.id(), small);
			NetworkGraph b = registry.build(d.id(), large);
			assertEquals(a.nodes().stream().map(Node::name).toList(), b.nodes().stream().map(Node::name).toList(), d.id());
			assertEquals(a.parameterCount(), b.parameterCount(), d.id() + ": 20^3 weights fit a 48^3 network");
		}
	}

	/**
	 * Settings written out (a campaign applies its overrides to the written tree; a run records its experiment) read
	 * back without a problem: no helper method of a settings class leaks into the file as an unknown key.
	 */
	@Test
	void everyArchitecturesSettingsReadBackWhatTheyWrite() throws Exception {
		org.nodulab.core.settings.SettingsCodec codec = Osgi.service(org.nodulab.core.experiment.ExperimentValidator.class).codec();
		for (ContributionDescriptor d : installed()) {
			PatchSettings s = defaults(d);
			s.patches(List.of(PatchInput.cube(20)));
			s.patches().get(0).scales = new java.util.ArrayList<>(List.of(2.0, 1.0));
			s.patches().get(0).fieldOfView = new java.util.ArrayList<>(List.of(16.0, 16.0, 16.0));
			com.fasterxml.jackson.databind.JsonNode tree = codec.toTree(s);
			List<org.nodulab.core.settings.SettingsProblem> problems = new java.util.ArrayList<>();
			Object back = codec.convert(tree, registry.settingsClass(d).orElseThrow(), "", problems);
			assertEquals(List.of(), problems.stream().map(p -> p.path() + ": " + p.message()).toList(), d.id() + ": " + tree);
			assertEquals(tree, codec.toTree(back), d.id());
			NetworkGraph net = registry.build(d.id(), back);
			assertEquals(Shape.volume(2, 20, 20, 20), net.inputShapes().get(0), d.id() + ": one channel per scale");
		}
	}
}
