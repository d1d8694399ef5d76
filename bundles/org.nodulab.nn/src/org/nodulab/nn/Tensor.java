package org.nodulab.nn;

import java.util.Arrays;

/** A backend-neutral array of parameters: its shape and values (row-major). */
public record Tensor(long[] shape, float[] values) {

	public Tensor {
		long n = 1;
		for (long d : shape) {
			n *= d;
		}
		if (n != values.length) {
			throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
		}
		shape = shape.clone();
	}

	public boolean sameShape(Tensor other) {
		return Arrays.equals(shape, other.shape);
	}

	@Override
	public String toString() {
		return "Tensor" + Arrays.toString(shape);
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof Tensor t && Arrays.equals(t.shape, shape) && Arrays.equals(t.values, values);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
	}
}
