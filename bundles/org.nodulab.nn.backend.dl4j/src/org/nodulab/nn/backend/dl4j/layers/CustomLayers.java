package org.nodulab.nn.backend.dl4j.layers;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What every custom layer configuration's {@code instantiate} does with its new layer, as DL4J's own do. */
final class CustomLayers {

	private CustomLayers() {
	}

	/**
	 * Wires a new layer: listeners, index, its view of the network's parameters (none for a layer without any) and
	 * its parameter table from the configuration's initialiser.
	 */
	static <L extends Layer> L wire(L layer, org.deeplearning4j.nn.conf.layers.Layer config, NeuralNetConfiguration conf,
			Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initialize) {
		layer.setListeners(listeners);
		layer.setIndex(index);
		if (config.initializer().numParams(conf) > 0) {
			layer.setParamsViewArray(paramsView);
		}
		layer.setParamTable(config.initializer().init(conf, paramsView, initialize));
		layer.setConf(conf);
		return layer;
	}
}
