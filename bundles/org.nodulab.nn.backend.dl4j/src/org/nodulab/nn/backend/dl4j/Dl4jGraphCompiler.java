package org.nodulab.nn.backend.dl4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.preprocessor.Cnn3DToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnn3DPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitConstant;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.backend.dl4j.layers.BatchNormRelu;
import org.nodulab.nn.backend.dl4j.layers.CentralPool3D;
import org.nodulab.nn.backend.dl4j.layers.ChannelPRelu;
import org.nodulab.nn.backend.dl4j.layers.Conv3d;
import org.nodulab.nn.backend.dl4j.layers.VolumeReshape;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;

/**
 * Compiles a backend-neutral {@link NetworkGraph} into a DL4J {@link ComputationGraphConfiguration}.
 * Every DL4J-specific decision lives here: NCDHW everywhere, explicit flatten preprocessors (DL4J
 * loses the NCDHW format after some layers and would otherwise flatten wrongly), activations fused
 * into the preceding convolution or dense layer, dropout given as DL4J's retain probability, the
 * per-epoch exponential learning-rate schedule, L2 on weights only, He initialisation.
 */
final class Dl4jGraphCompiler {

	private Dl4jGraphCompiler() {
	}

	static ComputationGraphConfiguration compile(NetworkGraph graph, TrainingSettings training, long seed)
			throws BackendException {
		ISchedule schedule = new ExponentialSchedule(ScheduleType.EPOCH, training.learningRate, training.lrDecay);
		IUpdater updater = switch (training.optimizer) {
		case ADAM -> {
			Adam adam = new Adam(schedule);
			adam.setBeta1(training.adamBeta1);
			adam.setBeta2(training.adamBeta2);
			yield adam;
		}
		case SGD -> new Nesterovs(schedule, training.momentum);
		};
		org.nd4j.linalg.lossfunctions.ILossFunction loss = training.loss == TrainingSettings.Loss.FOCAL
				? new org.nodulab.nn.backend.dl4j.layers.FocalLoss(training.focalGamma, training.focalAlpha)
				: null;
		return compile(graph, updater, training.l2, training.l2Biases ? training.l2 : 0, init(training.weightInit), DataType.FLOAT,
				seed, loss);
	}

	private static WeightInit init(TrainingSettings.WeightInit init) {
		return switch (init) {
		case HE_NORMAL -> WeightInit.RELU;
		case HE_UNIFORM -> WeightInit.RELU_UNIFORM;
		case XAVIER_NORMAL -> WeightInit.XAVIER;
		case XAVIER_UNIFORM -> WeightInit.XAVIER_UNIFORM;
		};
	}

	/** The general form: any updater, L2 on weights and data type (double for gradient checks). */
	static ComputationGraphConfiguration compile(NetworkGraph graph, IUpdater updater, double l2, DataType dataType,
			long seed) throws BackendException {
		return compile(graph, updater, l2, 0, WeightInit.RELU, dataType, seed, null);
	}

	/** As above with a loss function for the classifier (null: cross-entropy), L2 on biases and the initialisation. */
	static ComputationGraphConfiguration compile(NetworkGraph graph, IUpdater updater, double l2, double l2Biases,
			WeightInit weightInit, DataType dataType, long seed, org.nd4j.linalg.lossfunctions.ILossFunction loss)
			throws BackendException {
		ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder()
				.seed(seed)
				.dataType(dataType)
				.updater(updater)
				.weightInit(weightInit)
				.l2(l2)
				.l2Bias(l2Biases)
				.trainingWorkspaceMode(WorkspaceMode.ENABLED)
				.inferenceWorkspaceMode(WorkspaceMode.ENABLED)
				.graphBuilder();

		Map<Node, String> vertexOf = new HashMap<>();
		InputType[] inputTypes = new InputType[graph.inputs().size()];
		String[] inputNames = new String[graph.inputs().size()];
		for (int i = 0; i < graph.inputs().size(); i++) {
			Node input = graph.inputs().get(i);
			Shape s = input.shape();
			inputNames[i] = input.name();
			inputTypes[i] = InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, s.depth(), s.height(), s.width(),
					s.channels());
			vertexOf.put(input, input.name());
		}
		builder.addInputs(inputNames);
		builder.setInputTypes(inputTypes);

		for (Node node : graph.nodes()) {
			if (node.op() instanceof Op.Input) {
				continue;
			}
			String[] in = node.inputs().stream().map(vertexOf::get).toArray(String[]::new);
			Op op = node.op();
			if (op instanceof Op.Activation a && canFuse(graph, node)) {
				vertexOf.put(node, vertexOf.get(node.inputs().get(0))); // folded into the layer before
				continue;
			}
			Activation fused = fusedActivation(graph, node);
			switch (op) {
			case Op.Conv3d c -> builder.addLayer(node.name(),
					new Conv3d(new Convolution3D.Builder().kernelSize(c.kernel()).stride(c.stride()).dilation(c.dilation())
							.nOut(c.filters()).hasBias(c.bias()).convolutionMode(mode(c.padding()))
							.dataFormat(Convolution3D.DataFormat.NCDHW).activation(fused)),
					in);
			case Op.Pool3d p -> builder.addLayer(node.name(),
					new Subsampling3DLayer.Builder(p.pooling() == Op.Pooling.MAX ? PoolingType.MAX : PoolingType.AVG)
							.kernelSize(p.kernel()).stride(p.stride()).convolutionMode(mode(p.padding()))
							.dataFormat(Convolution3D.DataFormat.NCDHW).build(),
					in);
			case Op.GlobalPool p -> builder.addLayer(node.name(), new GlobalPoolingLayer.Builder(
					p.pooling() == Op.Pooling.MAX ? PoolingType.MAX : PoolingType.AVG).build(), in);
			case Op.Flatten f -> {
				Shape s = node.inputs().get(0).shape();
				builder.addVertex(node.name(), new PreprocessorVertex(
						new Cnn3DToFeedForwardPreProcessor(s.depth(), s.height(), s.width(), s.channels(), true)), in);
			}
			case Op.Concat c -> {
				if (node.shape().isVolume()) {
					// DL4J's merge of 5D inputs fails in backprop: merge them as images [N, C, D, H*W]
					String[] images = new String[in.length];
					for (int i = 0; i < in.length; i++) {
						images[i] = toImage(builder, node.name() + "_in" + i, in[i], node.inputs().get(i).shape());
					}
					builder.addVertex(node.name() + "_merge", new MergeVertex(), images);
					builder.addVertex(node.name(), new PreprocessorVertex(reshape(false, node.shape())), node.name() + "_merge");
				} else {
					builder.addVertex(node.name(), new MergeVertex(), in);
				}
			}
			case Op.Add a -> builder.addVertex(node.name(), new ElementWiseVertex(ElementWiseVertex.Op.Add), in);
			case Op.ChannelScale c -> {
				// [N, C] factors -> [N, C, 1, 1, 1], broadcast over the volume by the product vertex
				String reshaped = node.name() + "_factors";
				builder.addVertex(reshaped, new PreprocessorVertex(
						new FeedForwardToCnn3DPreProcessor(1, 1, 1, node.shape().channels(), true)), in[1]);
				builder.addVertex(node.name(), new ElementWiseVertex(ElementWiseVertex.Op.Product), in[0], reshaped);
			}
			case Op.CenterCrop c -> {
				Shape s = node.inputs().get(0).shape();
				int[] before = c.before(s);
				int[] size = c.size();
				builder.addLayer(node.name(), new Cropping3D.Builder(before[0], s.depth() - size[0] - before[0], before[1],
						s.height() - size[1] - before[1], before[2], s.width() - size[2] - before[2]).build(), in);
			}
			case Op.BatchNorm b -> {
				// DL4J's decay is the weight of the old running average: PyTorch's momentum 0.1 is decay 0.9
				BatchNormalization built = new BatchNormalization.Builder().eps(b.epsilon()).decay(1 - b.momentum()).build();
				BatchNormalization bn = fused == Activation.RELU ? BatchNormRelu.of(built) : built;
				if (node.shape().isVolume()) { // statistics per channel over N, D, H, W on the image view
					String image = toImage(builder, node.name() + "_image", in[0], node.shape());
					builder.addLayer(node.name(), bn, image);
					vertexOf.put(node, toVolume(builder, node.name() + "_volume", node.name(), node.shape()));
				} else {
					builder.addLayer(node.name(), bn, in);
				}
			}
			case Op.PRelu p -> vertexOf.put(node, prelu(builder, node, in[0]));
			case Op.CentralPool p -> builder.addLayer(node.name(), new CentralPool3D(p.output()), in);
			case Op.Dense d -> builder.addLayer(node.name(),
					new DenseLayer.Builder().nOut(d.units()).hasBias(d.bias()).activation(fused).build(), in);
			case Op.Dropout d -> builder.addLayer(node.name(), new DropoutLayer.Builder(1.0 - d.rate()).build(), in);
			case Op.Activation a -> builder.addLayer(node.name(),
					new ActivationLayer.Builder().activation(activation(a.function())).build(), in);
			case Op.Classifier c -> {
				if (node != graph.output()) {
					throw new BackendException("dl4j backend: classifier '" + node.name() + "' must be the output");
				}
				boolean sigmoid = c.output() == Op.Classifier.Output.SIGMOID;
				OutputLayer.Builder out = loss != null ? new OutputLayer.Builder().lossFunction(loss)
						: new OutputLayer.Builder(sigmoid ? LossFunction.XENT : LossFunction.MCXENT);
				builder.addLayer(node.name(), out.nOut(sigmoid ? 1 : 2)
						.activation(sigmoid ? Activation.SIGMOID : Activation.SOFTMAX).build(), in);
			}
			case Op.Input i -> throw new IllegalStateException("inputs are added first");
			}
			vertexOf.putIfAbsent(node, node.name());
		}
		builder.setOutputs(graph.output().name());
		try {
			return builder.build();
		} catch (RuntimeException e) {
			throw new BackendException("dl4j backend cannot build network '" + graph.name() + "': " + e.getMessage(), e);
		}
	}

	private static VolumeReshape reshape(boolean toImage, Shape s) {
		return new VolumeReshape(toImage, s.channels(), s.depth(), s.height(), s.width());
	}

	private static String toImage(ComputationGraphConfiguration.GraphBuilder builder, String name, String input, Shape s) {
		builder.addVertex(name, new PreprocessorVertex(reshape(true, s)), input);
		return name;
	}

	private static String toVolume(ComputationGraphConfiguration.GraphBuilder builder, String name, String input, Shape s) {
		builder.addVertex(name, new PreprocessorVertex(reshape(false, s)), input);
		return name;
	}

	/**
	 * PReLU with a slope per channel, {@code max(x, 0) + a_c * min(x, 0)}: one {@link ChannelPRelu} layer on the
	 * image view (features as 1x1 images). DL4J's own PReLU layer fails in native backprop with per-channel slopes;
	 * the slopes are those of a 1x1 depthwise convolution without bias (one weight per channel, initialised to 0.25
	 * as in PyTorch, no L2), the layer carrying the node's name. Networks saved before this layer existed (a ReLU
	 * pair, the convolution and a subtraction) keep their own configuration and load as they were.
	 */
	private static String prelu(ComputationGraphConfiguration.GraphBuilder builder, Node node, String input) {
		String name = node.name();
		Shape s = node.shape();
		String image;
		if (s.isVolume()) {
			image = toImage(builder, name + "_image", input, s);
		} else {
			image = name + "_image";
			builder.addVertex(image, new PreprocessorVertex(new FeedForwardToCnnPreProcessor(1, 1, s.channels())), input);
		}
		builder.addLayer(name, new ChannelPRelu(new DepthwiseConvolution2D.Builder().kernelSize(1, 1).depthMultiplier(1).hasBias(false)
				.weightInit(new WeightInitConstant(0.25)).activation(Activation.IDENTITY).l2(0)), image);
		String back = name + "_back";
		if (s.isVolume()) {
			toVolume(builder, back, name, s);
		} else {
			builder.addVertex(back, new PreprocessorVertex(new CnnToFeedForwardPreProcessor(1, 1, s.channels())), name);
		}
		return back;
	}

	/**
	 * An activation directly after a convolution or dense layer that nothing else reads is folded into it; so is a
	 * ReLU after a batch norm ({@link BatchNormRelu}).
	 */
	private static boolean canFuse(NetworkGraph graph, Node activation) {
		Node producer = activation.inputs().get(0);
		if (graph.consumers(producer).size() != 1) {
			return false;
		}
		return producer.op() instanceof Op.Conv3d || producer.op() instanceof Op.Dense
				|| producer.op() instanceof Op.BatchNorm && ((Op.Activation) activation.op()).function() == Op.Activation.Function.RELU;
	}

	private static Activation fusedActivation(NetworkGraph graph, Node node) {
		List<Node> consumers = graph.consumers(node);
		if (consumers.size() == 1 && consumers.get(0).op() instanceof Op.Activation a) {
			if (node.op() instanceof Op.Conv3d || node.op() instanceof Op.Dense) {
				return activation(a.function());
			}
			if (node.op() instanceof Op.BatchNorm && a.function() == Op.Activation.Function.RELU) {
				return Activation.RELU;
			}
		}
		return Activation.IDENTITY;
	}

	private static Activation activation(Op.Activation.Function function) {
		return switch (function) {
		case RELU -> Activation.RELU;
		case SIGMOID -> Activation.SIGMOID;
		case TANH -> Activation.TANH;
		case IDENTITY -> Activation.IDENTITY;
		};
	}

	private static ConvolutionMode mode(Op.Padding padding) {
		return padding == Op.Padding.SAME ? ConvolutionMode.Same : ConvolutionMode.Truncate;
	}
}
