package org.nodulab.nn.arch.vgg;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.nn.Architecture;
import org.nodulab.nn.arch.Blocks;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;

/**
 * VGG-like 3D CNN: per branch, stages of 3x3x3 (or {@code kernel}) convolutions, optionally with batch norm,
 * with ReLU or PReLU (dilated by 2 in the last
 * {@code dilatedStages} stages), optional squeeze-excitation per stage, max pooling after the first
 * {@code poolings} stages, then global average pooling or flattening; branches are concatenated, then
 * a dense layer with ReLU and dropout, then the classifier. Layer names ({@code b0_s1_conv2},
 * {@code fc}, {@code out}) do not depend on input sizes, so weights transfer between patch sizes.
 */
public class VggArchitecture implements Architecture<VggSettings> {

	@Override
	public NetworkGraph build(VggSettings s) {
		GraphBuilder g = new GraphBuilder("vgg");
		List<Node> features = new ArrayList<>();
		for (int b = 0; b < s.branches.size(); b++) {
			Node x = Blocks.input(g, b, s.branches.get(b));
			for (int stage = 0; stage < s.filters.size(); stage++) {
				int dilation = stage >= s.filters.size() - s.dilatedStages ? 2 : 1;
				for (int c = 0; c < s.convsPerStage; c++) {
					String prefix = "b" + b + "_s" + stage + "_conv" + c;
					Node conv = g.conv3d(prefix, x, s.filters.get(stage), GraphBuilder.cube(s.kernel), GraphBuilder.cube(1),
							GraphBuilder.cube(dilation), Op.Padding.SAME, !s.batchNorm);
					if (s.batchNorm) {
						conv = g.batchNorm(prefix + "_bn", conv);
					}
					x = activation(g, prefix, conv, s);
				}
				if (s.squeezeExcitation) {
					x = Blocks.squeezeExcitation(g, "b" + b + "_s" + stage + "_se", x, 4);
				}
				if (stage < s.poolings) {
					x = g.maxPool("b" + b + "_s" + stage + "_pool", x, 2);
				}
			}
			features.add(s.head == VggSettings.Head.FLATTEN ? g.flatten("b" + b + "_flatten", x)
					: g.globalAveragePool("b" + b + "_gap", x));
		}
		Node merged = features.size() == 1 ? features.get(0) : g.concat("merge", features.toArray(Node[]::new));
		Node fc = activation(g, "fc", g.dense("fc", merged, s.denseUnits), s);
		Node dropped = s.dropout > 0 ? g.dropout("fc_dropout", fc, s.dropout) : fc;
		return g.build(g.classifier("out", dropped, s.output));
	}

	/** ReLU ({@code <name>_relu}) or PReLU ({@code <name>_prelu}). */
	private static Node activation(GraphBuilder g, String name, Node x, VggSettings s) {
		return s.activation == org.nodulab.nn.arch.NetworkSettings.ActivationKind.PRELU ? g.prelu(name + "_prelu", x)
				: g.relu(name + "_relu", x);
	}
}
