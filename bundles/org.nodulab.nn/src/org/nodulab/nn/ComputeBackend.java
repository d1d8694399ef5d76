package org.nodulab.nn;

import java.util.List;
import java.util.Map;

import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.graph.NetworkGraph;

/**
 * A compute backend (DL4J; later libtorch), published as an OSGi service. It compiles
 * backend-neutral {@link NetworkGraph}s into trainable networks.
 */
public interface ComputeBackend {

	/** Id used in experiment files ({@code training.backend}) and on the command line, e.g. {@code dl4j}. */
	String id();

	/** Human-readable name and version, e.g. "Deeplearning4j 1.0.0-M2.1". */
	String name();

	/**
	 * Facts for {@code nodulab info}: library versions, native backend, BLAS, threads, memory limits.
	 * Starts the backend if needed.
	 */
	Map<String, String> describe() throws BackendException;

	/** Compute devices this backend can use, e.g. {@code cpu} or {@code cuda:0}. */
	List<String> devices() throws BackendException;

	/**
	 * Makes the calling thread compute on this device (its id: the first word of a {@link #devices()} line).
	 * The default accepts the devices this backend lists and does nothing else (one CPU).
	 *
	 * @throws BackendException when the backend has no such device
	 */
	default void bind(String device) throws BackendException {
		for (String line : devices()) {
			if (line.equals(device) || line.startsWith(device + " ")) {
				return;
			}
		}
		throw new BackendException("backend '" + id() + "' has no device '" + device + "'; devices: " + devices());
	}

	/**
	 * Compiles a network with freshly initialised weights.
	 *
	 * @param seed seed of the weight initialisation and dropout
	 * @throws BackendException when the graph uses something this backend cannot run
	 */
	TrainableNetwork create(NetworkGraph graph, TrainingSettings training, long seed) throws BackendException;

	/**
	 * Reads a network written by {@link TrainableNetwork#save} of this backend.
	 *
	 * @param graph the graph it was built from (checked against what was read)
	 * @throws BackendException when the data are not such a network or do not match the graph
	 */
	TrainableNetwork load(NetworkGraph graph, TrainingSettings training, java.io.InputStream in)
			throws BackendException, java.io.IOException;
}
