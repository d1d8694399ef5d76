package org.nodulab.nn.backend.dl4j.layers;

import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's Convolution3D configuration with {@link Conv3dLayer} as its implementation: the same
 * parameters, initialisation and serialised form, without the forward convolution DL4J recomputes in
 * backprop.
 */
public class Conv3d extends Convolution3D {

	private static final long serialVersionUID = 1L;

	/** For DL4J's JSON serialisation. */
	public Conv3d() {
		super();
	}

	public Conv3d(Convolution3D.Builder builder) {
		super(builder);
	}

	@Override
	public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
			int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
		return CustomLayers.wire(new Conv3dLayer(conf, networkDataType), this, conf, listeners, layerIndex, layerParamsView, initializeParams);
	}
}
