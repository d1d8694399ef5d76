package org.nodulab.nn.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.nn.Tensor;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Writes a backend-neutral network graph with its weights as an ONNX model (opset {@value #OPSET}, IR version
 * {@value #IR_VERSION}): one input per branch, named as the graph's input node, {@code [batch, channels, depth,
 * height, width]} in the order the graph lists them; one output {@value #OUTPUT}, {@code [batch]}, the probability that
 * each sample is a nodule (the sigmoid of a one-unit classifier, or class 1 of a two-way softmax). The weights are
 * those of {@link org.nodulab.nn.TrainableNetwork#parameters()}, in the layouts both backends share (a convolution's
 * {@code [out, in, d, h, w]}, a dense layer's {@code [in, out]}, batch norm's running mean and log10 standard
 * deviation), so a checkpoint of either backend exports the same way.
 *
 * <p>Each operation maps to ONNX operators with the semantics the backends compute at inference: SAME padding as
 * explicit pads with the odd voxel at the end (TensorFlow's rule), average pooling over the voxels inside the volume,
 * batch norm on the running statistics, dropout as identity, central pooling as the maximum of each of its uneven
 * windows (Slice + ReduceMax, concatenated), centre crop as Slice, squeeze-excitation scaling as a broadcast Mul.
 * The whole model is built in memory first: an operation that cannot be expressed, or a missing or misshapen
 * weight, is refused by node name before anything is written.
 */
public final class OnnxExport {

	/** The operator set the models use. */
	public static final int OPSET = 17;
	/** The IR version of opset 17 (ONNX 1.12): what Debian's python3-onnx and ONNX Runtime 1.12 or newer read. */
	public static final int IR_VERSION = 8;
	/** The output: the probability of a nodule per sample. */
	public static final String OUTPUT = "probability";

	private final NetworkGraph graph;
	private final Map<String, Tensor> weights;
	private final GraphProto.Builder g = GraphProto.newBuilder();
	/** The ONNX value each graph node produces. */
	private final Map<Node, String> values = new HashMap<>();

	private OnnxExport(NetworkGraph graph, Map<String, Tensor> weights) {
		this.graph = graph;
		this.weights = weights;
	}

	/**
	 * The ONNX model of a network.
	 *
	 * @param weights every parameter and state array by name, as {@link org.nodulab.nn.TrainableNetwork#parameters()}
	 *            gives them
	 * @param metadata key-value pairs stored with the model ({@code metadata_props}): what a user needs to prepare the
	 *            inputs; written in this order
	 * @param producerVersion the version of Nodulab that exports
	 * @throws OnnxExportException naming the node when an operation or a weight cannot be exported
	 */
	public static ModelProto model(NetworkGraph graph, Map<String, Tensor> weights, Map<String, String> metadata,
			String producerVersion) throws OnnxExportException {
		OnnxExport e = new OnnxExport(graph, weights);
		e.g.setName(graph.name());
		for (Node n : graph.nodes()) {
			try {
				e.add(n);
			} catch (OnnxExportException x) {
				throw x;
			} catch (RuntimeException x) {
				throw new OnnxExportException("node '" + n.name() + "' (" + n.op().type() + ") cannot be exported to ONNX: " + x.getMessage(), x);
			}
		}
		e.output();
		ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("Nodulab")
				.setProducerVersion(producerVersion).setDomain("org.nodulab").setModelVersion(1)
				.setDocString("Nodulab network '" + graph.name() + "': the probability that a candidate is a lung nodule, from "
						+ graph.inputs().size() + " patch input(s); see the metadata for how the patches are prepared.")
				.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(e.g);
		for (Map.Entry<String, String> p : metadata.entrySet()) {
			m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(p.getKey()).setValue(p.getValue()));
		}
		return m.build();
	}

	/**
	 * Writes a model atomically; an existing file is never replaced.
	 *
	 * @throws java.nio.file.FileAlreadyExistsException when {@code file} exists (nothing is written)
	 */
	public static void write(ModelProto model, Path file) throws IOException {
		AtomicFiles.create(file, model::writeTo);
	}

	/** The input names of a graph's ONNX model, in the graph's order. */
	public static List<String> inputNames(NetworkGraph graph) {
		return graph.inputs().stream().map(Node::name).toList();
	}

	private void add(Node n) throws OnnxExportException {
		String name = n.name();
		String x = n.inputs().isEmpty() ? null : values.get(n.inputs().get(0));
		Shape in = n.inputs().isEmpty() ? null : n.inputs().get(0).shape();
		String y = name;
		switch (n.op()) {
		case Op.Input i -> g.addInput(value(name, batched(i.shape())));
		case Op.Conv3d c -> {
			List<String> ins = new ArrayList<>(List.of(x, weight(n, "_W", c.filters(), in.channels(), c.kernel()[0], c.kernel()[1], c.kernel()[2])));
			if (c.bias()) {
				ins.add(weight(n, "_b", c.filters()));
			}
			node("Conv", ins, y, ints("kernel_shape", c.kernel()), ints("strides", c.stride()), ints("dilations", c.dilation()),
					ints("pads", pads(in, c.kernel(), c.stride(), c.dilation(), c.padding())), AttributeProto.newBuilder().setName("group")
							.setType(AttributeProto.AttributeType.INT).setI(1).build());
		}
		case Op.Activation a -> node(switch (a.function()) {
		case RELU -> "Relu";
		case SIGMOID -> "Sigmoid";
		case TANH -> "Tanh";
		case IDENTITY -> "Identity";
		}, List.of(x), y);
		case Op.Pool3d p -> {
			int[] ones = { 1, 1, 1 };
			List<AttributeProto> attrs = new ArrayList<>(List.of(ints("kernel_shape", p.kernel()), ints("strides", p.stride()),
					ints("pads", pads(in, p.kernel(), p.stride(), ones, p.padding()))));
			if (p.pooling() == Op.Pooling.AVG) { // the mean over the voxels inside the volume, as both backends take it
				attrs.add(AttributeProto.newBuilder().setName("count_include_pad").setType(AttributeProto.AttributeType.INT).setI(0).build());
			}
			node(p.pooling() == Op.Pooling.MAX ? "MaxPool" : "AveragePool", List.of(x), y, attrs.toArray(AttributeProto[]::new));
		}
		case Op.GlobalPool p -> {
			node(p.pooling() == Op.Pooling.MAX ? "GlobalMaxPool" : "GlobalAveragePool", List.of(x), name + "/pooled");
			node("Flatten", List.of(name + "/pooled"), y, integer("axis", 1));
		}
		case Op.Flatten f -> node("Flatten", List.of(x), y, integer("axis", 1));
		case Op.Concat c -> node("Concat", n.inputs().stream().map(values::get).toList(), y, integer("axis", 1));
		case Op.Add a -> node(n.inputs().size() == 2 ? "Add" : "Sum", n.inputs().stream().map(values::get).toList(), y);
		case Op.BatchNorm b -> {
			int ch = in.channels();
			float[] log10std = tensor(n, "_log10stdev", ch).values();
			float[] variance = new float[ch];
			for (int k = 0; k < ch; k++) { // the running variance the backends keep as log10 of sqrt(variance + epsilon)
				double std = Math.pow(10, log10std[k]);
				variance[k] = (float) (std * std - b.epsilon());
			}
			String var = initializer(name + "_var", new long[] { ch }, variance);
			node("BatchNormalization", List.of(x, weight(n, "_gamma", ch), weight(n, "_beta", ch), weight(n, "_mean", ch), var), y,
					AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT).setF((float) b.epsilon()).build());
		}
		case Op.PRelu p -> {
			int ch = in.channels();
			float[] slopes = tensor(n, "_W", ch).values();
			String slope = initializer(name + "_W", in.isVolume() ? new long[] { ch, 1, 1, 1 } : new long[] { ch }, slopes);
			node("PRelu", List.of(x, slope), y);
		}
		case Op.ChannelScale s -> {
			String axes = int64(name + "/axes", 2, 3, 4);
			node("Unsqueeze", List.of(values.get(n.inputs().get(1)), axes), name + "/scale");
			node("Mul", List.of(x, name + "/scale"), y);
		}
		case Op.CenterCrop c -> {
			int[] before = c.before(in);
			node("Slice", List.of(x, int64(name + "/starts", before[0], before[1], before[2]),
					int64(name + "/ends", before[0] + c.size()[0], before[1] + c.size()[1], before[2] + c.size()[2]),
					int64(name + "/axes", 2, 3, 4)), y);
		}
		case Op.CentralPool p -> {
			int[] sizes = in.spatial();
			String current = x;
			for (int axis = 2; axis >= 0; axis--) { // width, height, then depth, as the backends pool
				int[] b = Op.CentralPool.bins(sizes[axis], p.output()[axis]);
				List<String> parts = new ArrayList<>();
				String ax = int64(name + "/axis" + axis, axis + 2);
				for (int j = 0; j + 1 < b.length; j++) {
					String part = name + "/a" + axis + "w" + j;
					node("Slice", List.of(current, int64(part + "/start", b[j]), int64(part + "/end", b[j + 1]), ax), part + "/slice");
					node("ReduceMax", List.of(part + "/slice"), part, ints("axes", new int[] { axis + 2 }), integer("keepdims", 1));
					parts.add(part);
				}
				String joined = axis == 0 ? y : name + "/a" + axis;
				node("Concat", parts, joined, integer("axis", axis + 2));
				current = joined;
			}
		}
		case Op.Dense d -> dense(n, x, in.channels(), d.units(), d.bias(), y);
		case Op.Dropout d -> node("Identity", List.of(x), y); // inverted dropout: nothing at inference
		case Op.Classifier c -> dense(n, x, in.channels(), c.units(), true, y);
		}
		values.put(n, y);
	}

	/** The graph's output: the classifier's logits to the probability of class "nodule", one value per sample. */
	private void output() {
		Node out = graph.output();
		String logits = values.get(out);
		String p;
		if (graph.classifier().output() == Op.Classifier.Output.SOFTMAX) {
			node("Softmax", List.of(logits), "softmax", integer("axis", 1));
			node("Slice", List.of("softmax", int64("nodule/start", 1), int64("nodule/end", 2), int64("nodule/axis", 1)), "nodule");
			p = "nodule";
		} else {
			node("Sigmoid", List.of(logits), "sigmoid");
			p = "sigmoid";
		}
		node("Reshape", List.of(p, int64("probability/shape", -1)), OUTPUT);
		TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
		g.addOutput(ValueInfoProto.newBuilder().setName(OUTPUT).setDocString("probability that the candidate is a nodule")
				.setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
						.setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))));
	}

	/** A dense layer: {@code x [N, in] . W [in, out] (+ b)}. */
	private void dense(Node n, String x, int in, int out, boolean bias, String y) throws OnnxExportException {
		String w = weight(n, "_W", in, out);
		if (bias) {
			node("Gemm", List.of(x, w, weight(n, "_b", out)), y);
		} else {
			node("MatMul", List.of(x, w), y);
		}
	}

	/**
	 * Explicit pads (begin depth, height, width, then end) of a window operation: none for VALID; for SAME the total
	 * that makes the output {@code ceil(in / stride)}, the odd voxel at the end.
	 */
	static int[] pads(Shape in, int[] kernel, int[] stride, int[] dilation, Op.Padding padding) {
		int[] pads = new int[6];
		if (padding == Op.Padding.SAME) {
			int[] s = in.spatial();
			for (int axis = 0; axis < 3; axis++) {
				int out = (s[axis] + stride[axis] - 1) / stride[axis];
				int total = Math.max(0, (out - 1) * stride[axis] + (kernel[axis] - 1) * dilation[axis] + 1 - s[axis]);
				pads[axis] = total / 2;
				pads[axis + 3] = total - total / 2;
			}
		}
		return pads;
	}

	/** A weight of node {@code n} as an initializer of the given ONNX shape; its values as the backends hold them. */
	private String weight(Node n, String kind, long... shape) throws OnnxExportException {
		Tensor t = tensor(n, kind, shape);
		return initializer(n.name() + kind, shape, t.values());
	}

	/** The weight {@code <node><kind>}, checked to hold as many values as {@code shape} needs. */
	private Tensor tensor(Node n, String kind, long... shape) throws OnnxExportException {
		Tensor t = weights.get(n.name() + kind);
		if (t == null) {
			throw new OnnxExportException("node '" + n.name() + "' (" + n.op().type() + "): no weight '" + n.name() + kind
					+ "' among the network's parameters");
		}
		long count = 1;
		for (long d : shape) {
			count *= d;
		}
		if (t.values().length != count) {
			throw new OnnxExportException("node '" + n.name() + "' (" + n.op().type() + "): weight '" + n.name() + kind + "' has shape "
					+ java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(shape));
		}
		return t;
	}

	private String initializer(String name, long[] shape, float[] values) {
		ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		bytes.asFloatBuffer().put(values);
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
				.setRawData(com.google.protobuf.ByteString.copyFrom(bytes.array()));
		for (long d : shape) {
			t.addDims(d);
		}
		g.addInitializer(t);
		return name;
	}

	/** A constant 1-D int64 tensor (Slice's starts and ends, Unsqueeze's axes, Reshape's shape). */
	private String int64(String name, long... values) {
		ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		bytes.asLongBuffer().put(values);
		g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
				.addDims(values.length).setRawData(com.google.protobuf.ByteString.copyFrom(bytes.array())));
		return name;
	}

	private void node(String type, List<String> inputs, String output, AttributeProto... attributes) {
		NodeProto.Builder b = NodeProto.newBuilder().setOpType(type).setName(output).addAllInput(inputs).addOutput(output);
		for (AttributeProto a : attributes) {
			b.addAttribute(a);
		}
		g.addNode(b);
	}

	private static AttributeProto ints(String name, int[] values) {
		AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
		for (int v : values) {
			a.addInts(v);
		}
		return a.build();
	}

	private static AttributeProto integer(String name, long value) {
		return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
	}

	/** {@code [batch, channels, depth, height, width]} of an input. */
	private static long[] batched(Shape s) {
		return new long[] { -1, s.channels(), s.depth(), s.height(), s.width() };
	}

	private static ValueInfoProto value(String name, long[] dims) {
		TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
		for (long d : dims) {
			shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
					: TensorShapeProto.Dimension.newBuilder().setDimValue(d));
		}
		return ValueInfoProto.newBuilder().setName(name)
				.setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
						.setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
				.build();
	}
}
