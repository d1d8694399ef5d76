package org.nodulab.nn.graph;

import java.util.Arrays;

/**
 * Shape of one sample's tensor (the batch dimension is left out): a volume
 * {@code [channels, depth, height, width]} or a feature vector {@code [features]}.
 */
public final class Shape {

	private final int[] dims;

	private Shape(int... dims) {
		for (int d : dims) {
			if (d < 1) {
				throw new GraphException("tensor dimensions must be positive, got " + Arrays.toString(dims));
			}
		}
		this.dims = dims.clone();
	}

	public static Shape volume(int channels, int depth, int height, int width) {
		return new Shape(channels, depth, height, width);
	}

	public static Shape features(int features) {
		return new Shape(features);
	}

	public boolean isVolume() {
		return dims.length == 4;
	}

	public boolean isFeatures() {
		return dims.length == 1;
	}

	/** Channels of a volume, or the length of a feature vector. */
	public int channels() {
		return dims[0];
	}

	/** Depth, height, width of a volume. */
	public int[] spatial() {
		requireVolume();
		return new int[] { dims[1], dims[2], dims[3] };
	}

	public int depth() {
		requireVolume();
		return dims[1];
	}

	public int height() {
		requireVolume();
		return dims[2];
	}

	public int width() {
		requireVolume();
		return dims[3];
	}

	/** Number of values per sample. */
	public long size() {
		long n = 1;
		for (int d : dims) {
			n *= d;
		}
		return n;
	}

	public int[] dims() {
		return dims.clone();
	}

	private void requireVolume() {
		if (!isVolume()) {
			throw new GraphException("expected a volume [channels, depth, height, width], got " + this);
		}
	}

	@Override
	public boolean equals(Object obj) {
		return obj instanceof Shape other && Arrays.equals(dims, other.dims);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(dims);
	}

	@Override
	public String toString() {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < dims.length; i++) {
			b.append(i == 0 ? "" : "x").append(dims[i]);
		}
		return b.toString();
	}
}
