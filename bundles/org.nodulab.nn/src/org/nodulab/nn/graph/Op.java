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

	/** Number of non-trainable values a backend keeps with the parameters (batch norm's running statistics). */
	default long state(List<Shape> inputs) {
		return 0;
	}

	/** Short type name for summaries, e.g. {@code conv3d}. */
	String type();

	/**
	 * Floating-point operations of one sample's forward pass through this operation: 2 per multiply-add of a
	 * convolution or dense layer (a multiply and an add) plus 1 per output for a bias; 1 per element for
	 * element-wise operations (2 for batch norm's scale and shift, as at inference); one per window element
	 * for poolings; 0 for inputs, reshapes, crops, concatenation and dropout. Training a sample costs about
	 * 3x this (the forward pass, then the gradients of the inputs and of the weights).
	 */
	default long flops(List<Shape> inputs) {
		Shape out = outputShape(inputs);
		return switch (this) {
		case Conv3d c -> 2L * out.size() * inputs.get(0).channels() * c.kernel[0] * c.kernel[1] * c.kernel[2]
				+ (c.bias ? out.size() : 0);
		case Dense d -> 2L * inputs.get(0).size() * d.units() + (d.bias() ? d.units() : 0);
		case Classifier c -> 2L * inputs.get(0).size() * c.units() + c.units();
		case Pool3d p -> out.size() * p.kernel[0] * p.kernel[1] * p.kernel[2];
		case GlobalPool g -> inputs.get(0).size();
		case CentralPool c -> inputs.get(0).size();
		case BatchNorm b -> 2L * out.size();
		case Activation a -> a.function() == Activation.Function.IDENTITY ? 0 : out.size();
		case PRelu p -> out.size();
		case Add a -> (inputs.size() - 1L) * out.size();
		case ChannelScale c -> out.size();
		case Input i -> 0;
		case Flatten f -> 0;
		case Concat c -> 0;
		case CenterCrop c -> 0;
		case Dropout d -> 0;
		};
	}


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

	/**
	 * Concatenation along channels: of feature vectors (the merge of branches before the classifier),
	 * or of volumes with the same depth, height and width (dense blocks, centre-crop paths).
	 */
	record Concat() implements Op {
		@Override
		public Shape outputShape(List<Shape> inputs) {
			int total = 0;
			Shape first = inputs.get(0);
			for (Shape s : inputs) {
				if (s.isFeatures() != first.isFeatures()) {
					throw new GraphException("concat joins feature vectors or volumes, not both: " + inputs);
				}
				if (s.isVolume() && !Arrays.equals(s.spatial(), first.spatial())) {
					throw new GraphException("concat joins volumes of the same depth, height and width, got " + inputs);
				}
				total += s.channels();
			}
			return first.isFeatures() ? Shape.features(total)
					: Shape.volume(total, first.depth(), first.height(), first.width());
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

	/** Element-wise sum of inputs of one shape (residual connections). */
	record Add() implements Op {
		@Override
		public Shape outputShape(List<Shape> inputs) {
			for (Shape s : inputs) {
				if (!s.equals(inputs.get(0))) {
					throw new GraphException("add needs inputs of one shape, got " + inputs);
				}
			}
			return inputs.get(0);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return "add";
		}

		@Override
		public int arity() {
			return -1;
		}
	}

	/**
	 * Batch normalisation per channel (volumes) or per unit (feature vectors): learned scale and shift
	 * (trainable), running mean and variance (state).
	 */
	record BatchNorm(double epsilon, double momentum) implements Op {
		public BatchNorm {
			if (!(epsilon > 0) || !(momentum > 0 && momentum < 1)) {
				throw new GraphException("batch norm needs epsilon > 0 and momentum in (0, 1), got " + epsilon + ", " + momentum);
			}
		}

		/** PyTorch's and Keras' usual values: epsilon 1e-5, running averages updated by 10% per batch. */
		public static BatchNorm defaults() {
			return new BatchNorm(1e-5, 0.1);
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			return inputs.get(0);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 2L * inputs.get(0).channels();
		}

		@Override
		public long state(List<Shape> inputs) {
			return 2L * inputs.get(0).channels();
		}

		@Override
		public String type() {
			return "batchnorm";
		}
	}

	/** PReLU with one learned slope per channel (volumes) or per unit (feature vectors), initialised to 0.25. */
	record PRelu() implements Op {
		@Override
		public Shape outputShape(List<Shape> inputs) {
			return inputs.get(0);
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return inputs.get(0).channels();
		}

		@Override
		public String type() {
			return "prelu";
		}
	}

	/**
	 * Squeeze-excitation scaling: a volume {@code [C, D, H, W]} multiplied channel by channel by a
	 * feature vector {@code [C]} (the excitation, usually after a sigmoid).
	 */
	record ChannelScale() implements Op {
		@Override
		public Shape outputShape(List<Shape> inputs) {
			Shape volume = inputs.get(0);
			Shape scale = inputs.get(1);
			if (!volume.isVolume() || !scale.isFeatures() || scale.channels() != volume.channels()) {
				throw new GraphException("channel scaling takes a volume and one factor per channel, got " + inputs);
			}
			return volume;
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return "channelscale";
		}

		@Override
		public int arity() {
			return 2;
		}
	}

	/** The centre {@code size} voxels (depth, height, width) of a volume; odd margins leave one more voxel at the end. */
	record CenterCrop(int[] size) implements Op {
		public CenterCrop {
			triple("size", size);
			size = size.clone();
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			Shape in = volumeInput(this, inputs);
			int[] s = in.spatial();
			for (int i = 0; i < 3; i++) {
				if (size[i] > s[i]) {
					throw new GraphException("cannot crop " + Arrays.toString(size) + " from " + in);
				}
			}
			return Shape.volume(in.channels(), size[0], size[1], size[2]);
		}

		/** Voxels removed before the crop along each axis (the rest is removed after it). */
		public int[] before(Shape in) {
			int[] s = in.spatial();
			return new int[] { (s[0] - size[0]) / 2, (s[1] - size[1]) / 2, (s[2] - size[2]) / 2 };
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return "centercrop";
		}

		@Override
		public boolean equals(Object o) {
			return o instanceof CenterCrop c && Arrays.equals(c.size, size);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(size);
		}

		@Override
		public String toString() {
			return "CenterCrop[size=" + Arrays.toString(size) + "]";
		}
	}

	/**
	 * Central pooling: max pooling to a given output size with non-uniform windows, one voxel wide at
	 * the centre and growing linearly toward the border, so the candidate's surroundings keep their
	 * detail and the periphery is summarised (central-focused CNNs). Along an axis of {@code n} voxels
	 * pooled to {@code m}, {@link #bins} gives the window boundaries.
	 */
	record CentralPool(int[] output) implements Op {
		public CentralPool {
			triple("output", output);
			output = output.clone();
		}

		@Override
		public Shape outputShape(List<Shape> inputs) {
			Shape in = volumeInput(this, inputs);
			int[] s = in.spatial();
			for (int i = 0; i < 3; i++) {
				if (output[i] > s[i]) {
					throw new GraphException("central pooling to " + Arrays.toString(output) + " needs at least as many voxels, got " + in);
				}
			}
			return Shape.volume(in.channels(), output[0], output[1], output[2]);
		}

		/**
		 * Window boundaries along one axis: {@code m + 1} increasing indices from 0 to {@code n}; window
		 * {@code j} covers {@code [b[j], b[j+1])}. Window widths grow with the distance from the centre
		 * (width proportional to 1 + distance, rounded so they add up to {@code n}) and are symmetric.
		 */
		public static int[] bins(int n, int m) {
			if (m < 1 || m > n) {
				throw new GraphException("central pooling of " + n + " voxels to " + m + " windows is impossible");
			}
			double centre = (m - 1) / 2.0;
			double[] weight = new double[m];
			double total = 0;
			for (int j = 0; j < m; j++) {
				weight[j] = 1 + Math.abs(j - centre);
				total += weight[j];
			}
			// widths: floor of the proportional share, at least 1, the remainder handed out symmetrically from the border
			int[] width = new int[m];
			int used = 0;
			for (int j = 0; j < m; j++) {
				width[j] = Math.max(1, (int) Math.floor(weight[j] / total * n));
				used += width[j];
			}
			int left = 0;
			int right = m - 1;
			while (used < n) {
				width[left]++;
				used++;
				if (used < n && right != left) {
					width[right]++;
					used++;
				}
				left++;
				right--;
				if (left > right) {
					left = 0;
					right = m - 1;
				}
			}
			while (used > n) { // only when n is barely above m: take back from the widest windows
				int widest = 0;
				for (int j = 1; j < m; j++) {
					widest = width[j] > width[widest] ? j : widest;
				}
				width[widest]--;
				used--;
			}
			int[] b = new int[m + 1];
			for (int j = 0; j < m; j++) {
				b[j + 1] = b[j] + width[j];
			}
			return b;
		}

		@Override
		public long parameters(List<Shape> inputs) {
			return 0;
		}

		@Override
		public String type() {
			return "centralpool";
		}

		@Override
		public boolean equals(Object o) {
			return o instanceof CentralPool c && Arrays.equals(c.output, output);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(output);
		}

		@Override
		public String toString() {
			return "CentralPool[output=" + Arrays.toString(output) + "]";
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
