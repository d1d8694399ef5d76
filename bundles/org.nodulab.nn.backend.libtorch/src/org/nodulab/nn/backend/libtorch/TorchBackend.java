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
}
