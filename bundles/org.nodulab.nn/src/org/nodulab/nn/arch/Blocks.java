package org.nodulab.nn.arch;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;

/**
 * Building blocks the architectures share, on a {@link GraphBuilder}. Names are derived from the given
 * prefix only (never from sizes), so that weights transfer between networks of other patch sizes.
 */
public final class Blocks {

	private Blocks() {
	}

	/** ReLU or PReLU. */
	public static Node activation(GraphBuilder g, String name, Node x, NetworkSettings.ActivationKind kind) {
		return kind == NetworkSettings.ActivationKind.PRELU ? g.prelu(name, x) : g.relu(name, x);
	}

	/** Convolution (no bias: batch norm follows), batch norm, activation: {@code name}, {@code name_bn}, {@code name_act}. */
	public static Node convBnAct(GraphBuilder g, String name, Node x, int filters, int kernel,
			NetworkSettings.ActivationKind kind) {
		return activation(g, name + "_act", convBn(g, name, x, filters, kernel), kind);
	}

	/** Convolution without bias and batch norm. */
	public static Node convBn(GraphBuilder g, String name, Node x, int filters, int kernel) {
		Node conv = g.conv3d(name, x, filters, GraphBuilder.cube(kernel), GraphBuilder.cube(1), GraphBuilder.cube(1),
				Op.Padding.SAME, false);
		return g.batchNorm(name + "_bn", conv);
	}

	/** Pre-activation convolution: batch norm, activation, convolution without bias (DenseNet's order). */
	public static Node bnActConv(GraphBuilder g, String name, Node x, int filters, int kernel,
			NetworkSettings.ActivationKind kind) {
		Node a = activation(g, name + "_act", g.batchNorm(name + "_bn", x), kind);
		return g.conv3d(name, a, filters, GraphBuilder.cube(kernel), GraphBuilder.cube(1), GraphBuilder.cube(1),
				Op.Padding.SAME, false);
	}

	/** Halves depth, height and width (rounding up) by max, average or central pooling. */
	public static Node downsample(GraphBuilder g, String name, Node x, NetworkSettings.Downsampling mode) {
		int[] s = x.shape().spatial();
		return switch (mode) {
		case MAX -> g.pool(name, x, Op.Pooling.MAX, GraphBuilder.cube(2), GraphBuilder.cube(2), Op.Padding.SAME);
		case AVERAGE -> g.pool(name, x, Op.Pooling.AVG, GraphBuilder.cube(2), GraphBuilder.cube(2), Op.Padding.SAME);
		case CENTRAL -> g.centralPool(name, x, new int[] { (s[0] + 1) / 2, (s[1] + 1) / 2, (s[2] + 1) / 2 });
		case STRIDED -> g.batchNorm(name + "_bn", g.conv3d(name, x, x.shape().channels(), GraphBuilder.cube(3), GraphBuilder.cube(2),
				GraphBuilder.cube(1), Op.Padding.SAME, false));
		};
	}

	/** {@link #downsampleWithCentreCrop} when {@code centreCrop}, else {@link #downsample}. */
	public static Node downsample(GraphBuilder g, String name, Node x, NetworkSettings.Downsampling mode, boolean centreCrop) {
		return centreCrop ? downsampleWithCentreCrop(g, name, x, mode, x) : downsample(g, name, x, mode);
	}

	/**
	 * As {@link #downsample(GraphBuilder, String, Node, NetworkSettings.Downsampling, boolean)}, the centre crop taken
	 * from the map or from the branch's {@code input} as {@code s.centreCropFrom} says.
	 */
	public static Node downsample(GraphBuilder g, String name, Node x, NetworkSettings s, boolean centreCrop, Node input) {
		if (!centreCrop) {
			return downsample(g, name, x, s.downsampling);
		}
		return downsampleWithCentreCrop(g, name, x, s.downsampling, s.centreCropFrom == NetworkSettings.CentreCropFrom.INPUT ? input : x);
	}

	/** The "v2" stem: two 3x3x3 conv-bn-act instead of one 5x5x5 ({@code <prefix>stem1}, {@code <prefix>stem2}). */
	public static Node stem(GraphBuilder g, String prefix, Node x, int filters, NetworkSettings.ActivationKind kind) {
		return convBnAct(g, prefix + "stem2", convBnAct(g, prefix + "stem1", x, filters, 3, kind), filters, 3, kind);
	}

	/** The stem {@code s.stem} asks for: v2 as {@link #stem(GraphBuilder, String, Node, int, NetworkSettings.ActivationKind)}, v1 one 5x5x5 conv-bn-act ({@code <prefix>stem1}). */
	public static Node stem(GraphBuilder g, String prefix, Node x, int filters, NetworkSettings s) {
		return s.stem == NetworkSettings.Stem.V1 ? convBnAct(g, prefix + "stem1", x, filters, 5, s.activation)
				: stem(g, prefix, x, filters, s.activation);
	}

	/**
	 * The centre-crop structure: the down-sampled map joined (channels) with the centre of the map
	 * before down-sampling, cropped to the same size, because the LUNA16 hit test rewards what lies at
	 * the candidate's centre.
	 */
	public static Node downsampleWithCentreCrop(GraphBuilder g, String name, Node x, NetworkSettings.Downsampling mode) {
		return downsampleWithCentreCrop(g, name, x, mode, x);
	}

	/** The centre-crop structure with the centre taken from {@code source} (the map itself, or the branch's input). */
	public static Node downsampleWithCentreCrop(GraphBuilder g, String name, Node x, NetworkSettings.Downsampling mode, Node source) {
		Node down = downsample(g, name, x, mode);
		Node centre = g.centerCrop(name + "_centre", source, down.shape().spatial());
		return g.concat(name + "_join", down, centre);
	}

	/**
	 * Squeeze-excitation: global average pooling, a dense bottleneck of {@code channels / reduction}
	 * units with ReLU, one sigmoid factor per channel, the map scaled by them.
	 */
	public static Node squeezeExcitation(GraphBuilder g, String name, Node x, int reduction) {
		int channels = x.shape().channels();
		Node squeeze = g.globalAveragePool(name + "_squeeze", x);
		Node down = g.relu(name + "_down_relu", g.dense(name + "_down", squeeze, Math.max(1, channels / reduction)));
		Node factors = g.activation(name + "_up_sigmoid", g.dense(name + "_up", down, channels), Op.Activation.Function.SIGMOID);
		return g.channelScale(name + "_scale", x, factors);
	}

	/** Input node {@code input<b>} of branch {@code b}: one channel per scale of the patch. */
	public static Node input(GraphBuilder g, int branch, PatchInput patch) {
		return g.input("input" + branch, patch.channels(), patch.size.get(0), patch.size.get(1), patch.size.get(2));
	}

	/** What an architecture builds on one input branch: from the branch's input to its last feature map. */
	@FunctionalInterface
	public interface BranchBody {
		/** Nodes of branch {@code b} are named with {@code prefix} = {@code b<b>_}. */
		Node build(GraphBuilder g, String prefix, Node input);
	}

	/**
	 * A network of one or more input branches: for each branch its input ({@code input<b>}), the body,
	 * global average pooling ({@code b<b>_gap}) or, with {@code head: flatten}, flattening
	 * ({@code b<b>_flatten}); then the {@link #head}.
	 */
	public static NetworkGraph branchedNetwork(String name, NetworkSettings s, BranchBody body) {
		GraphBuilder g = new GraphBuilder(name);
		List<Node> features = new ArrayList<>();
		for (int b = 0; b < s.branches.size(); b++) {
			String prefix = "b" + b + "_";
			Node x = body.build(g, prefix, input(g, b, s.branches.get(b)));
			features.add(s.head == NetworkSettings.Head.FLATTEN ? g.flatten(prefix + "flatten", x) : g.globalAveragePool(prefix + "gap", x));
		}
		return head(g, features, s);
	}

	/**
	 * The head: the branches' pooled features joined, an optional dense layer with the activation,
	 * dropout, the classifier.
	 */
	public static NetworkGraph head(GraphBuilder g, List<Node> features, NetworkSettings s) {
		Node x = features.size() == 1 ? features.get(0) : g.concat("merge", features.toArray(Node[]::new));
		if (s.denseUnits > 0) {
			x = activation(g, "fc_act", g.dense("fc", x, s.denseUnits), s.activation);
		}
		if (s.dropout > 0) {
			x = g.dropout("dropout", x, s.dropout);
		}
		return g.build(g.classifier("out", x, s.output));
	}
}
