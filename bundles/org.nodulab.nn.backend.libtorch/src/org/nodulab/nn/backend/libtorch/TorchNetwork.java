package org.nodulab.nn.backend.libtorch;

import static org.bytedeco.pytorch.global.torch.batch_norm;
import static org.bytedeco.pytorch.global.torch.native_batch_norm;
import static org.bytedeco.pytorch.global.torch.prelu;
import static org.bytedeco.pytorch.global.torch.zeros_like;
import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.dropout;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.max_pool3d;
import static org.bytedeco.pytorch.global.torch.avg_pool3d;
import static org.bytedeco.pytorch.global.torch.ones;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.bytedeco.pytorch.global.torch.zeros;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.nodulab.core.experiment.Precision;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.Batch;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;

/**
 * A network graph on libtorch: the graph is interpreted node by node with libtorch's functional
 * operators, so autograd differentiates it; the parameters are libtorch tensors under the same names
 * and in the same layouts as the DL4J backend's ({@code <node>_W} of a convolution {@code [out, in, d, h, w]},
 * of a dense layer {@code [in, out]}; batch norm {@code _gamma _beta _mean _log10stdev}; PReLU {@code [1,1,C,1]}),
 * so weights move between the backends unchanged. Semantics follow the DL4J backend: SAME padding puts
 * the odd voxel at the end, batch-norm momentum as in PyTorch, inverted dropout, He initialisation,
 * L2 on weights only, Adam and SGD with Nesterov momentum as DL4J computes them (implemented here, so
 * their state is saved with the network). Activations and convolution weights are channels-last (see
 * {@link TorchOps}: oneDNN's 3D convolutions are right on that layout only); batch norm in training is
 * libtorch's fused operator, with the running statistics kept as DL4J keeps them. {@code training.precision: bfloat16}
 * trains in mixed precision (the passes on bfloat16 casts, everything the optimiser keeps in float32), and
 * {@link #predictIn} bfloat16 predicts with bfloat16 copies of the weights, batch norms folded into their convolutions.
 */
final class TorchNetwork implements TrainableNetwork {

	private static final String MAGIC = "nodulab-libtorch-1";

	private final NetworkGraph graph;
	private final TrainingSettings training;
	private final boolean softmax;
	private final Map<String, org.bytedeco.pytorch.Tensor> params = new LinkedHashMap<>();
	/** Parameters the optimiser updates (everything but batch-norm statistics). */
	private final List<String> trainable = new ArrayList<>();
	/** Parameters with an L2 penalty (convolution, dense and classifier weights). */
	private final List<String> decayed = new ArrayList<>();
	private final Map<String, org.bytedeco.pytorch.Tensor> m = new HashMap<>();
	private final Map<String, org.bytedeco.pytorch.Tensor> v = new HashMap<>();
	private long steps;
	private int epoch;
	/** ReLUs applied in place: the only consumer of an output whose producer's gradient does not need it. */
	private final java.util.Set<Node> inPlace = new java.util.HashSet<>();

	/** Where the tensors live: {@code cpu} or {@code cuda:<n>} (the CUDA build). */
	private final org.bytedeco.pytorch.Device device;
	private final boolean onCpu;

	TorchNetwork(NetworkGraph graph, TrainingSettings training, long seed, String device) throws BackendException {
		this.graph = graph;
		this.device = new org.bytedeco.pytorch.Device(device);
		this.onCpu = "cpu".equals(device);
		this.training = training;
		this.softmax = graph.classifier().output() == Op.Classifier.Output.SOFTMAX;
		if (training.precision == Precision.BFLOAT16 && !onCpu) {
			throw new BackendException("libtorch backend: training.precision bfloat16 is offered on the CPU only, not on " + device);
		}
		manual_seed(seed);
		try (NoGradGuard guard = new NoGradGuard()) {
			for (Node n : graph.nodes()) {
				create(n);
			}
			if (!onCpu) { // initialised on the CPU (the same weights for a seed on every device), then moved
				for (Map.Entry<String, org.bytedeco.pytorch.Tensor> e : params.entrySet()) {
					e.setValue(TorchOps.layout(place(e.getValue().detach())).requires_grad_(e.getValue().requires_grad()));
				}
			}
		}
		for (Node n : graph.nodes()) {
			if (n.op() instanceof Op.Activation a && a.function() == Op.Activation.Function.RELU) {
				Node producer = n.inputs().get(0);
				boolean safe = producer.op() instanceof Op.BatchNorm || producer.op() instanceof Op.Conv3d || producer.op() instanceof Op.Add
						|| producer.op() instanceof Op.Concat;
				if (safe && graph.consumers(producer).size() == 1 && producer != graph.output()) {
					inPlace.add(n);
				}
			}
		}
		for (Node n : graph.nodes()) {
			if (n.op() instanceof Op.BatchNorm && n.inputs().get(0).op() instanceof Op.Conv3d && graph.consumers(n.inputs().get(0)).size() == 1
					&& n.inputs().get(0) != graph.output()) {
				folded.add(n);
			}
		}
		long count = parameterCount();
		if (count != graph.parameterCount() + graph.stateCount()) {
			throw new BackendException("libtorch backend: " + count + " parameter and state values for graph '" + graph.name()
					+ "' that has " + graph.parameterCount() + " + " + graph.stateCount());
		}
	}

	private void create(Node n) throws BackendException {
		String name = n.name();
		switch (n.op()) {
		case Op.Conv3d c -> {
			int in = n.inputs().get(0).shape().channels();
			long volume = (long) c.kernel()[0] * c.kernel()[1] * c.kernel()[2];
			double fanOut = (double) c.filters() * volume / ((double) c.stride()[0] * c.stride()[1] * c.stride()[2]); // as DL4J
			weight(name + "_W", TorchOps.layout(init(in * volume, fanOut, c.filters(), in, c.kernel()[0], c.kernel()[1], c.kernel()[2])), true);
			if (c.bias()) {
				weight(name + "_b", zeros(c.filters()), training.l2Biases);
			}
		}
		case Op.Dense d -> dense(name, n.inputs().get(0).shape().size(), d.units(), d.bias());
		case Op.Classifier c -> dense(name, n.inputs().get(0).shape().size(), softmax ? 2 : 1, true);
		case Op.BatchNorm b -> {
			int ch = n.shape().channels();
			weight(name + "_gamma", ones(ch), false);
			weight(name + "_beta", zeros(ch), false);
			params.put(name + "_mean", zeros(ch));
			params.put(name + "_log10stdev", zeros(ch).add(new Scalar(Math.log10(Math.sqrt(1 + b.epsilon())))));
		}
		case Op.PRelu p -> {
			int ch = n.shape().channels();
			params.put(name + "_W", ones(1, 1, ch, 1).mul(new Scalar(0.25)).requires_grad_(true));
			trainable.add(name + "_W");
		}
		default -> {
		}
		}
	}

	/** The tensor on this network's device. */
	private org.bytedeco.pytorch.Tensor place(org.bytedeco.pytorch.Tensor t) {
		return onCpu ? t : t.to(device, org.bytedeco.pytorch.global.torch.ScalarType.Float);
	}

	private void dense(String name, long in, long out, boolean bias) {
		weight(name + "_W", init(in, out, in, out), true);
		if (bias) {
			weight(name + "_b", zeros(out), training.l2Biases);
		}
	}

	/** Initial weights of the given shape by {@code training.weightInit}, with DL4J's fan-in and fan-out. */
	private org.bytedeco.pytorch.Tensor init(double fanIn, double fanOut, long... shape) {
		return switch (training.weightInit) {
		case HE_NORMAL -> randn(shape).mul(new Scalar(Math.sqrt(2.0 / fanIn)));
		case HE_UNIFORM -> rand(shape).mul(new Scalar(2.0)).sub(new Scalar(1.0)).mul(new Scalar(Math.sqrt(6.0 / fanIn)));
		case XAVIER_NORMAL -> randn(shape).mul(new Scalar(Math.sqrt(2.0 / (fanIn + fanOut))));
		case XAVIER_UNIFORM -> rand(shape).mul(new Scalar(2.0)).sub(new Scalar(1.0)).mul(new Scalar(Math.sqrt(6.0 / (fanIn + fanOut))));
		};
	}

	private void weight(String name, org.bytedeco.pytorch.Tensor t, boolean l2) {
		params.put(name, t.requires_grad_(true));
		trainable.add(name);
		if (l2) {
			decayed.add(name);
		}
	}

	/** The classifier's pre-activation (logits) of a batch. */
	private org.bytedeco.pytorch.Tensor forward(List<org.bytedeco.pytorch.Tensor> inputs, boolean train) {
		return forward(inputs, train, params);
	}

	/** The logits of a batch computed with the given parameters (this network's, or their bfloat16 copies). */
	private org.bytedeco.pytorch.Tensor forward(List<org.bytedeco.pytorch.Tensor> inputs, boolean train, Map<String, org.bytedeco.pytorch.Tensor> params) {
		Map<Node, org.bytedeco.pytorch.Tensor> out = new HashMap<>();
		int input = 0;
		for (Node n : graph.nodes()) {
			List<org.bytedeco.pytorch.Tensor> in = new ArrayList<>();
			for (Node i : n.inputs()) {
				in.add(out.get(i));
			}
			org.bytedeco.pytorch.Tensor x = in.isEmpty() ? null : in.get(0);
			String name = n.name();
			org.bytedeco.pytorch.Tensor y = switch (n.op()) {
			case Op.Input i -> inputs.get(input++);
			case Op.Conv3d c -> {
				long[][] pads = c.padding() == Op.Padding.SAME ? same(x, c.kernel(), c.stride(), c.dilation()) : new long[3][2];
				yield TorchOps.conv3d(x, params.get(name + "_W"), params.get(name + "_b"), longs(c.stride()), longs(c.dilation()), pads);
			}
			case Op.Activation a -> switch (a.function()) {
			case RELU -> inPlace.contains(n) ? x.relu_() : x.relu();
			case SIGMOID -> x.sigmoid();
			case TANH -> x.tanh();
			case IDENTITY -> x;
			};
			case Op.Pool3d p -> TorchOps.layout(pool(x, p));
			case Op.GlobalPool p -> p.pooling() == Op.Pooling.MAX ? x.amax(new long[] { 2, 3, 4 }, false) : x.mean(2, 3, 4);
			case Op.Flatten f -> x.reshape(x.sizes().get(0), -1);
			case Op.Concat c -> cat(new TensorVector(in.toArray(org.bytedeco.pytorch.Tensor[]::new)), 1);
			case Op.Add a -> {
				org.bytedeco.pytorch.Tensor sum = in.get(0);
				for (int k = 1; k < in.size(); k++) {
					sum = sum.add(in.get(k));
				}
				yield sum;
			}
			case Op.BatchNorm b -> params == narrow && folded.contains(n) ? x : batchNorm(name, x, b, train, params);
			case Op.PRelu p -> {
				yield prelu(x, params.get(name + "_W").reshape(n.shape().channels()));
			}
			case Op.ChannelScale s -> x.mul(in.get(1).reshape(in.get(1).sizes().get(0), in.get(1).sizes().get(1), 1, 1, 1));
			case Op.CenterCrop c -> {
				int[] before = c.before(n.inputs().get(0).shape());
				yield x.narrow(2, before[0], c.size()[0]).narrow(3, before[1], c.size()[1]).narrow(4, before[2], c.size()[2]);
			}
			case Op.CentralPool p -> {
				Shape s = n.inputs().get(0).shape();
				org.bytedeco.pytorch.Tensor r = windows(x, 4, Op.CentralPool.bins(s.width(), p.output()[2]));
				r = windows(r, 3, Op.CentralPool.bins(s.height(), p.output()[1]));
				yield windows(r, 2, Op.CentralPool.bins(s.depth(), p.output()[0]));
			}
			case Op.Dense d -> linear(name, x, params);
			case Op.Dropout d -> train && d.rate() > 0 ? dropout(x, d.rate(), true) : x;
			case Op.Classifier c -> linear(name, x, params);
			};
			out.put(n, y);
		}
		return out.get(graph.output());
	}

	private static org.bytedeco.pytorch.Tensor linear(String name, org.bytedeco.pytorch.Tensor x, Map<String, org.bytedeco.pytorch.Tensor> params) {
		org.bytedeco.pytorch.Tensor y = x.matmul(params.get(name + "_W"));
		org.bytedeco.pytorch.Tensor b = params.get(name + "_b");
		return b == null ? y : y.add(b);
	}

	/** The maximum of each window {@code [b[j], b[j+1])} along {@code axis} (central pooling, one axis). */
	private static org.bytedeco.pytorch.Tensor windows(org.bytedeco.pytorch.Tensor x, int axis, int[] b) {
		org.bytedeco.pytorch.Tensor[] parts = new org.bytedeco.pytorch.Tensor[b.length - 1];
		for (int j = 0; j + 1 < b.length; j++) {
			parts[j] = x.narrow(axis, b[j], b[j + 1] - b[j]).amax(new long[] { axis }, true);
		}
		return cat(new TensorVector(parts), axis);
	}

	private static org.bytedeco.pytorch.Tensor batchNorm(String name, org.bytedeco.pytorch.Tensor x, Op.BatchNorm b, boolean train,
			Map<String, org.bytedeco.pytorch.Tensor> params) {
		org.bytedeco.pytorch.Tensor mean = params.get(name + "_mean");
		org.bytedeco.pytorch.Tensor log10std = params.get(name + "_log10stdev");
		if (train) { // libtorch's fused batch norm on the batch's statistics; the running ones as DL4J keeps them
			org.bytedeco.pytorch.T_TensorTensorTensor_T r = native_batch_norm(x, new TensorOptional(params.get(name + "_gamma")),
					new TensorOptional(params.get(name + "_beta")), new TensorOptional(), new TensorOptional(), true, b.momentum(), b.epsilon());
			try (NoGradGuard guard = new NoGradGuard()) {
				double m = b.momentum();
				org.bytedeco.pytorch.Tensor mu = r.get1().detach();
				org.bytedeco.pytorch.Tensor var = r.get2().detach().pow(new Scalar(-2)).sub(new Scalar(b.epsilon())); // biased
				mean.mul_(new Scalar(1 - m)).add_(mu.mul(new Scalar(m)));
				org.bytedeco.pytorch.Tensor std = log10std.mul(new Scalar(Math.log(10))).exp();
				org.bytedeco.pytorch.Tensor runningVar = std.mul(std).sub(new Scalar(b.epsilon())).mul(new Scalar(1 - m)).add(var.mul(new Scalar(m)));
				log10std.copy_(runningVar.add(new Scalar(b.epsilon())).sqrt().log().div(new Scalar(Math.log(10))));
			}
			return r.get0();
		}
		org.bytedeco.pytorch.Tensor std = log10std.mul(new Scalar(Math.log(10))).exp();
		org.bytedeco.pytorch.Tensor var = std.mul(std).sub(new Scalar(b.epsilon()));
		return batch_norm(x, new TensorOptional(params.get(name + "_gamma")), new TensorOptional(params.get(name + "_beta")),
				new TensorOptional(mean), new TensorOptional(var), false, b.momentum(), b.epsilon(), false);
	}

	private static org.bytedeco.pytorch.Tensor pool(org.bytedeco.pytorch.Tensor x, Op.Pool3d p) {
		boolean max = p.pooling() == Op.Pooling.MAX;
		int[] ones = { 1, 1, 1 };
		long[] kernel = longs(p.kernel());
		long[] stride = longs(p.stride());
		boolean padded = false;
		if (p.padding() == Op.Padding.SAME) {
			for (long[] axis : same(x, p.kernel(), p.stride(), ones)) {
				padded |= axis[0] + axis[1] > 0;
			}
		}
		if (!max && !padded) {
			return TorchOps.avgPool(x, kernel, stride);
		}
		if (padded) {
			// libtorch pads evenly and, in ceil mode, lets the last window run off the end (ignored by the maximum, not
			// counted by the average without padding): SAME exactly when the odd voxel is at the end, as it is here
			long[][] same = same(x, p.kernel(), p.stride(), ones);
			long[] even = new long[3];
			boolean ceil = false;
			boolean fits = true;
			for (int axis = 0; axis < 3; axis++) {
				even[axis] = same[axis][0];
				ceil |= same[axis][1] > same[axis][0];
				fits &= same[axis][1] - same[axis][0] <= 1 && 2 * even[axis] <= kernel[axis];
			}
			if (fits) {
				org.bytedeco.pytorch.Tensor y = max ? max_pool3d(x, kernel, stride, even, new long[] { 1, 1, 1 }, ceil)
						: avg_pool3d(x, kernel, stride, even, ceil, false, new org.bytedeco.pytorch.LongOptional());
				boolean sizes = true;
				for (int axis = 0; axis < 3; axis++) {
					sizes &= y.sizes().get(2 + axis) == (x.sizes().get(2 + axis) + stride[axis] - 1) / stride[axis];
				}
				if (sizes) {
					return y;
				}
			}
			if (max) {
				x = pad(x, p.kernel(), p.stride(), ones, Double.NEGATIVE_INFINITY);
			} else { // the average over the voxels inside the volume
				org.bytedeco.pytorch.Tensor sums = avg_pool3d(pad(x, p.kernel(), p.stride(), ones, 0), kernel, stride,
						new long[] { 0, 0, 0 }, false, true, new org.bytedeco.pytorch.LongOptional());
				org.bytedeco.pytorch.Tensor inside = avg_pool3d(pad(org.bytedeco.pytorch.global.torch.ones_like(x.narrow(1, 0, 1)), p.kernel(), p.stride(), ones, 0),
						kernel, stride, new long[] { 0, 0, 0 }, false, true, new org.bytedeco.pytorch.LongOptional());
				return sums.div(inside);
			}
		}
		return max_pool3d(x, kernel, stride, new long[] { 0, 0, 0 }, new long[] { 1, 1, 1 }, false);
	}

	/** TensorFlow/DL4J SAME padding (before, after per axis): output ceil(in / stride), the odd voxel at the end. */
	private static long[][] same(org.bytedeco.pytorch.Tensor x, int[] kernel, int[] stride, int[] dilation) {
		long[][] pads = new long[3][2];
		for (int axis = 0; axis < 3; axis++) {
			long in = x.sizes().get(2 + axis);
			long out = (in + stride[axis] - 1) / stride[axis];
			long total = Math.max(0, (out - 1) * stride[axis] + (long) (kernel[axis] - 1) * dilation[axis] + 1 - in);
			pads[axis][0] = total / 2;
			pads[axis][1] = total - total / 2;
		}
		return pads;
	}

	/** {@code x} padded with {@code value} as {@link #same} says (pooling). */
	private static org.bytedeco.pytorch.Tensor pad(org.bytedeco.pytorch.Tensor x, int[] kernel, int[] stride, int[] dilation, double value) {
		return TorchOps.pad(x, same(x, kernel, stride, dilation), value);
	}

	private static long[] longs(int[] v) {
		return Arrays.stream(v).mapToLong(i -> i).toArray();
	}

	private List<org.bytedeco.pytorch.Tensor> inputs(Batch batch) {
		List<Shape> shapes = graph.inputShapes();
		batch.check(shapes);
		List<org.bytedeco.pytorch.Tensor> out = new ArrayList<>();
		for (int i = 0; i < shapes.size(); i++) {
			Shape s = shapes.get(i);
			out.add(TorchOps.layout(place(Tensors.of(batch.inputs().get(i), batch.size(), s.channels(), s.depth(), s.height(), s.width()))));
		}
		return out;
	}

	@Override
	public NetworkGraph graph() {
		return graph;
	}

	@Override
	public double fit(Batch batch) {
		if (batch.labels() == null) {
			throw new IllegalArgumentException("training needs labels");
		}
		long t0 = System.nanoTime();
		double value;
		try (PointerScope scope = new PointerScope()) {
			List<org.bytedeco.pytorch.Tensor> in = inputs(batch);
			long t1 = System.nanoTime();
			org.bytedeco.pytorch.Tensor logits;
			if (training.precision == Precision.BFLOAT16) {
				// mixed precision: the passes run on bfloat16 casts of the float32 weights (differentiable, so the gradients
				// reach the float32 weights the optimiser updates); batch norm's scales and statistics stay float32
				Map<String, org.bytedeco.pytorch.Tensor> w = new HashMap<>();
				params.forEach((k, t) -> w.put(k, statistic(k) ? t : t.to(org.bytedeco.pytorch.global.torch.ScalarType.BFloat16)));
				in.replaceAll(t -> t.to(org.bytedeco.pytorch.global.torch.ScalarType.BFloat16));
				logits = forward(in, true, w).to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
			} else {
				logits = forward(in, true);
			}
			long t2 = System.nanoTime();
			org.bytedeco.pytorch.Tensor loss = loss(logits, batch.labels());
			value = loss.item_float();
			lastCorrect = correct(logits, batch.labels());
			for (String p : trainable) {
				org.bytedeco.pytorch.Tensor g = params.get(p).grad();
				if (g.defined()) {
					g.zero_();
				}
			}
			long t3 = System.nanoTime();
			loss.backward();
			long t4 = System.nanoTime();
			step();
			long t5 = System.nanoTime();
			phaseNanos[0] += t1 - t0;
			phaseNanos[1] += t2 - t1;
			phaseNanos[2] += t3 - t2;
			phaseNanos[3] += t4 - t3;
			phaseNanos[4] += t5 - t4;
			phaseNanos[5] -= t5;
		}
		phaseNanos[5] += System.nanoTime(); // freeing the step's tensors when the scope closes
		return value;
	}

	/** Nanoseconds of every {@link #fit} so far in each phase of {@link #PHASES}. */
	private final long[] phaseNanos = new long[6];

	private static final String[] PHASES = { "batch in (copy, layout)", "forward", "loss, readback, zero gradients",
			"backward", "optimiser update", "end of step" };

	@Override
	public Map<String, Double> stepPhases() {
		Map<String, Double> phases = new java.util.LinkedHashMap<>();
		for (int i = 0; i < PHASES.length; i++) {
			phases.put(PHASES[i], phaseNanos[i] / 1e9);
		}
		return phases;
	}

	private int lastCorrect = -1;

	@Override
	public int lastFitCorrect() {
		return lastCorrect;
	}

	/** Samples whose logits fall on the side of their label (sigmoid: logit >= 0; softmax: class 1's logit the larger). */
	private int correct(org.bytedeco.pytorch.Tensor logits, float[] labels) {
		float[] l = Tensors.values(logits);
		int k = softmax ? 2 : 1;
		int n = 0;
		for (int i = 0; i < labels.length; i++) {
			boolean nodule = softmax ? l[k * i + 1] >= l[k * i] : l[i] >= 0;
			n += nodule == (labels[i] >= 0.5f) ? 1 : 0;
		}
		return n;
	}

	/** Mean loss over the batch: binary cross-entropy (sigmoid), cross-entropy (softmax) or focal loss. */
	private org.bytedeco.pytorch.Tensor loss(org.bytedeco.pytorch.Tensor logits, float[] labels) {
		int n = labels.length;
		float[] y = new float[n];
		for (int i = 0; i < n; i++) {
			y[i] = labels[i] >= 0.5f ? 1f : 0f;
		}
		org.bytedeco.pytorch.Tensor target = place(Tensors.of(y, n, 1));
		org.bytedeco.pytorch.Tensor p = softmax ? org.bytedeco.pytorch.global.torch.softmax(logits, 1).narrow(1, 1, 1) : logits.sigmoid();
		double eps = 1e-7;
		org.bytedeco.pytorch.Tensor pt = p.mul(target).add(p.neg().add(new Scalar(1)).mul(target.neg().add(new Scalar(1))))
				.clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(eps)), new org.bytedeco.pytorch.ScalarOptional(new Scalar(1 - eps)));
		org.bytedeco.pytorch.Tensor ce = pt.log().neg();
		if (training.loss == TrainingSettings.Loss.FOCAL) {
			org.bytedeco.pytorch.Tensor alpha = target.mul(new Scalar(training.focalAlpha))
					.add(target.neg().add(new Scalar(1)).mul(new Scalar(1 - training.focalAlpha)));
			ce = ce.mul(pt.neg().add(new Scalar(1)).pow(new Scalar(training.focalGamma))).mul(alpha);
		}
		return ce.mean();
	}

	/**
	 * One update of every trainable parameter: Adam, or SGD with Nesterov momentum (DL4J's formulas), after
	 * adding L2's gradient {@code l2 * w} (of {@code l2 / 2 * sum(w^2)}) to the weights' gradients.
	 */
	private void step() {
		dropNarrow();
		steps++;
		double lr = learningRate();
		try (NoGradGuard guard = new NoGradGuard()) {
			if (training.l2 > 0) {
				Scalar l2 = new Scalar(training.l2);
				for (String name : decayed) {
					org.bytedeco.pytorch.Tensor w = params.get(name);
					if (w.grad().defined()) {
						w.grad().add_(w, l2);
					}
				}
			}
			for (String name : trainable) {
				org.bytedeco.pytorch.Tensor w = params.get(name);
				org.bytedeco.pytorch.Tensor g = w.grad();
				if (!g.defined()) {
					continue;
				}
				if (training.optimizer == TrainingSettings.Optimizer.ADAM) {
					double b1 = training.adamBeta1;
					double b2 = training.adamBeta2;
					org.bytedeco.pytorch.Tensor mt = m.computeIfAbsent(name, k -> kept(zeros_like(w)));
					org.bytedeco.pytorch.Tensor vt = v.computeIfAbsent(name, k -> kept(zeros_like(w)));
					mt.mul_(new Scalar(b1)).add_(g.mul(new Scalar(1 - b1)));
					vt.mul_(new Scalar(b2)).add_(g.mul(g).mul(new Scalar(1 - b2)));
					double alpha = lr * Math.sqrt(1 - Math.pow(b2, steps)) / (1 - Math.pow(b1, steps));
					w.sub_(mt.div(vt.sqrt().add(new Scalar(1e-8))).mul(new Scalar(alpha)));
				} else {
					double mu = training.momentum;
					org.bytedeco.pytorch.Tensor vt = v.computeIfAbsent(name, k -> kept(zeros_like(w)));
					org.bytedeco.pytorch.Tensor previous = vt.clone();
					vt.mul_(new Scalar(mu)).sub_(g.mul(new Scalar(lr)));
					w.add_(previous.mul(new Scalar(-mu)).add(vt.mul(new Scalar(1 + mu))));
				}
			}
		}
	}

	/** Keeps a tensor created inside a step's {@link PointerScope} beyond it (optimiser state). */
	private static org.bytedeco.pytorch.Tensor kept(org.bytedeco.pytorch.Tensor t) {
		t.retainReference();
		return t;
	}

	/** What {@link #predict} computes in. */
	private Precision precision = Precision.FLOAT32;
	/**
	 * The parameters {@link #predict} uses in bfloat16 ({@link #narrow()}): weights and biases converted (convolution
	 * weights channels-last), batch norms {@link #folded} where they can be, the others' statistics and scales kept in
	 * float32; made at the first prediction after a change, dropped by every change to the parameters. A one-channel
	 * input is widened by {@link TorchOps#conv3d}, as in bfloat16 training.
	 */
	private Map<String, org.bytedeco.pytorch.Tensor> narrow;

	@Override
	public void predictIn(Precision p) throws BackendException {
		if (p == Precision.BFLOAT16 && !onCpu) {
			throw new BackendException("libtorch backend: bfloat16 prediction is offered on the CPU only, not on " + device);
		}
		precision = p;
		dropNarrow();
	}

	private void dropNarrow() {
		if (narrow != null) {
			narrow.values().forEach(org.bytedeco.pytorch.Tensor::close);
			narrow = null;
		}
	}

	/**
	 * Batch norms folded into the convolution before them in the bfloat16 parameters (where the convolution's output
	 * feeds nothing else): the convolution's weights scaled by {@code gamma / std} per output channel and its bias
	 * {@code (b - mean) gamma / std + beta}, computed in float32 and then narrowed, so the batch norm costs nothing.
	 * A property of the graph, found once.
	 */
	private final java.util.Set<Node> folded = new java.util.HashSet<>();

	private Map<String, org.bytedeco.pytorch.Tensor> narrow() {
		if (narrow == null) {
			Map<String, org.bytedeco.pytorch.Tensor> wide = new HashMap<>();
			try (NoGradGuard guard = new NoGradGuard()) {
				params.forEach((k, t) -> wide.put(k, t.detach()));
				for (Node n : folded) {
					if (n.inputs().get(0).op() instanceof Op.Conv3d c) {
						String conv = n.inputs().get(0).name();
						org.bytedeco.pytorch.Tensor std = params.get(n.name() + "_log10stdev").mul(new Scalar(Math.log(10))).exp();
						org.bytedeco.pytorch.Tensor scale = params.get(n.name() + "_gamma").div(std);
						org.bytedeco.pytorch.Tensor bias = c.bias() ? params.get(conv + "_b") : zeros_like(scale);
						wide.put(conv + "_W", params.get(conv + "_W").mul(scale.reshape(-1, 1, 1, 1, 1)));
						wide.put(conv + "_b", bias.sub(params.get(n.name() + "_mean")).mul(scale).add(params.get(n.name() + "_beta")));
					}
				}
			}
			Map<String, org.bytedeco.pytorch.Tensor> copies = new HashMap<>();
			wide.forEach((k, t) -> copies.put(k, statistic(k) ? t : TorchOps.layout(t.to(org.bytedeco.pytorch.global.torch.ScalarType.BFloat16))));
			narrow = copies;
		}
		return narrow;
	}

	/** Batch norm's scale, shift and statistics, which stay float32 in bfloat16 computations. */
	private static boolean statistic(String parameter) {
		return parameter.endsWith("_mean") || parameter.endsWith("_log10stdev") || parameter.endsWith("_gamma") || parameter.endsWith("_beta");
	}

	@Override
	public float[] predict(Batch batch) {
		Map<String, org.bytedeco.pytorch.Tensor> weights = precision == Precision.BFLOAT16 ? narrow() : params;
		try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
			List<org.bytedeco.pytorch.Tensor> in = inputs(batch);
			if (weights != params) {
				in.replaceAll(t -> t.to(org.bytedeco.pytorch.global.torch.ScalarType.BFloat16));
			}
			org.bytedeco.pytorch.Tensor logits = forward(in, false, weights).to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
			org.bytedeco.pytorch.Tensor p = softmax ? org.bytedeco.pytorch.global.torch.softmax(logits, 1).narrow(1, 1, 1) : logits.sigmoid();
			return Tensors.values(p);
		}
	}

	@Override
	public void reseed(long seed) {
		manual_seed(seed);
	}

	@Override
	public void endEpoch() {
		epoch++;
	}

	@Override
	public int epoch() {
		return epoch;
	}

	@Override
	public double learningRate() {
		return training.learningRate * Math.pow(training.lrDecay, epoch);
	}

	/** Trainable parameters and batch-norm statistics, as DL4J counts them. */
	@Override
	public long parameterCount() {
		long n = 0;
		for (org.bytedeco.pytorch.Tensor p : params.values()) {
			n += p.numel();
		}
		return n;
	}

	@Override
	public Map<String, org.nodulab.nn.Tensor> parameters() {
		Map<String, org.nodulab.nn.Tensor> out = new LinkedHashMap<>();
		params.forEach((k, t) -> out.put(k, new org.nodulab.nn.Tensor(Tensors.shape(t), Tensors.values(t))));
		return out;
	}

	@Override
	public void setParameters(Map<String, org.nodulab.nn.Tensor> values) {
		dropNarrow();
		try (NoGradGuard guard = new NoGradGuard()) {
			for (Map.Entry<String, org.nodulab.nn.Tensor> e : values.entrySet()) {
				org.bytedeco.pytorch.Tensor target = params.get(e.getKey());
				if (target == null || !Arrays.equals(Tensors.shape(target), e.getValue().shape())) {
					throw new IllegalArgumentException("no parameter array " + e.getKey() + " of shape " + Arrays.toString(e.getValue().shape())
							+ " in " + graph.name());
				}
				target.copy_(Tensors.of(e.getValue().values(), e.getValue().shape()));
			}
		}
	}

	@Override
	public void save(OutputStream out) throws IOException {
		DataOutputStream d = new DataOutputStream(out);
		d.writeUTF(MAGIC);
		d.writeUTF(graph.name());
		d.writeInt(epoch);
		d.writeLong(steps);
		writeTensors(d, params);
		writeTensors(d, m);
		writeTensors(d, v);
		d.flush();
	}

	private static void writeTensors(DataOutputStream d, Map<String, org.bytedeco.pytorch.Tensor> tensors) throws IOException {
		List<String> names = new ArrayList<>(tensors.keySet());
		java.util.Collections.sort(names);
		d.writeInt(names.size());
		for (String name : names) {
			org.bytedeco.pytorch.Tensor t = tensors.get(name);
			long[] shape = Tensors.shape(t);
			d.writeUTF(name);
			d.writeInt(shape.length);
			for (long s : shape) {
				d.writeLong(s);
			}
			writeFloats(d, Tensors.values(t));
		}
	}

	/** Values as {@link DataOutputStream#writeFloat} writes them (big-endian), a block at a time. */
	private static void writeFloats(DataOutputStream d, float[] values) throws IOException {
		java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(4 * Math.min(values.length, BLOCK)).order(java.nio.ByteOrder.BIG_ENDIAN);
		for (int done = 0; done < values.length;) {
			int k = Math.min(values.length - done, BLOCK);
			block.clear();
			block.asFloatBuffer().put(values, done, k);
			d.write(block.array(), 0, 4 * k);
			done += k;
		}
	}

	/**
	 * Values as {@link DataInputStream#readFloat} reads them, a block at a time (a float at a time, a checkpoint of the
	 * reference VGG took 0.5 s to read, most of a warm predict's time).
	 */
	private static void readFloats(DataInputStream d, float[] values) throws IOException {
		byte[] block = new byte[4 * Math.min(values.length, BLOCK)];
		java.nio.FloatBuffer floats = java.nio.ByteBuffer.wrap(block).order(java.nio.ByteOrder.BIG_ENDIAN).asFloatBuffer();
		for (int done = 0; done < values.length;) {
			int k = Math.min(values.length - done, BLOCK);
			d.readFully(block, 0, 4 * k);
			floats.clear();
			floats.get(values, done, k);
			done += k;
		}
	}

	/** Floats per block read or written. */
	private static final int BLOCK = 1 << 16;

	/** Reads what {@link #save} wrote into this (freshly created) network. */
	void load(InputStream in) throws IOException, BackendException {
		DataInputStream d = new DataInputStream(in);
		String magic;
		try {
			magic = d.readUTF();
		} catch (IOException e) {
			throw new BackendException("libtorch backend: not a libtorch checkpoint (" + e.getMessage() + ")");
		}
		if (!MAGIC.equals(magic)) {
			throw new BackendException("libtorch backend: not a libtorch checkpoint (a DL4J one?); resume or predict its run with the backend "
					+ "its experiment names (training.backend)");
		}
		String name = d.readUTF();
		if (!name.equals(graph.name())) {
			throw new BackendException("libtorch backend: the checkpoint holds network '" + name + "', not '" + graph.name() + "'");
		}
		epoch = d.readInt();
		steps = d.readLong();
		Map<String, org.nodulab.nn.Tensor> values = readTensors(d);
		if (!values.keySet().equals(params.keySet())) {
			throw new BackendException("libtorch backend: the checkpoint's arrays " + values.keySet() + " do not match the graph's " + params.keySet());
		}
		setParameters(values);
		readTensors(d).forEach((k, t) -> m.put(k, TorchOps.layout(place(Tensors.of(t.values(), t.shape())))));
		readTensors(d).forEach((k, t) -> v.put(k, TorchOps.layout(place(Tensors.of(t.values(), t.shape())))));
	}

	private static Map<String, org.nodulab.nn.Tensor> readTensors(DataInputStream d) throws IOException {
		int n = d.readInt();
		if (n < 0 || n > 100_000) {
			throw new IOException("a libtorch checkpoint with " + n + " arrays");
		}
		Map<String, org.nodulab.nn.Tensor> out = new LinkedHashMap<>();
		for (int i = 0; i < n; i++) {
			String name = d.readUTF();
			int rank = d.readInt();
			if (rank < 0 || rank > 8) {
				throw new IOException("array " + name + " of rank " + rank);
			}
			long[] shape = new long[rank];
			long count = 1;
			for (int k = 0; k < rank; k++) {
				shape[k] = d.readLong();
				count *= shape[k];
			}
			if (count < 0 || count > 500_000_000L) {
				throw new IOException("array " + name + " of " + count + " values");
			}
			if (4 * count > Runtime.getRuntime().maxMemory()) {
				throw new IOException("array " + name + " of " + count + " values needs " + 4 * count / (1 << 20) + " MiB, more than this JVM's heap ("
						+ Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB)");
			}
			float[] values = new float[(int) count];
			readFloats(d, values);
			out.put(name, new org.nodulab.nn.Tensor(shape, values));
		}
		return out;
	}

	@Override
	public void close() {
		dropNarrow();
		params.values().forEach(org.bytedeco.pytorch.Tensor::close);
		m.values().forEach(org.bytedeco.pytorch.Tensor::close);
		v.values().forEach(org.bytedeco.pytorch.Tensor::close);
		// hand the freed activations back to the system: glibc keeps them (one arena, huge pages), and a process that
		// trains or measures several networks one after the other (campaign plan, the workbench) would otherwise
		// reach the native memory cap with memory it no longer uses
		org.bytedeco.javacpp.Pointer.trimMemory();
	}
}
