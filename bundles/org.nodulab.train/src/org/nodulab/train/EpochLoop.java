package org.nodulab.train;

import java.util.function.IntToLongFunction;

import org.nodulab.nn.Batch;
import org.nodulab.nn.TrainableNetwork;

/**
 * One epoch of training: the batches of a sample order, built ahead on worker threads
 * ({@link BatchPipeline}), each fitted after reseeding the network's dropout from the batch index, the
 * loss summed per sample. The one batch loop of training: the models of a run and the split models of
 * hard mining both train through it.
 */
final class EpochLoop {

	/**
	 * Losses summed over samples, samples classified right during their steps (-1 when the backend does not
	 * say), and the time spent waiting for batches.
	 */
	record Outcome(double lossSum, long samples, long correct, long waitedNanos) {
		double meanLoss() {
			return lossSum / Math.max(1, samples);
		}

		/** Training accuracy of the epoch; NaN when not reported. */
		double accuracy() {
			return correct < 0 || samples == 0 ? Double.NaN : (double) correct / samples;
		}
	}

	/** Called at a batch boundary when the user asked to stop; writes what is needed to continue there. */
	@FunctionalInterface
	interface OnStop {
		void stopAt(int batch, double lossSum, long samples, long correct) throws Exception;
	}

	/** Builds the batch of {@code count} samples starting at position {@code from} of the order. */
	@FunctionalInterface
	interface Batches {
		Batch batch(int from, int count) throws Exception;
	}

	private final String name;
	private final int batchSize;
	private final int workers;
	private final int prefetch;
	private final Progress progress;

	/**
	 * @param name the model, in messages
	 */
	EpochLoop(String name, int batchSize, int workers, int prefetch, Progress progress) {
		this.name = name;
		this.batchSize = batchSize;
		this.workers = workers;
		this.prefetch = prefetch;
		this.progress = progress;
	}

	/** Number of batches for an order of {@code samples} entries. */
	int batches(int samples) {
		return (samples + batchSize - 1) / batchSize;
	}

	/**
	 * Trains {@code net} on one epoch (numbered {@code epoch} from 0, for messages) from batch
	 * {@code startBatch}, continuing the sums of an interrupted epoch. Ends the epoch of the network
	 * (learning-rate decay). With {@code onStop} a stop request is honoured at every batch boundary after the
	 * first: {@code onStop} is called, the progress task ends with "stopped" and {@link ExperimentRunner.Stopped}
	 * is thrown. Progress: begins {@code task}; the caller ends it.
	 *
	 * @param seeds the seed the network's randomness is reset to before batch {@code b}
	 */
	Outcome run(TrainableNetwork net, String task, int epoch, int samplesInOrder, Batches batches, IntToLongFunction seeds,
			int startBatch, double lossSum, long samples, long correct, OnStop onStop) throws Exception {
		int count = batches(samplesInOrder);
		long waited = 0;
		progress.begin(task, count);
		try (BatchPipeline pipeline = new BatchPipeline(b -> {
			int from = b * batchSize;
			return batches.batch(from, Math.min(batchSize, samplesInOrder - from));
		}, startBatch, count, workers, prefetch)) {
			for (int b = startBatch; b < count; b++) {
				if (onStop != null && b > startBatch && progress.stopRequested()) {
					onStop.stopAt(b, lossSum, samples, correct);
					progress.end("stopped");
					throw new ExperimentRunner.Stopped();
				}
				long w0 = System.nanoTime();
				Batch batch = pipeline.next();
				waited += System.nanoTime() - w0;
				net.reseed(seeds.applyAsLong(b));
				double loss = net.fit(batch);
				FirstCompute.trainingStep();
				if (!Double.isFinite(loss)) {
					throw new IllegalStateException(name + ": the loss became " + loss + " in epoch " + (epoch + 1) + " batch " + b
							+ "; lower the learning rate");
				}
				lossSum += loss * batch.size();
				samples += batch.size();
				int right = net.lastFitCorrect();
				correct = right < 0 || correct < 0 ? -1 : correct + right;
				progress.step(b + 1, count);
			}
		}
		net.endEpoch();
		return new Outcome(lossSum, samples, correct, waited);
	}
}
