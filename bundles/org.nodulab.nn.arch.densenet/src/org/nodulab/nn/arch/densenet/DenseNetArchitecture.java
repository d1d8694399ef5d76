package org.nodulab.nn.arch.densenet;

import org.nodulab.nn.Architecture;
import org.nodulab.nn.arch.Blocks;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;

/**
 * 3D DenseNet: a stem of two 3x3x3 convolutions, dense blocks whose layers (bn-act-1x1x1 bottleneck,
 * bn-act-3x3x3) each concatenate their new maps to all before, transitions (bn-act-1x1x1 compression,
 * down-sampling, optionally joined with the centre crop), optional squeeze-excitation per block or per
 * layer, a final bn-act and global average pooling per branch.
 */
public class DenseNetArchitecture implements Architecture<DenseNetSettings> {

	@Override
	public NetworkGraph build(DenseNetSettings s) {
		return Blocks.branchedNetwork("densenet", s, (g, p, input) -> branch(g, p, input, s));
	}

	/** Stem, dense blocks with transitions between them, final bn-act. */
	private static Node branch(GraphBuilder g, String p, Node input, DenseNetSettings s) {
		Node x;
		if (s.stem == NetworkSettings.Stem.V1) { // one 5x5x5 convolution; the dense block starts with bn-act
			x = g.conv3d(p + "stem1", input, s.stemFilters, GraphBuilder.cube(5), GraphBuilder.cube(1), GraphBuilder.cube(1),
					Op.Padding.SAME, false);
		} else {
			x = Blocks.convBnAct(g, p + "stem1", input, s.stemFilters, 3, s.activation);
			x = g.conv3d(p + "stem2", x, s.stemFilters, GraphBuilder.cube(3), GraphBuilder.cube(1), GraphBuilder.cube(1),
					Op.Padding.SAME, false);
		}
		if (s.stemDownsampling) {
			x = Blocks.downsample(g, p + "stem_down", x, s, s.centreCrop, input);
		}
		for (int block = 0; block < s.layersPerBlock.size(); block++) {
			String name = p + "d" + block;
			for (int layer = 0; layer < s.layersPerBlock.get(block); layer++) {
				String l = name + "_l" + layer;
				Node y = x;
				if (s.bottleneck) {
					y = Blocks.bnActConv(g, l + "_bottleneck", y, 4 * s.growthRate, 1, s.activation);
				}
				y = Blocks.bnActConv(g, l + "_conv", y, s.growthRate, 3, s.activation);
				if (s.squeezeExcitation == DenseNetSettings.SqueezeExcitation.LAYER) {
					y = Blocks.squeezeExcitation(g, l + "_se", y, s.seReduction);
				}
				x = g.concat(l + "_cat", x, y);
			}
			if (s.squeezeExcitation == DenseNetSettings.SqueezeExcitation.BLOCK) {
				x = Blocks.squeezeExcitation(g, name + "_se", x, s.seReduction);
			}
			if (block < s.layersPerBlock.size() - 1) {
				String t = p + "t" + block;
				int kept = Math.max(1, (int) Math.floor(x.shape().channels() * s.compression));
				x = Blocks.bnActConv(g, t, x, kept, 1, s.activation);
				x = Blocks.downsample(g, t + "_down", x, s, s.centreCrop, input);
			}
		}
		return Blocks.activation(g, p + "final_act", g.batchNorm(p + "final_bn", x), s.activation);
	}
}
