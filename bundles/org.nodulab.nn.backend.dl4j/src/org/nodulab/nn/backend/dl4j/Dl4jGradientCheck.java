package org.nodulab.nn.backend.dl4j;

import java.util.List;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;

/**
 * Gradient checks of the DL4J translation of a graph: the network is compiled in double precision
 * without an updater or L2, and DL4J's backpropagated gradient of every parameter is compared with
 * central finite differences of the loss on seeded random inputs and labels. Every custom piece of
 * the compiler (reshaped batch norm, per-channel PReLU, channel merge of volumes, central pooling) is
 * checked this way.
 */
public final class Dl4jGradientCheck {

	/** The outcome, with the number of parameters and state values checked. */
	public record Result(boolean passed, long parameters) {
	}

	private Dl4jGradientCheck() {
	}

	/**
	 * @param batch samples in the random batch
	 * @param maxRelativeError largest relative difference accepted (1e-3 is DL4J's own default)
	 */
	public static Result check(NetworkGraph graph, long seed, int batch, double maxRelativeError) throws BackendException {
		return check(graph, seed, batch, maxRelativeError, null);
	}

	/** As above, with the loss a run's training settings choose (null: cross-entropy). */
	public static Result check(NetworkGraph graph, long seed, int batch, double maxRelativeError,
			org.nodulab.core.experiment.TrainingSettings training) throws BackendException {
		org.nd4j.linalg.lossfunctions.ILossFunction loss = training != null
				&& training.loss == org.nodulab.core.experiment.TrainingSettings.Loss.FOCAL
						? new org.nodulab.nn.backend.dl4j.layers.FocalLoss(training.focalGamma, training.focalAlpha)
						: null;
		for (var node : graph.nodes()) {
			if (node.op() instanceof Op.Dropout) {
				throw new IllegalArgumentException("gradient checks need a network without dropout: " + node);
			}
		}
		Dl4jBackend.start();
		DataType previous = Nd4j.dataType();
		Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
		try {
			ComputationGraph net = new ComputationGraph(Dl4jGraphCompiler.compile(graph, new NoOp(), 0, 0,
					org.deeplearning4j.nn.weights.WeightInit.RELU, DataType.DOUBLE, seed, loss));
			net.init();
			Dl4jBackend.checkParameters(graph, net);
			Nd4j.getRandom().setSeed(seed);
			List<Shape> shapes = graph.inputShapes();
			INDArray[] inputs = new INDArray[shapes.size()];
			for (int i = 0; i < inputs.length; i++) {
				Shape s = shapes.get(i);
				inputs[i] = Nd4j.randn(DataType.DOUBLE, batch, s.channels(), s.depth(), s.height(), s.width());
			}
			int units = graph.classifier().units();
			INDArray labels = Nd4j.zeros(DataType.DOUBLE, batch, units);
			for (int n = 0; n < batch; n++) {
				labels.putScalar(n, units == 1 ? 0 : n % 2, units == 1 ? n % 2 : 1);
			}
			// batch norm's running statistics are state, not parameters: the loss does not depend on them in
			// training, DL4J only passes their updates through the gradient view
			java.util.Set<String> state = new java.util.HashSet<>();
			for (var node : graph.nodes()) {
				if (node.op() instanceof Op.BatchNorm) {
					state.addAll(List.of(node.name() + "_mean", node.name() + "_var", node.name() + "_log10stdev"));
				}
			}
			boolean passed = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net).inputs(inputs)
					.labels(new INDArray[] { labels }).epsilon(1e-6).maxRelError(maxRelativeError).minAbsoluteError(1e-8)
					.excludeParams(state).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
			return new Result(passed, net.numParams());
		} finally {
			Nd4j.setDefaultDataTypes(previous, previous);
		}
	}
}
