package org.nodulab.nn;

import java.util.List;

import org.nodulab.nn.graph.Shape;

/**
 * A batch of samples for a network: one array per network input (branch), each holding
 * {@code size} samples in channel, depth, height, width order (NCDHW, width fastest), and one label
 * per sample (1 = nodule) or none for prediction.
 */
public record Batch(int size, List<float[]> inputs, float[] labels) {

	public Batch {
		inputs = List.copyOf(inputs);
		if (size < 1) {
			throw new IllegalArgumentException("a batch needs at least one sample");
		}
		if (labels != null && labels.length != size) {
			throw new IllegalArgumentException("expected " + size + " labels, got " + labels.length);
		}
	}

	/** Checks the arrays against the network's input shapes. */
	public void check(List<Shape> shapes) {
		if (shapes.size() != inputs.size()) {
			throw new IllegalArgumentException(
					"the network has " + shapes.size() + " input(s), the batch " + inputs.size());
		}
		for (int i = 0; i < shapes.size(); i++) {
			long expected = shapes.get(i).size() * size;
			if (inputs.get(i).length != expected) {
				throw new IllegalArgumentException("input " + i + ": expected " + size + " x " + shapes.get(i)
						+ " = " + expected + " values, got " + inputs.get(i).length);
			}
		}
	}
}
