package org.nodulab.nn.backend.dl4j.layers;

import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * PReLU with a slope per channel, {@code max(x, 0) + a_c * min(x, 0)}, on NCHW images (a volume's image view,
 * or features as 1x1 images). Configured as the 1x1 depthwise convolution without bias that held the slopes
 * before this layer existed (parameter {@code W} of shape {@code [1, 1, C, 1]}, initialised to 0.25, no L2), so
 * the parameters, their names and the serialised form stay those of DL4J's layer; {@link ChannelPReluLayer}
 * computes it in one layer instead of seven vertices and layers (two ReLUs, a negation, the convolution, two
 * reshapes and a subtraction), each of which kept an activation-sized array through the step.
 */
public class ChannelPRelu extends DepthwiseConvolution2D {

	private static final long serialVersionUID = 1L;

	/** For DL4J's JSON serialisation. */
	public ChannelPRelu() {
		super();
	}

	public ChannelPRelu(DepthwiseConvolution2D.Builder builder) {
		super(builder);
	}

	@Override
	public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
			int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
		return CustomLayers.wire(new ChannelPReluLayer(conf, networkDataType), this, conf, listeners, layerIndex, layerParamsView, initializeParams);
	}

	@Override
	public ChannelPRelu clone() {
		return (ChannelPRelu) super.clone();
	}
}
