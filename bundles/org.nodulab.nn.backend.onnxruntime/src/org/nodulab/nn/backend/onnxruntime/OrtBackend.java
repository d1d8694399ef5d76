package org.nodulab.nn.backend.onnxruntime;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.Tensor;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.onnx.OnnxExport;
import org.nodulab.nn.onnx.OnnxExportException;
import org.osgi.service.component.annotations.Component;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The ONNX Runtime backend ({@code --backend onnxruntime} of {@code predict} and {@code screen}): prediction only. A
 * model trained on libtorch or DL4J is loaded there, its weights are written into the ONNX model of its graph
 * ({@link OnnxExport}, in memory) and ONNX Runtime scores the patches. It cannot train: {@link #create} refuses.
 */
@Component(service = ComputeBackend.class, property = "service.ranking:Integer=-30")
public final class OrtBackend implements ComputeBackend {

	@Override
	public String id() {
		return "onnxruntime";
	}

	@Override
	public String name() {
		return "ONNX Runtime 1.23.2 (CPU, prediction only)";
	}

	/** Loads ONNX Runtime's native library and its environment. */
	@Override
	public void prepare() throws BackendException {
		OrtRuntime.start();
	}

	@Override
	public Map<String, String> describe() throws BackendException {
		return OrtRuntime.describe();
	}

	@Override
	public boolean cpuOnly() {
		return true; // the CPU build of ONNX Runtime from Maven Central
	}

	@Override
	public List<String> devices() throws BackendException {
		OrtRuntime.start();
		return List.of("cpu (" + Runtime.getRuntime().availableProcessors() + " threads)");
	}

	@Override
	public boolean trains() {
		return false;
	}

	@Override
	public TrainableNetwork create(NetworkGraph graph, TrainingSettings training, long seed) throws BackendException {
		throw new BackendException("the onnxruntime backend predicts only: train on libtorch or dl4j, then predict or screen with --backend onnxruntime");
	}

	@Override
	public TrainableNetwork inference(NetworkGraph graph, TrainingSettings training, Map<String, Tensor> weights) throws BackendException {
		OrtRuntime.start();
		try {
			ModelProto model = OnnxExport.model(graph, weights, Map.of(), "in memory");
			return new OrtNetwork(graph, model, weights);
		} catch (OnnxExportException e) {
			throw new BackendException("onnxruntime: " + e.getMessage(), e);
		}
	}

	/** Reads an ONNX model as {@link TrainableNetwork#save} of this backend (or {@code nodulab models export}) wrote it. */
	@Override
	public TrainableNetwork load(NetworkGraph graph, TrainingSettings training, InputStream in) throws BackendException, IOException {
		OrtRuntime.start();
		ModelProto model;
		try {
			model = ModelProto.parseFrom(in);
		} catch (com.google.protobuf.InvalidProtocolBufferException e) {
			throw new BackendException("onnxruntime: not an ONNX model: " + e.getMessage(), e);
		}
		return new OrtNetwork(graph, model, OrtNetwork.weightsOf(graph, model));
	}
}
