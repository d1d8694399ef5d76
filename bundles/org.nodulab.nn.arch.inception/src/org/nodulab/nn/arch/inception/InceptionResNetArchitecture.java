package org.nodulab.nn.arch.inception;

import org.nodulab.nn.Architecture;
import org.nodulab.nn.arch.Blocks;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;

/**
 * 3D Inception-ResNet: the "v2" stem, blocks whose three branches (1x1x1; 1x1x1 then 3x3x3; 1x1x1
 * then two 3x3x3) are concatenated, projected back to the block's channels by a 1x1x1 convolution and
 * added to the block's input; reductions between stages by down-sampling (optionally joined with the
 * centre crop) and a 1x1x1 channel-adjusting convolution; global average pooling per branch.
 */
public class InceptionResNetArchitecture implements Architecture<InceptionResNetSettings> {

	@Override
	public NetworkGraph build(InceptionResNetSettings s) {
		return Blocks.branchedNetwork("inception-resnet", s, (g, p, input) -> {
			Node x = Blocks.stem(g, p, input, s.stemFilters, s);
			for (int stage = 0; stage < s.filters.size(); stage++) {
				String name = p + "s" + stage;
				if (stage > 0) {
					x = Blocks.downsample(g, name + "_down", x, s, s.centreCrop, input);
				}
				if (x.shape().channels() != s.filters.get(stage)) {
					x = Blocks.convBnAct(g, name + "_adjust", x, s.filters.get(stage), 1, s.activation);
				}
				for (int block = 0; block < s.blocksPerStage; block++) {
					x = block(g, name + "_i" + block, x, s);
				}
			}
			return x;
		});
	}

	private static Node block(GraphBuilder g, String name, Node x, InceptionResNetSettings s) {
		int k = s.branchFilters;
		Node a = Blocks.convBnAct(g, name + "_a1", x, k, 1, s.activation);
		Node b = Blocks.convBnAct(g, name + "_b3", Blocks.convBnAct(g, name + "_b1", x, k, 1, s.activation), k, 3,
				s.activation);
		Node c = Blocks.convBnAct(g, name + "_c1", x, k, 1, s.activation);
		c = Blocks.convBnAct(g, name + "_c3a", c, k, 3, s.activation);
		c = Blocks.convBnAct(g, name + "_c3b", c, k, 3, s.activation);
		Node mixed = Blocks.convBn(g, name + "_project", g.concat(name + "_cat", a, b, c), x.shape().channels(), 1);
		return Blocks.activation(g, name + "_act", g.add(name + "_add", x, mixed), s.activation);
	}
}
