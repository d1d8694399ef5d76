package org.nodulab.nn.backend.dl4j.layers;

import java.util.Arrays;
import java.util.Collection;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nodulab.nn.graph.Op;

/**
 * Configuration of central pooling on NCDHW volumes: max pooling to {@code output} voxels with the
 * non-uniform windows of {@link Op.CentralPool#bins} (narrow at the centre, wide at the border). DL4J
 * has no such layer; {@link CentralPool3DLayer} computes it.
 */
public class CentralPool3D extends NoParamLayer {

	private static final long serialVersionUID = 1L;

	private int[] output;

	/** For DL4J's JSON serialisation. */
	public CentralPool3D() {
		super(new Builder());
	}

	public CentralPool3D(int[] output) {
		super(new Builder());
		this.output = output.clone();
	}

	public int[] getOutput() {
		return output.clone();
	}

	public void setOutput(int[] output) {
		this.output = output.clone();
	}

	@Override
	public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
			int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
		return CustomLayers.wire(new CentralPool3DLayer(conf, networkDataType), this, conf, listeners, layerIndex, layerParamsView, initializeParams);
	}

	@Override
	public InputType getOutputType(int layerIndex, InputType inputType) {
		if (!(inputType instanceof InputType.InputTypeConvolutional3D c)) {
			throw new IllegalStateException("central pooling '" + getLayerName() + "' needs a 3D convolutional input, got "
					+ inputType);
		}
		return InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, output[0], output[1], output[2], c.getChannels());
	}

	@Override
	public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
		return InputTypeUtil.getPreProcessorForInputTypeCnn3DLayers(inputType, getLayerName());
	}

	@Override
	public LayerMemoryReport getMemoryReport(InputType inputType) {
		return null;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof CentralPool3D c && Arrays.equals(c.output, output) && java.util.Objects.equals(c.getLayerName(), getLayerName());
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(output);
	}

	/** DL4J's layer builders need a concrete builder; this layer is configured by its constructor. */
	static final class Builder extends Layer.Builder<Builder> {
		@Override
		@SuppressWarnings("unchecked")
		public CentralPool3D build() {
			throw new UnsupportedOperationException("use new CentralPool3D(output)");
		}
	}
}
