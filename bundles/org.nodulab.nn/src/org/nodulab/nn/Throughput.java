package org.nodulab.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Shape;

/**
 * Training and inference samples per second of a network on a backend: what {@code nodulab bench train} prints and
 * what a campaign's cost estimate divides its sample counts by.
 */
public final class Throughput {

	/** Samples per second, and the training losses seen (warm-up steps first). */
	public record Figures(double train, double infer, List<Double> losses, java.util.Map<String, Double> phases) {
	}

	private Throughput() {
	}

	/** A batch of seeded Gaussian inputs for the graph's inputs, labels alternating 0 and 1. */
	public static Batch randomBatch(NetworkGraph graph, int batch, long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		List<float[]> inputs = new ArrayList<>();
		for (Shape s : graph.inputShapes()) {
			float[] v = new float[(int) (s.size() * batch)];
			for (int i = 0; i < v.length; i++) {
				v[i] = (float) random.nextGaussian();
			}
			inputs.add(v);
		}
		float[] labels = new float[batch];
		for (int i = 0; i < batch; i++) {
			labels[i] = i % 2;
		}
		return new Batch(batch, inputs, labels);
	}

	/**
	 * Trains on {@code batches} for about {@code seconds} (at least two steps, after two warm-up steps), then scores
	 * {@code inference} for about half as long.
	 */
	public static Figures measure(TrainableNetwork net, Supplier<Batch> batches, Batch inference, double seconds) {
		List<Double> losses = new ArrayList<>();
		losses.add(net.fit(batches.get()));
		losses.add(net.fit(batches.get()));
		long start = System.nanoTime();
		long samples = 0;
		int steps = 0;
		while (steps < 2 || System.nanoTime() - start < seconds * 1e9) {
			Batch b = batches.get();
			losses.add(net.fit(b));
			samples += b.size();
			steps++;
		}
		double train = samples / ((System.nanoTime() - start) / 1e9);
		java.util.Map<String, Double> phases = new java.util.LinkedHashMap<>(net.stepPhases());
		return new Figures(train, inference(net, inference, seconds / 2), losses, phases);
	}

	/** Samples scored per second: {@code batch} predicted for about {@code seconds} (at least two calls) after one warm-up call. */
	public static double inference(TrainableNetwork net, Batch batch, double seconds) {
		net.predict(batch);
		long start = System.nanoTime();
		int steps = 0;
		while (steps < 2 || System.nanoTime() - start < seconds * 1e9) {
			net.predict(batch);
			steps++;
		}
		return (double) steps * batch.size() / ((System.nanoTime() - start) / 1e9);
	}
}
