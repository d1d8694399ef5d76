package org.nodulab.nn.backend.dl4j.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.DepthwiseConvolution2DLayer;
import org.deeplearning4j.nn.params.DepthwiseConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The computation of {@link ChannelPRelu} on {@code [N, C, H, W]}: forward {@code max(x, 0) + a_c * min(x, 0)}
 * into the output and one working array of the layer's working memory; backward
 * {@code dx = g * (a_c + (1 - a_c) * step(x))} into the input gradient and {@code da_c = sum(g * min(x, 0))} over
 * N, H and W through one working array. Nothing else outlives the layer's call.
 */
public class ChannelPReluLayer extends DepthwiseConvolution2DLayer {

	private static final long serialVersionUID = 1L;

	public ChannelPReluLayer(NeuralNetConfiguration conf, DataType dataType) {
		super(conf, dataType);
	}

	/** The slopes as a vector of the channels (a view of the {@code [1, 1, C, 1]} parameter). */
	private INDArray slopes(boolean training, LayerWorkspaceMgr workspaceMgr) {
		INDArray w = getParamWithNoise(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
		return w.reshape(w.length());
	}

	private INDArray x() {
		INDArray x = input.castTo(dataType);
		if (x.rank() != 4) {
			throw new IllegalStateException("PReLU '" + layerConf().getLayerName() + "' expects [N, C, H, W], got " + java.util.Arrays.toString(x.shape()));
		}
		return x;
	}

	@Override
	public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
		assertInputSet(false);
		applyDropOutIfNecessary(training, workspaceMgr);
		INDArray x = x();
		INDArray a = slopes(training, workspaceMgr);
		INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
		INDArray negative = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, x.shape(), 'c');
		Nd4j.exec(new ScalarMax(x, null, out, 0.0));
		Nd4j.exec(new ScalarMin(x, null, negative, 0.0));
		Nd4j.exec(new BroadcastMulOp(negative, a, negative, 1));
		return out.addi(negative);
	}

	@Override
	public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
		assertInputSet(true);
		INDArray x = x();
		INDArray g = epsilon.castTo(dataType);
		INDArray a = slopes(true, workspaceMgr);
		// da_c = sum over N, H, W of g * min(x, 0)
		INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
		Nd4j.exec(new ScalarMin(x, null, work, 0.0));
		work.muli(g);
		INDArray slopeGradient = gradientViews.get(DepthwiseConvolutionParamInitializer.WEIGHT_KEY);
		slopeGradient.assign(work.sum(0, 2, 3).reshape(slopeGradient.shape()));
		// dx = g * (a + (1 - a) * step(x))
		INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
		Nd4j.exec(new Step(x, dx, 0.0)); // 1 where x > 0, else 0
		Nd4j.exec(new BroadcastMulOp(dx, a.rsub(1.0), dx, 1));
		Nd4j.exec(new BroadcastAddOp(dx, a, dx, 1));
		dx.muli(g);
		Gradient gradient = new DefaultGradient();
		gradient.setGradientFor(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, slopeGradient);
		weightNoiseParams.clear();
		return new Pair<>(gradient, dx);
	}
}
