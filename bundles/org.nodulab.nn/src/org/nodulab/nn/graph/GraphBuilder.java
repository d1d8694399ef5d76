package org.nodulab.nn.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link NetworkGraph}, inferring every shape as it goes so a mistake is reported at the
 * node that makes it. Node names are given by the architecture or generated ({@code conv3d_3});
 * names must be unique and stable, since transfer learning matches layers by name.
 *
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("vgg");
 * Node x = g.input("patch40", 1, 40, 40, 40);
 * x = g.conv3d("b0_conv1", x, 32, 3);
 * x = g.relu(null, x);
 * x = g.maxPool(null, x, 2);
 * x = g.globalAveragePool(null, x);
 * NetworkGraph net = g.build(g.classifier("out", x, Op.Classifier.Output.SIGMOID));
 * }</pre>
 */
public final class GraphBuilder {

	private final String name;
	private final List<Node> nodes = new ArrayList<>();
	private final List<Node> inputs = new ArrayList<>();
	private final Map<String, Node> byName = new HashMap<>();
	private final Map<String, Integer> counters = new HashMap<>();

	public GraphBuilder(String name) {
		this.name = name;
	}

	/** Adds any operation. */
	public Node add(String nodeName, Op op, Node... in) {
		if (op.arity() >= 0 && in.length != op.arity()) {
			throw new GraphException(op.type() + " takes " + op.arity() + " input(s), got " + in.length);
		}
		if (op.arity() < 0 && in.length < 2) {
			throw new GraphException(op.type() + " takes two or more inputs, got " + in.length);
		}
		for (Node n : in) {
			if (n == null || byName.get(n.name()) != n) {
				throw new GraphException("input " + n + " does not belong to this graph");
			}
		}
		String resolved = nodeName == null ? generateName(op.type()) : nodeName;
		if (byName.containsKey(resolved)) {
			throw new GraphException("duplicate node name '" + resolved + "'");
		}
		Node node = new Node(resolved, op, Arrays.asList(in));
		nodes.add(node);
		byName.put(resolved, node);
		if (op instanceof Op.Input) {
			inputs.add(node);
		}
		return node;
	}

	private String generateName(String type) {
		String candidate;
		do {
			candidate = type + "_" + counters.merge(type, 1, Integer::sum);
		} while (byName.containsKey(candidate));
		return candidate;
	}

	/** A patch input: channels x depth x height x width. */
	public Node input(String nodeName, int channels, int depth, int height, int width) {
		return add(nodeName, new Op.Input(Shape.volume(channels, depth, height, width)));
	}

	/** Convolution with a cubic kernel, stride 1, no dilation, SAME padding, bias. */
	public Node conv3d(String nodeName, Node in, int filters, int kernel) {
		return conv3d(nodeName, in, filters, cube(kernel), cube(1), cube(1), Op.Padding.SAME, true);
	}

	public Node conv3d(String nodeName, Node in, int filters, int[] kernel, int[] stride, int[] dilation,
			Op.Padding padding, boolean bias) {
		return add(nodeName, new Op.Conv3d(filters, kernel, stride, dilation, padding, bias), in);
	}

	public Node relu(String nodeName, Node in) {
		return add(nodeName, new Op.Activation(Op.Activation.Function.RELU), in);
	}

	public Node activation(String nodeName, Node in, Op.Activation.Function function) {
		return add(nodeName, new Op.Activation(function), in);
	}

	/** Max pooling with a cubic window and stride equal to the window, SAME padding. */
	public Node maxPool(String nodeName, Node in, int size) {
		return add(nodeName, new Op.Pool3d(Op.Pooling.MAX, cube(size), cube(size), Op.Padding.SAME), in);
	}

	public Node pool(String nodeName, Node in, Op.Pooling pooling, int[] kernel, int[] stride, Op.Padding padding) {
		return add(nodeName, new Op.Pool3d(pooling, kernel, stride, padding), in);
	}

	public Node globalAveragePool(String nodeName, Node in) {
		return add(nodeName, new Op.GlobalPool(Op.Pooling.AVG), in);
	}

	public Node globalMaxPool(String nodeName, Node in) {
		return add(nodeName, new Op.GlobalPool(Op.Pooling.MAX), in);
	}

	public Node flatten(String nodeName, Node in) {
		return add(nodeName, new Op.Flatten(), in);
	}

	public Node concat(String nodeName, Node... in) {
		return add(nodeName, new Op.Concat(), in);
	}

	/** Element-wise sum (a residual connection). */
	public Node add(String nodeName, Node... in) {
		return add(nodeName, new Op.Add(), in);
	}

	/** Batch normalisation with epsilon 1e-5 and momentum 0.1. */
	public Node batchNorm(String nodeName, Node in) {
		return add(nodeName, Op.BatchNorm.defaults(), in);
	}

	/** PReLU with a learned slope per channel. */
	public Node prelu(String nodeName, Node in) {
		return add(nodeName, new Op.PRelu(), in);
	}

	/** Squeeze-excitation scaling of {@code volume} by one factor per channel. */
	public Node channelScale(String nodeName, Node volume, Node factors) {
		return add(nodeName, new Op.ChannelScale(), volume, factors);
	}

	/** The centre {@code size} voxels of a volume. */
	public Node centerCrop(String nodeName, Node in, int[] size) {
		return add(nodeName, new Op.CenterCrop(size), in);
	}

	/** Central pooling to {@code output} voxels (depth, height, width). */
	public Node centralPool(String nodeName, Node in, int[] output) {
		return add(nodeName, new Op.CentralPool(output), in);
	}

	public Node dense(String nodeName, Node in, int units) {
		return add(nodeName, new Op.Dense(units, true), in);
	}

	public Node dropout(String nodeName, Node in, double rate) {
		return add(nodeName, new Op.Dropout(rate), in);
	}

	public Node classifier(String nodeName, Node in, Op.Classifier.Output output) {
		return add(nodeName, new Op.Classifier(output), in);
	}

	/**
	 * Finishes the graph.
	 *
	 * @param output the classifier node
	 * @throws GraphException when the output is not a classifier, there is no input, or a node does not
	 *             lead to the output
	 */
	public NetworkGraph build(Node output) {
		if (!(output.op() instanceof Op.Classifier)) {
			throw new GraphException("the output must be a classifier node, got " + output);
		}
		if (inputs.isEmpty()) {
			throw new GraphException("the graph has no input");
		}
		List<Node> reachable = new ArrayList<>();
		collect(output, reachable);
		for (Node n : nodes) {
			if (!reachable.contains(n)) {
				throw new GraphException("node " + n.name() + " does not lead to the output");
			}
		}
		return new NetworkGraph(name, nodes, inputs, output);
	}

	private static void collect(Node node, List<Node> seen) {
		if (!seen.contains(node)) {
			seen.add(node);
			for (Node in : node.inputs()) {
				collect(in, seen);
			}
		}
	}

	/** {@code {n, n, n}}. */
	public static int[] cube(int n) {
		return new int[] { n, n, n };
	}
}
