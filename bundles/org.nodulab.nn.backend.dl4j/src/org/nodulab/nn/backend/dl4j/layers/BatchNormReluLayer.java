package org.nodulab.nn.backend.dl4j.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link BatchNormRelu}: DL4J's batch normalisation, its output rectified in place; in backprop the incoming
 * gradient is masked by that output (kept for the iteration, as the batch norm's output was) in the layer's
 * working memory before DL4J's batch norm backprop, which reads the input and its statistics, not the output.
 */
public class BatchNormReluLayer extends BatchNormalization {

	private static final long serialVersionUID = 1L;

	/** The rectified output of the current training iteration. */
	private transient INDArray output;

	public BatchNormReluLayer(NeuralNetConfiguration conf, DataType dataType) {
		super(conf, dataType);
	}

	@Override
	public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
		INDArray out = super.activate(training, workspaceMgr);
		Nd4j.exec(new ScalarMax(out, null, out, 0.0));
		output = training ? out : null;
		return out;
	}

	@Override
	public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
		if (output == null) {
			throw new IllegalStateException("batch norm + ReLU '" + layerConf().getLayerName() + "': backprop without a training forward pass");
		}
		INDArray delta = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), epsilon.shape(), 'c');
		Nd4j.exec(new Step(output, delta, 0.0)); // 1 where the output is positive
		delta.muli(epsilon);
		output = null;
		return super.backpropGradient(delta, workspaceMgr);
	}
}
