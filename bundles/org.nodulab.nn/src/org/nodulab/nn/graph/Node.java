package org.nodulab.nn.graph;

import java.util.List;

/** One named operation of a graph, its inputs and its inferred output shape. */
public final class Node {

	private final String name;
	private final Op op;
	private final List<Node> inputs;
	private final Shape shape;
	private final long parameters;
	private final long state;

	Node(String name, Op op, List<Node> inputs) {
		this.name = name;
		this.op = op;
		this.inputs = List.copyOf(inputs);
		List<Shape> inputShapes = this.inputs.stream().map(Node::shape).toList();
		try {
			this.shape = op.outputShape(inputShapes);
			this.parameters = op.parameters(inputShapes);
			this.state = op.state(inputShapes);
		} catch (GraphException e) {
			throw new GraphException(name + ": " + e.getMessage());
		}
	}

	public String name() {
		return name;
	}

	public Op op() {
		return op;
	}

	public List<Node> inputs() {
		return inputs;
	}

	/** Output shape of this node (without the batch dimension). */
	public Shape shape() {
		return shape;
	}

	/** Trainable parameters of this node. */
	public long parameters() {
		return parameters;
	}

	/** Non-trainable values a backend keeps with the parameters (batch norm's running statistics). */
	public long state() {
		return state;
	}

	@Override
	public String toString() {
		return name + " (" + op.type() + " -> " + shape + ")";
	}
}
