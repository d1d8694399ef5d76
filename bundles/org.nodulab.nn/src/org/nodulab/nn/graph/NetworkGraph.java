package org.nodulab.nn.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A network as built by an architecture: nodes in topological order, the inputs (one per branch,
 * in order) and the classifier output. Immutable; compute backends compile it.
 */
public final class NetworkGraph {

	private final String name;
	private final List<Node> nodes;
	private final List<Node> inputs;
	private final Node output;

	NetworkGraph(String name, List<Node> nodes, List<Node> inputs, Node output) {
		this.name = name;
		this.nodes = List.copyOf(nodes);
		this.inputs = List.copyOf(inputs);
		this.output = output;
	}

	public String name() {
		return name;
	}

	/** Every node, inputs first, each after the nodes it reads. */
	public List<Node> nodes() {
		return nodes;
	}

	public List<Node> inputs() {
		return inputs;
	}

	/** Input shapes, one per branch. */
	public List<Shape> inputShapes() {
		return inputs.stream().map(Node::shape).toList();
	}

	public Node output() {
		return output;
	}

	/** The classifier that ends the network. */
	public Op.Classifier classifier() {
		return (Op.Classifier) output.op();
	}

	/** Trainable parameters. */
	public long parameterCount() {
		return nodes.stream().mapToLong(Node::parameters).sum();
	}

	/**
	 * Floating-point operations of one sample's forward pass ({@link Op#flops}); a training step costs about
	 * three times this per sample.
	 */
	public long flopsPerSample() {
		return nodes.stream().mapToLong(n -> n.op().flops(n.inputs().stream().map(Node::shape).toList())).sum();
	}

	/** Non-trainable state kept with the parameters (batch norm's running mean and variance). */
	public long stateCount() {
		return nodes.stream().mapToLong(Node::state).sum();
	}

	/** Nodes that read the given node. */
	public List<Node> consumers(Node node) {
		List<Node> result = new ArrayList<>();
		for (Node n : nodes) {
			if (n.inputs().contains(node)) {
				result.add(n);
			}
		}
		return result;
	}

	/** A table of nodes, shapes, parameters and forward MFLOP per sample. */
	public String summary() {
		StringBuilder b = new StringBuilder();
		b.append(String.format(Locale.ROOT, "%-28s %-14s %-16s %12s %10s  %s%n", "node", "op", "output", "parameters",
				"MFLOP", "inputs"));
		for (Node n : nodes) {
			b.append(String.format(Locale.ROOT, "%-28s %-14s %-16s %,12d %10.2f  %s%n", n.name(), n.op().type(), n.shape(),
					n.parameters(), n.op().flops(n.inputs().stream().map(Node::shape).toList()) / 1e6,
					String.join(", ", n.inputs().stream().map(Node::name).toList())));
		}
		b.append(String.format(Locale.ROOT, "total parameters: %,d%n", parameterCount()));
		b.append(String.format(Locale.ROOT, "forward pass: %.3f GFLOP per sample%n", flopsPerSample() / 1e9));
		return b.toString();
	}
}
