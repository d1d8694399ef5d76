package org.nodulab.nn.backend.onnxruntime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.nn.BackendException;
import org.nodulab.nn.Batch;
import org.nodulab.nn.Tensor;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;
import org.nodulab.nn.onnx.OnnxExport;
import org.nodulab.nn.onnx.OnnxExportException;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * A network on ONNX Runtime, for prediction: an ONNX model of its graph in one session. It does not train
 * ({@link #fit} refuses); new weights ({@link #setParameters}) rebuild the model and the session.
 */
final class OrtNetwork implements TrainableNetwork {

	private static final String PREDICTS_ONLY = "the onnxruntime backend predicts only; train on libtorch or dl4j";

	private final NetworkGraph graph;
	private final OrtEnvironment env;
	private final List<String> inputs;
	private final Map<String, Tensor> weights;
	private ModelProto model;
	private OrtSession session;

	OrtNetwork(NetworkGraph graph, ModelProto model, Map<String, Tensor> weights) throws BackendException {
		this.graph = graph;
		this.env = OrtRuntime.start();
		this.inputs = OnnxExport.inputNames(graph);
		this.weights = new LinkedHashMap<>(weights);
		check(graph, model);
		open(model);
	}

	private void open(ModelProto m) throws BackendException {
		try (OrtSession.SessionOptions options = OrtRuntime.options()) {
			OrtSession s = env.createSession(m.toByteArray(), options);
			if (session != null) {
				session.close();
			}
			session = s;
			model = m;
		} catch (OrtException e) {
			throw new BackendException("onnxruntime could not load the model of " + graph.name() + ": " + e.getMessage(), e);
		}
	}

	/** The model's inputs and output are the graph's: same names, same shapes, in order. */
	private static void check(NetworkGraph graph, ModelProto model) throws BackendException {
		List<ValueInfoProto> in = model.getGraph().getInputList();
		List<Node> expected = graph.inputs();
		if (in.size() != expected.size()) {
			throw new BackendException("the ONNX model has " + in.size() + " input(s), network " + graph.name() + " " + expected.size());
		}
		for (int i = 0; i < in.size(); i++) {
			Shape s = expected.get(i).shape();
			var dims = in.get(i).getType().getTensorType().getShape().getDimList();
			long[] want = { s.channels(), s.depth(), s.height(), s.width() };
			boolean same = in.get(i).getName().equals(expected.get(i).name()) && dims.size() == 5;
			for (int k = 0; same && k < 4; k++) {
				same = dims.get(k + 1).getDimValue() == want[k];
			}
			if (!same) {
				throw new BackendException("the ONNX model's input " + i + " is '" + in.get(i).getName() + "' " + dims.stream()
						.map(d -> d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.getDimParam()).toList() + ", network " + graph.name()
						+ " expects '" + expected.get(i).name() + "' [batch, " + s.channels() + ", " + s.depth() + ", " + s.height() + ", " + s.width() + "]");
			}
		}
		if (model.getGraph().getOutputCount() != 1 || !model.getGraph().getOutput(0).getName().equals(OnnxExport.OUTPUT)) {
			throw new BackendException("the ONNX model does not end in one output '" + OnnxExport.OUTPUT + "' (a Nodulab export does)");
		}
	}

	/**
	 * The weights of an exported model under the backends' names: its float initializers, batch norm's variance back to
	 * the log10 standard deviation the backends keep.
	 */
	static Map<String, Tensor> weightsOf(NetworkGraph graph, ModelProto model) {
		Map<String, Node> nodes = new HashMap<>();
		for (Node n : graph.nodes()) {
			nodes.put(n.name(), n);
		}
		Map<String, Tensor> out = new LinkedHashMap<>();
		for (TensorProto t : model.getGraph().getInitializerList()) {
			if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
				continue;
			}
			float[] v = new float[t.getRawData().size() / 4];
			t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
			long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
			String name = t.getName();
			int cut = name.lastIndexOf('_');
			Node n = cut > 0 ? nodes.get(name.substring(0, cut)) : null;
			if (n != null && n.op() instanceof Op.BatchNorm b && name.endsWith("_var")) {
				float[] log10std = new float[v.length];
				for (int k = 0; k < v.length; k++) {
					log10std[k] = (float) Math.log10(Math.sqrt(v[k] + b.epsilon()));
				}
				out.put(n.name() + "_log10stdev", new Tensor(shape, log10std));
			} else if (n != null) {
				out.put(name, new Tensor(shape, v));
			}
		}
		return out;
	}

	@Override
	public NetworkGraph graph() {
		return graph;
	}

	@Override
	public float[] predict(Batch batch) {
		batch.check(graph.inputShapes());
		Map<String, OnnxTensor> feed = new LinkedHashMap<>();
		try {
			for (int i = 0; i < inputs.size(); i++) {
				Shape s = graph.inputShapes().get(i);
				float[] values = batch.inputs().get(i);
				FloatBuffer direct = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
				direct.put(values).rewind();
				feed.put(inputs.get(i), OnnxTensor.createTensor(env, direct,
						new long[] { batch.size(), s.channels(), s.depth(), s.height(), s.width() }));
			}
			try (OrtSession.Result r = session.run(feed)) {
				OnnxTensor p = (OnnxTensor) r.get(0);
				float[] out = new float[batch.size()];
				p.getFloatBuffer().get(out);
				return out;
			}
		} catch (OrtException e) {
			throw new IllegalStateException("onnxruntime: prediction with " + graph.name() + " failed: " + e.getMessage(), e);
		} finally {
			feed.values().forEach(OnnxTensor::close);
		}
	}

	@Override
	public double fit(Batch batch) {
		throw new UnsupportedOperationException(PREDICTS_ONLY);
	}

	@Override
	public void reseed(long seed) {
		// prediction draws no random numbers
	}

	@Override
	public void endEpoch() {
		throw new UnsupportedOperationException(PREDICTS_ONLY);
	}

	@Override
	public int epoch() {
		return 0;
	}

	@Override
	public double learningRate() {
		return 0;
	}

	@Override
	public long parameterCount() {
		return graph.parameterCount();
	}

	@Override
	public Map<String, Tensor> parameters() {
		Map<String, Tensor> copy = new LinkedHashMap<>();
		weights.forEach((k, t) -> copy.put(k, new Tensor(t.shape(), t.values().clone())));
		return copy;
	}

	@Override
	public void setParameters(Map<String, Tensor> values) {
		for (Map.Entry<String, Tensor> e : values.entrySet()) {
			Tensor old = weights.get(e.getKey());
			if (old == null || old.values().length != e.getValue().values().length) {
				throw new IllegalArgumentException("onnxruntime: no parameter " + e.getKey() + " of " + e.getValue().values().length
						+ " values in " + graph.name() + (old == null ? "" : " (it has " + old.values().length + ")"));
			}
		}
		Map<String, Tensor> merged = new LinkedHashMap<>(weights);
		merged.putAll(values);
		try {
			open(OnnxExport.model(graph, merged, Map.of(), "in memory"));
		} catch (OnnxExportException | BackendException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		}
		weights.putAll(values);
	}

	/** Writes the ONNX model (which {@link OrtBackend#load} reads). */
	@Override
	public void save(OutputStream out) throws IOException {
		model.writeTo(out);
	}

	@Override
	public void close() {
		if (session != null) {
			try {
				session.close();
			} catch (OrtException e) {
				// nothing is left to release
			}
			session = null;
		}
	}
}
