package org.nodulab.nn.backend.libtorch;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.osgi.service.component.annotations.Component;

/** The libtorch compute backend ({@code training.backend: libtorch}, {@code --backend libtorch}). */
@Component(service = ComputeBackend.class, property = "service.ranking:Integer=-10")
public final class TorchBackend implements ComputeBackend {

	/** The device {@link #bind} gave the calling thread (a job's); otherwise the first GPU, or the CPU. */
	private static final ThreadLocal<String> BOUND = new ThreadLocal<>();

	@Override
	public String id() {
		return "libtorch";
	}

	@Override
	public String name() {
		return "libtorch " + TorchRuntime.LIBTORCH_VERSION + " (JavaCPP presets 1.5.13)";
	}

	@Override
	public Map<String, String> describe() throws BackendException {
		return TorchRuntime.describe();
	}

	/** Extracts and loads libtorch's native libraries ({@link TorchRuntime#start}). */
	@Override
	public void prepare() throws BackendException {
		TorchRuntime.start();
	}

	@Override
	public boolean cpuOnly() {
		return !TorchRuntime.gpuBuild(); // the CPU build (the default) ships no CUDA libraries
	}

	@Override
	public List<String> devices() throws BackendException {
		TorchRuntime.start();
		List<String> devices = new java.util.ArrayList<>();
		for (int i = 0; i < TorchRuntime.cudaDevices(); i++) {
			devices.add("cuda:" + i);
		}
		devices.add("cpu (" + org.bytedeco.pytorch.global.torch.get_num_threads() + " threads)");
		return devices;
	}

	@Override
	public void bind(String device) throws BackendException {
		ComputeBackend.super.bind(device);
		BOUND.set(device);
	}

	/** The device a network created on this thread computes on: the bound one, else cuda:0 where there is a GPU, else cpu. */
	private static String device() throws BackendException {
		String bound = BOUND.get();
		if (bound != null) {
			return bound;
		}
		return TorchRuntime.cudaDevices() > 0 ? "cuda:0" : "cpu";
	}

	@Override
	public TrainableNetwork create(NetworkGraph graph, TrainingSettings training, long seed) throws BackendException {
		TorchRuntime.start();
		return new TorchNetwork(graph, training, seed, device());
	}

	@Override
	public TrainableNetwork load(NetworkGraph graph, TrainingSettings training, InputStream in) throws BackendException, IOException {
		TorchRuntime.start();
		TorchNetwork net = new TorchNetwork(graph, training, 0, device());
		net.load(in);
		return net;
	}

	/**
	 * libtorch multiplies matrices two ways: {@code matmul} (its BLAS, OpenBLAS in this build) and, in every
	 * convolution, oneDNN. Both are timed, the BLAS on {@code n x n} by {@code n x n}, oneDNN on 8,192 rows of
	 * {@code n} by {@code n x n} (a 1x1x1 convolution, channels last, as in a network), and the better one is the
	 * peak. On this project's AMD EPYC (Zen 5, AVX-512) oneDNN's product is 1.7x OpenBLAS's (n 512: 304 against 175
	 * GFLOP/s), so a BLAS-only peak would put convolutions above 100% of it.
	 */
	@Override
	public double peakGflops(int n, double seconds) throws BackendException {
		TorchRuntime.start();
		java.util.SplittableRandom random = new java.util.SplittableRandom(1);
		float[] values = new float[n * n];
		for (int i = 0; i < values.length; i++) {
			values[i] = (float) (random.nextDouble() - 0.5);
		}
		try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope();
				org.bytedeco.pytorch.NoGradGuard guard = new org.bytedeco.pytorch.NoGradGuard()) {
			org.bytedeco.pytorch.Tensor a = Tensors.of(values, n, n);
			org.bytedeco.pytorch.Tensor b = Tensors.of(values, n, n).t().contiguous();
			double blas = ComputeBackend.bestGflops(n, seconds / 2, () -> {
				try (org.bytedeco.javacpp.PointerScope inner = new org.bytedeco.javacpp.PointerScope()) {
					a.matmul(b);
				}
			});
			// a product of the same size as oneDNN computes it in convolutions: a 1x1x1 convolution of n channels into
			// n filters over 8^3 voxels of 16 samples (8,192 rows), channels last
			int rows = 16 * 512;
			float[] xs = new float[rows * n];
			for (int i = 0; i < xs.length; i++) {
				xs[i] = values[i % values.length];
			}
			org.bytedeco.pytorch.Tensor x = TorchOps.layout(Tensors.of(xs, 16, n, 8, 8, 8));
			org.bytedeco.pytorch.Tensor w = TorchOps.layout(Tensors.of(values, n, n, 1, 1, 1));
			long[] ones = { 1, 1, 1 };
			double onednn = ComputeBackend.bestGflops(2.0 * rows * n * n, seconds / 2, () -> {
				try (org.bytedeco.javacpp.PointerScope inner = new org.bytedeco.javacpp.PointerScope()) {
					TorchOps.conv3d(x, w, null, ones, ones, new long[3][2]);
				}
			});
			return Math.max(blas, onednn);
		}
	}
}
