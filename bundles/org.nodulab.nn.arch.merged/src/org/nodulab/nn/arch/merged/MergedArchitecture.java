package org.nodulab.nn.arch.merged;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.core.experiment.ContributionRef;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComposedArchitecture;
import org.nodulab.nn.arch.Blocks;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.PatchSettings;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.GraphException;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;

/**
 * Several networks merged into one (D45): each member is built by its own architecture through the
 * registry, on the merged network's patches; its nodes are copied under the prefix {@code m<k>_}, its
 * inputs replaced by the shared ones ({@code input<b>}) and its classifier dropped; the features each
 * member's classifier would have read are joined ({@code merge}), optionally through a dense layer
 * ({@code fc}) and dropout, into one classifier ({@code out}).
 */
public class MergedArchitecture implements ComposedArchitecture<MergedSettings> {

	@Override
	public NetworkGraph build(MergedSettings s, ArchitectureRegistry registry) throws ContributionException {
		GraphBuilder g = new GraphBuilder("merged");
		List<Node> inputs = new ArrayList<>();
		for (int b = 0; b < s.branches.size(); b++) {
			inputs.add(Blocks.input(g, b, s.branches.get(b)));
		}
		List<Node> features = new ArrayList<>();
		for (int k = 0; k < s.members.size(); k++) {
			NetworkGraph member = member(s, k, registry);
			Map<Node, Node> copied = new IdentityHashMap<>();
			for (int b = 0; b < member.inputs().size(); b++) {
				Node own = member.inputs().get(b);
				if (!own.shape().equals(inputs.get(b).shape())) {
					throw new GraphException("members[" + k + "] ('" + s.members.get(k).id + "') reads " + own.shape() + " in branch " + b
							+ ", the merged network " + inputs.get(b).shape());
				}
				copied.put(own, inputs.get(b));
			}
			String prefix = "m" + k + "_";
			for (Node n : member.nodes()) {
				if (n.op() instanceof Op.Input || n == member.output()) {
					continue;
				}
				copied.put(n, g.add(prefix + n.name(), n.op(), n.inputs().stream().map(copied::get).toArray(Node[]::new)));
			}
			features.add(copied.get(member.output().inputs().get(0)));
		}
		Node x = g.concat("merge", features.toArray(Node[]::new));
		if (s.denseUnits > 0) {
			x = Blocks.activation(g, "fc_act", g.dense("fc", x, s.denseUnits), s.activation);
		}
		if (s.dropout > 0) {
			x = g.dropout("fc_dropout", x, s.dropout);
		}
		return g.build(g.classifier("out", x, s.output));
	}

	/** Member {@code k}'s network on the merged network's patches (its settings object left as it was). */
	private static NetworkGraph member(MergedSettings s, int k, ArchitectureRegistry registry) throws ContributionException {
		ContributionRef ref = s.members.get(k);
		Object settings = ref.resolvedSettings();
		if (settings == null) {
			if (ref.settings != null && !ref.settings.isNull() && !ref.settings.isEmpty()) {
				throw new ContributionException("members[" + k + "] ('" + ref.id + "'): its settings were not validated; load the experiment through the validator");
			}
			settings = registry.defaultSettings(registry.require(ref.id)).orElse(null);
		}
		if (!(settings instanceof PatchSettings patches)) {
			throw new GraphException("members[" + k + "] ('" + ref.id + "') does not expose its input patches, so it cannot read the merged network's");
		}
		List<PatchInput> own = patches.patches();
		patches.patches(s.branches);
		try {
			NetworkGraph graph = registry.build(ref.id, settings);
			if (graph.inputs().size() != s.branches.size()) {
				throw new GraphException("members[" + k + "] ('" + ref.id + "') has " + graph.inputs().size() + " inputs, the merged network "
						+ s.branches.size());
			}
			return graph;
		} finally {
			patches.patches(own);
		}
	}
}
