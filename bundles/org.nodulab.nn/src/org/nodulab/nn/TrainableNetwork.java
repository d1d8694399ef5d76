package org.nodulab.nn;

import org.nodulab.core.experiment.Precision;
import org.nodulab.nn.graph.NetworkGraph;

/** A network compiled by a compute backend, with its optimiser state. */
public interface TrainableNetwork extends AutoCloseable {

	NetworkGraph graph();

	/** One optimisation step on a labelled batch; returns the batch loss (mean over samples, without the L2 term). */
	double fit(Batch batch);

	/**
	 * How many samples of the last {@link #fit} batch the network classified right in that step's forward pass
	 * (probability at or above 0.5 for a label at or above 0.5, below for one below), as Keras's training
	 * accuracy counts; -1 when the backend does not report it.
	 */
	default int lastFitCorrect() {
		return -1;
	}

	/** Probability that each sample is a nodule. */
	float[] predict(Batch batch);

	/**
	 * Makes {@link #predict} compute in the given precision from now on ({@link Precision#FLOAT32} until then); training
	 * is not affected. The default offers single precision only.
	 *
	 * @throws BackendException when this backend or this machine cannot predict in that precision
	 */
	default void predictIn(Precision precision) throws BackendException {
		if (precision != Precision.FLOAT32) {
			throw new BackendException("this backend predicts in float32 only, not " + precision + " (the libtorch backend offers bfloat16)");
		}
	}

	/**
	 * Where the training steps so far spent their time: seconds per phase of {@link #fit} (for example copying the
	 * batch in, the forward pass, the loss, the backward pass, the optimiser's update), in the order they run; empty
	 * where a backend does not time them. {@code nodulab bench train} prints the shares.
	 */
	default java.util.Map<String, Double> stepPhases() {
		return java.util.Map.of();
	}

	/**
	 * Seeds the random numbers of the next steps (dropout), so that a step's outcome depends only on
	 * the weights, the batch and this seed: training resumed from a checkpoint repeats an uninterrupted run.
	 */
	void reseed(long seed);

	/** Marks the end of an epoch: applies the per-epoch learning rate decay. */
	void endEpoch();

	/** Epochs completed so far. */
	int epoch();

	/** The learning rate the next step uses. */
	double learningRate();

	/** Trainable parameters as the backend counts them (must equal the graph's count). */
	long parameterCount();

	/**
	 * Every parameter and state array by name ({@code <node>_<kind>}, e.g. {@code b0_stem1_W}), for
	 * transfer between networks; copies.
	 */
	java.util.Map<String, Tensor> parameters();

	/** Replaces the named arrays (same names and shapes as {@link #parameters()}); others keep their values. */
	void setParameters(java.util.Map<String, Tensor> values);

	/** Writes the network with its optimiser state, so {@link ComputeBackend#load} continues training exactly. */
	void save(java.io.OutputStream out) throws java.io.IOException;

	@Override
	void close();
}
