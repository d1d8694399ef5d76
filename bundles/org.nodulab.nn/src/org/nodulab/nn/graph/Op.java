package org.nodulab.nn.graph;

import java.util.Arrays;
import java.util.List;

/**
 * The operations a network graph is made of. Each infers its output shape and parameter count from
 * its inputs, so architectures can be checked without any compute backend.
 */
public sealed interface Op {

	/** Output shape for the given input shapes; throws {@link GraphException} when they do not fit. */
	Shape outputShape(List<Shape> inputs);

	/** Number of trainable parameters. */
	long parameters(List<Shape> inputs);

	/** Short type name for summaries, e.g. {@code conv3d}. */
	String type();

	/** Expected number of inputs, or -1 for two or more. */
	default int arity() {
		return 1;
	}

	/** Padding of convolutions and poolings. */
	enum Padding {
		/** Output size ceil(input / stride): inputs padded with zeros as needed. */
		SAME,
		/** No padding: output size floor((input - extent) / stride) + 1. */
		VALID
	}

	/** A network input: one patch (branch). */
	record Input(Shape shape) implements Op {
		public Input {
			if (!shape.isVolume()) {
				throw new GraphException("inputs are volumes [channels, depth, height, width], got " + shape);
			}
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			return shape;
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return "input";
		}

		@Override
		public int arity() {
			return 0;
		}
	}

	/** 3D convolution over a volume. */
	record Conv3d(int filters, int[] kernel, int[] stride, int[] dilation, Padding padding, boolean bias)
			implements Op {
		public Conv3d {
			positive("filters", filters);
			triple("kernel", kernel);
			triple("stride", stride);
			triple("dilation", dilation);
			kernel = kernel.clone();
			stride = stride.clone();
			dilation = dilation.clone();
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			Shape in = volumeInput(this, inputs);
			int[] s = in.spatial();
			int[] out = new int[3];
			for (int i = 0; i < 3; i++) {
				out[i] = windowOutput(s[i], (kernel[i] - 1) * dilation[i] + 1, stride[i], padding, this, in);
			}
			return Shape.volume(filters, out[0], out[1], out[2]);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			Shape in = volumeInput(this, inputs);
			return (long) filters * in.channels() * kernel[0] * kernel[1] * kernel[2] + (bias ? filters : 0);
		}

		@Override
		public String type() {
			return "conv3d";
		}

		@Override
		public boolean equals(Object o) {
			return o instanceof Conv3d c && c.filters == filters && Arrays.equals(c.kernel, kernel)
					&& Arrays.equals(c.stride, stride) && Arrays.equals(c.dilation, dilation) && c.padding == padding
					&& c.bias == bias;
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(new int[] { filters, Arrays.hashCode(kernel), Arrays.hashCode(stride),
					Arrays.hashCode(dilation), padding.ordinal(), bias ? 1 : 0 });
		}

		@Override
		public String toString() {
			return "Conv3d[filters=" + filters + ", kernel=" + Arrays.toString(kernel) + ", stride="
					+ Arrays.toString(stride) + ", dilation=" + Arrays.toString(dilation) + ", padding=" + padding
					+ ", bias=" + bias + "]";
		}
	}

	/** Element-wise activation. */
	record Activation(Function function) implements Op {
		public enum Function {
			RELU, SIGMOID, TANH, IDENTITY
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			return inputs.get(0);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return function.name().toLowerCase(java.util.Locale.ROOT);
		}
	}

	/** Max or average pooling over a volume. */
	record Pool3d(Pooling pooling, int[] kernel, int[] stride, Padding padding) implements Op {
		public Pool3d {
			triple("kernel", kernel);
			triple("stride", stride);
			kernel = kernel.clone();
			stride = stride.clone();
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			Shape in = volumeInput(this, inputs);
			int[] s = in.spatial();
			int[] out = new int[3];
			for (int i = 0; i < 3; i++) {
				out[i] = windowOutput(s[i], kernel[i], stride[i], padding, this, in);
			}
			return Shape.volume(in.channels(), out[0], out[1], out[2]);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return pooling == Pooling.MAX ? "maxpool3d" : "avgpool3d";
		}

		@Override
		public boolean equals(Object o) {
			return o instanceof Pool3d p && p.pooling == pooling && Arrays.equals(p.kernel, kernel)
					&& Arrays.equals(p.stride, stride) && p.padding == padding;
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(new int[] { pooling.ordinal(), Arrays.hashCode(kernel), Arrays.hashCode(stride),
					padding.ordinal() });
		}

		@Override
		public String toString() {
			return "Pool3d[" + pooling + ", kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
					+ ", padding=" + padding + "]";
		}
	}

	/** Pooling kinds. */
	enum Pooling {
		MAX, AVG
	}

	/** Pooling over all voxels of each channel: volume to feature vector. */
	record GlobalPool(Pooling pooling) implements Op {
		@Override
		public Shape outputShape(List<Shape> inputs) {
			return Shape.features(volumeInput(this, inputs).channels());
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return pooling == Pooling.MAX ? "globalmaxpool" : "globalavgpool";
		}
	}

	/** Volume to feature vector, channel-major (channel, depth, height, width). */
	record Flatten() implements Op {
		@Override
		public Shape outputShape(List<Shape> inputs) {
			Shape in = volumeInput(this, inputs);
			long n = in.size();
			if (n > Integer.MAX_VALUE) {
				throw new GraphException("flatten of " + in + " is too large");
			}
			return Shape.features((int) n);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return "flatten";
		}
	}

	/** Concatenation of feature vectors (the merge of branches before the classifier). */
	record Concat() implements Op {
		@Override
		public Shape outputShape(List<Shape> inputs) {
			int total = 0;
			for (Shape s : inputs) {
				if (!s.isFeatures()) {
					throw new GraphException("concat joins feature vectors; flatten or pool volumes first, got " + s);
				}
				total += s.channels();
			}
			return Shape.features(total);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return "concat";
		}

		@Override
		public int arity() {
			return -1;
		}
	}

	/** Fully connected layer over a feature vector. */
	record Dense(int units, boolean bias) implements Op {
		public Dense {
			positive("units", units);
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			featuresInput(this, inputs);
			return Shape.features(units);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return (long) featuresInput(this, inputs).channels() * units + (bias ? units : 0);
		}

		@Override
		public String type() {
			return "dense";
		}
	}

	/** Dropout: each value is zeroed with probability {@code rate} during training. */
	record Dropout(double rate) implements Op {
		public Dropout {
			if (!(rate >= 0 && rate < 1)) {
				throw new GraphException("dropout rate must be in [0, 1), got " + rate);
			}
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			return inputs.get(0);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return "dropout";
		}
	}

	/**
	 * The binary classifier that ends every network: a dense layer with one sigmoid unit or a 2-way
	 * softmax; its output is the probability that the candidate is a nodule.
	 */
	record Classifier(Output output) implements Op {
		public enum Output {
			/** One unit, sigmoid, binary cross-entropy. */
			SIGMOID,
			/** Two units, softmax, categorical cross-entropy; class 1 is "nodule". */
			SOFTMAX
		}

		public int units() {
			return output == Output.SIGMOID ? 1 : 2;
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			featuresInput(this, inputs);
			return Shape.features(units());
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return (long) featuresInput(this, inputs).channels() * units() + units();
		}

		@Override
		public String type() {
			return "classifier";
		}
	}

	private static Shape volumeInput(Op op, List<Shape> inputs) {
		Shape in = inputs.get(0);
		if (!in.isVolume()) {
			throw new GraphException(op.type() + " needs a volume input, got " + in);
		}
		return in;
	}

	private static Shape featuresInput(Op op, List<Shape> inputs) {
		Shape in = inputs.get(0);
		if (!in.isFeatures()) {
			throw new GraphException(op.type() + " needs a feature vector; flatten or pool the volume " + in + " first");
		}
		return in;
	}

	private static int windowOutput(int size, int extent, int stride, Padding padding, Op op, Shape in) {
		int out = padding == Padding.SAME ? (size + stride - 1) / stride : (size - extent) / stride + 1;
		if (padding == Padding.VALID && size < extent || out < 1) {
			throw new GraphException(op.type() + " with extent " + extent + " does not fit input " + in);
		}
		return out;
	}

	private static void positive(String name, int value) {
		if (value < 1) {
			throw new GraphException(name + " must be positive, got " + value);
		}
	}

	private static void triple(String name, int[] values) {
		if (values == null || values.length != 3) {
			throw new GraphException(name + " needs 3 values (depth, height, width)");
		}
		for (int v : values) {
			positive(name, v);
		}
	}
}
