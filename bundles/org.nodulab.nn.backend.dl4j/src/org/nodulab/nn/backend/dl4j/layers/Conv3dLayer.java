package org.nodulab.nn.backend.dl4j.layers;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Convolution3DLayer;
import org.deeplearning4j.nn.params.Convolution3DParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.Convolution3DUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's 3D convolution, except in backprop: DL4J's layer runs the forward convolution again there to
 * get the pre-activation it differentiates. With no activation (a batch norm follows, as in every
 * ResNet and DenseNet convolution) the incoming gradient is already the one to propagate, and for
 * ReLU the output of the forward pass (kept for the iteration) gives the same mask, so this layer
 * calls ND4J's {@code conv3dnew_bp} directly. Other activations, non-NCDHW data and weight noise keep
 * DL4J's own path.
 */
public class Conv3dLayer extends Convolution3DLayer {

	private static final long serialVersionUID = 1L;

	/** The forward output of the current training iteration (ReLU only). */
	private transient INDArray output;

	public Conv3dLayer(NeuralNetConfiguration conf, DataType dataType) {
		super(conf, dataType);
	}

	private boolean fast() {
		Convolution3D c = (Convolution3D) layerConf();
		return c.getDataFormat() == Convolution3D.DataFormat.NCDHW && c.getWeightNoise() == null
				&& (c.getActivationFn() instanceof ActivationIdentity || c.getActivationFn() instanceof ActivationReLU);
	}

	@Override
	public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
		INDArray out = super.activate(training, workspaceMgr);
		output = training && ((Convolution3D) layerConf()).getActivationFn() instanceof ActivationReLU ? out : null;
		return out;
	}

	@Override
	public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
		boolean relu = ((Convolution3D) layerConf()).getActivationFn() instanceof ActivationReLU;
		if (!fast() || (relu && output == null)) {
			return super.backpropGradient(epsilon, workspaceMgr);
		}
		Convolution3D c = (Convolution3D) layerConf();
		INDArray x = input.castTo(dataType);
		INDArray w = getParamWithNoise(Convolution3DParamInitializer.WEIGHT_KEY, true, workspaceMgr);
		int[] kernel = c.getKernelSize();
		int[] stride = c.getStride();
		int[] dilation = c.getDilation();
		int[] inSize = { (int) x.size(2), (int) x.size(3), (int) x.size(4) };
		int[] pad = convolutionMode == ConvolutionMode.Same
				? Convolution3DUtils.get3DSameModeTopLeftPadding(
						Convolution3DUtils.get3DOutputSize(x, kernel, stride, null, convolutionMode, dilation, true), inSize,
						kernel, stride, dilation)
				: c.getPadding();
		INDArray delta = relu ? epsilon.mul(output.gt(0).castTo(epsilon.dataType())) : epsilon;
		INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, w.dataType(), x.shape(), 'c');
		INDArray weightGradient = gradientViews.get(Convolution3DParamInitializer.WEIGHT_KEY);
		// DL4J keeps weights as [out, in, kD, kH, kW]; ND4J's op wants [kD, kH, kW, in, out]
		DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv3dnew_bp")
				.addIntegerArguments(kernel[0], kernel[1], kernel[2], stride[0], stride[1], stride[2], pad[0], pad[1], pad[2],
						dilation[0], dilation[1], dilation[2], convolutionMode == ConvolutionMode.Same ? 1 : 0, 0)
				.callInplace(false);
		INDArray biasGradient = null;
		if (c.hasBias()) {
			biasGradient = gradientViews.get(Convolution3DParamInitializer.BIAS_KEY);
			op.addInputs(x, w.permute(2, 3, 4, 1, 0), getParamWithNoise(Convolution3DParamInitializer.BIAS_KEY, true, workspaceMgr),
					delta).addOutputs(inputGradient, weightGradient.permute(2, 3, 4, 1, 0), biasGradient);
		} else {
			op.addInputs(x, w.permute(2, 3, 4, 1, 0), delta).addOutputs(inputGradient, weightGradient.permute(2, 3, 4, 1, 0));
		}
		Nd4j.getExecutioner().exec(op.build());
		output = null;
		Gradient gradient = new DefaultGradient();
		if (biasGradient != null) {
			gradient.setGradientFor(Convolution3DParamInitializer.BIAS_KEY, biasGradient);
		}
		gradient.setGradientFor(Convolution3DParamInitializer.WEIGHT_KEY, weightGradient, 'c');
		weightNoiseParams.clear();
		return new Pair<>(gradient, inputGradient);
	}
}
