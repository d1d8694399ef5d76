package org.nodulab.nn.backend.dl4j.layers;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's batch normalisation followed by a ReLU, as one layer ({@link BatchNormReluLayer}): the same parameters,
 * running statistics, initialisation and serialised fields as {@link BatchNormalization}, without the separate
 * activation layer whose output (as large as the batch norm's) DL4J keeps through the step. DL4J's batch norm
 * layer ignores a configured activation, hence a layer of its own.
 */
public class BatchNormRelu extends BatchNormalization {

	private static final long serialVersionUID = 1L;

	/** For DL4J's JSON serialisation. */
	public BatchNormRelu() {
		super();
	}

	/** A copy of {@code built} (DL4J's builder is the only way to its defaults; its constructor is private). */
	public static BatchNormRelu of(BatchNormalization built) {
		BatchNormRelu copy = new BatchNormRelu();
		try {
			for (Class<?> c = BatchNormalization.class; c != null && c != Object.class; c = c.getSuperclass()) {
				for (Field f : c.getDeclaredFields()) {
					if (!Modifier.isStatic(f.getModifiers())) {
						f.setAccessible(true);
						f.set(copy, f.get(built));
					}
				}
			}
		} catch (ReflectiveOperationException | RuntimeException e) {
			throw new IllegalStateException("cannot copy DL4J's batch norm configuration: " + e, e);
		}
		return copy;
	}

	@Override
	public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
			int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
		return CustomLayers.wire(new BatchNormReluLayer(conf, networkDataType), this, conf, listeners, layerIndex, layerParamsView, initializeParams);
	}

	@Override
	public BatchNormRelu clone() {
		return (BatchNormRelu) super.clone();
	}
}
