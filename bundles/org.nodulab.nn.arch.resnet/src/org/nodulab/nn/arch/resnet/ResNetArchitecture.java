package org.nodulab.nn.arch.resnet;

import org.nodulab.nn.Architecture;
import org.nodulab.nn.arch.Blocks;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;

/**
 * 3D ResNet with basic blocks (conv-bn-act, conv-bn, shortcut, add, act), the "v2" stem of two 3x3x3
 * convolutions, down-sampling between stages by central (or max/average) pooling, optionally with the
 * centre-crop join, 1x1x1 convolutions on the shortcut where the channels change, optional
 * squeeze-excitation before or after the addition, global average pooling per branch.
 */
public class ResNetArchitecture implements Architecture<ResNetSettings> {

	@Override
	public NetworkGraph build(ResNetSettings s) {
		return Blocks.branchedNetwork("resnet", s, (g, p, input) -> {
			Node x = Blocks.stem(g, p, input, s.stemFilters, s.activation);
			for (int stage = 0; stage < s.filters.size(); stage++) {
				if (stage > 0) {
					x = Blocks.downsample(g, p + "s" + stage + "_down", x, s.downsampling, s.centreCrop);
				}
				for (int block = 0; block < s.blocksPerStage; block++) {
					x = block(g, p + "s" + stage + "_r" + block, x, s.filters.get(stage), s);
				}
			}
			return x;
		});
	}

	private static Node block(GraphBuilder g, String name, Node x, int filters, ResNetSettings s) {
		Node y = Blocks.convBnAct(g, name + "_conv1", x, filters, 3, s.activation);
		y = Blocks.convBn(g, name + "_conv2", y, filters, 3);
		if (s.squeezeExcitation == ResNetSettings.SqueezeExcitation.BEFORE_ADD) {
			y = Blocks.squeezeExcitation(g, name + "_se", y, s.seReduction);
		}
		Node shortcut = x.shape().channels() == filters ? x : Blocks.convBn(g, name + "_shortcut", x, filters, 1);
		Node sum = g.add(name + "_add", shortcut, y);
		if (s.squeezeExcitation == ResNetSettings.SqueezeExcitation.AFTER_ADD) {
			sum = Blocks.squeezeExcitation(g, name + "_se", sum, s.seReduction);
		}
		return Blocks.activation(g, name + "_act", sum, s.activation);
	}
}
