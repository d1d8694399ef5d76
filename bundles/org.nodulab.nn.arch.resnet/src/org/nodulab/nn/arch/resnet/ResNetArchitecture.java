package org.nodulab.nn.arch.resnet;

import org.nodulab.nn.Architecture;
import org.nodulab.nn.arch.Blocks;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;

/**
 * 3D ResNet with basic blocks (conv-bn-act, conv-bn, shortcut, add, act) or bottleneck blocks (1x1x1 reduce,
 * 3x3x3, 1x1x1 expand), the "v2" stem of two 3x3x3 convolutions (or v1's one 5x5x5), down-sampling between
 * stages by central (or max/average) pooling or by strided first blocks, optionally with the
 * centre-crop join, 1x1x1 convolutions on the shortcut where the channels change, optional
 * squeeze-excitation before or after the addition, global average pooling per branch.
 */
public class ResNetArchitecture implements Architecture<ResNetSettings> {

	@Override
	public NetworkGraph build(ResNetSettings s) {
		return Blocks.branchedNetwork("resnet", s, (g, p, input) -> {
			Node x = Blocks.stem(g, p, input, s.stemFilters, s);
			// strided blocks: ResNet's own down-sampling (the first block of a stage strided, a strided 1x1x1 shortcut)
			boolean stridedBlocks = s.downsampling == NetworkSettings.Downsampling.STRIDED && !s.centreCrop;
			for (int stage = 0; stage < s.filters.size(); stage++) {
				if (stage > 0 && !stridedBlocks) {
					x = Blocks.downsample(g, p + "s" + stage + "_down", x, s, s.centreCrop, input);
				}
				for (int block = 0; block < s.blocksPerStage; block++) {
					x = block(g, p + "s" + stage + "_r" + block, x, s.filters.get(stage), stridedBlocks && stage > 0 && block == 0 ? 2 : 1, s);
				}
			}
			return x;
		});
	}

	private static Node block(GraphBuilder g, String name, Node x, int filters, int stride, ResNetSettings s) {
		Node y;
		if (s.block == ResNetSettings.Block.BOTTLENECK) {
			int inner = Math.max(1, filters / 4);
			y = Blocks.convBnAct(g, name + "_reduce", x, inner, 1, s.activation);
			y = convBnAct(g, name + "_conv1", y, inner, 3, stride, s);
			y = Blocks.convBn(g, name + "_expand", y, filters, 1);
		} else {
			y = convBnAct(g, name + "_conv1", x, filters, 3, stride, s);
			y = Blocks.convBn(g, name + "_conv2", y, filters, 3);
		}
		if (s.squeezeExcitation == ResNetSettings.SqueezeExcitation.BEFORE_ADD) {
			y = Blocks.squeezeExcitation(g, name + "_se", y, s.seReduction);
		}
		Node shortcut = x.shape().channels() == filters && stride == 1 ? x
				: g.batchNorm(name + "_shortcut_bn", g.conv3d(name + "_shortcut", x, filters, GraphBuilder.cube(1),
						GraphBuilder.cube(stride), GraphBuilder.cube(1), Op.Padding.SAME, false));
		Node sum = g.add(name + "_add", shortcut, y);
		if (s.squeezeExcitation == ResNetSettings.SqueezeExcitation.AFTER_ADD) {
			sum = Blocks.squeezeExcitation(g, name + "_se", sum, s.seReduction);
		}
		return Blocks.activation(g, name + "_act", sum, s.activation);
	}

	/** conv-bn-act with a stride ({@link Blocks#convBnAct} when it is 1). */
	private static Node convBnAct(GraphBuilder g, String name, Node x, int filters, int kernel, int stride, ResNetSettings s) {
		if (stride == 1) {
			return Blocks.convBnAct(g, name, x, filters, kernel, s.activation);
		}
		Node conv = g.conv3d(name, x, filters, GraphBuilder.cube(kernel), GraphBuilder.cube(stride), GraphBuilder.cube(1),
				Op.Padding.SAME, false);
		return Blocks.activation(g, name + "_act", g.batchNorm(name + "_bn", conv), s.activation);
	}
}
