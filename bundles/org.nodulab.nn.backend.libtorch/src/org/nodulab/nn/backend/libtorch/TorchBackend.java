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
		return List.of("cpu (" + org.bytedeco.pytorch.global.torch.get_num_threads() + " threads)");
	}

	@Override
	public TrainableNetwork create(NetworkGraph graph, TrainingSettings training, long seed) throws BackendException {
		TorchRuntime.start();
		return new TorchNetwork(graph, training, seed);
	}

	@Override
	public TrainableNetwork load(NetworkGraph graph, TrainingSettings training, InputStream in) throws BackendException, IOException {
		TorchRuntime.start();
		TorchNetwork net = new TorchNetwork(graph, training, 0);
		net.load(in);
		return net;
	}
}
