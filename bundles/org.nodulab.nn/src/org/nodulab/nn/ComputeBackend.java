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

	/**
	 * Loads what this backend needs before its first network (its native libraries), so that a command can have it
	 * done on a thread of its own while it reads its inputs ({@link #prepareInBackground}). Safe to call from any
	 * thread and more than once; a failure is remembered and reported, the same, to every later call that needs the
	 * backend. The default does nothing.
	 */
	default void prepare() throws BackendException {
	}

	/**
	 * {@code -Dnodulab.prepareInBackground=false}: {@link #prepareInBackground} does nothing, and the backend loads
	 * when the first network needs it (how {@code nodulab bench startup} times the difference).
	 */
	String PREPARE_IN_BACKGROUND = "nodulab.prepareInBackground";

	/**
	 * Starts {@link #prepare} on a daemon thread of its own and returns at once; whoever then needs the backend waits
	 * for it (the backends' start is synchronised) and gets its failure, if any. Commands call it as soon as they know
	 * the backend, so that loading libtorch (2.5 s on a cold start) overlaps reading the run, the candidates or the
	 * dataset.
	 */
	static void prepareInBackground(ComputeBackend backend) {
		if ("false".equals(System.getProperty(PREPARE_IN_BACKGROUND)) || !backend.preparesBesideOtherThreads()) {
			return;
		}
		Thread t = new Thread(() -> {
			try {
				backend.prepare();
			} catch (BackendException | RuntimeException | LinkageError e) {
				// remembered by the backend and reported to the thread that needs it
			}
		}, "nodulab-" + backend.id() + "-prepare");
		t.setDaemon(true);
		t.start();
	}

	/**
	 * Whether {@link #prepare} may run on a thread of its own while the command's thread goes on (and may load native
	 * libraries of its own, the JDK's included). Not for a backend whose loading calls {@code dlclose} inside a
	 * {@code dl_iterate_phdr} callback (JavaCPP's {@code Loader.addressof}): with another thread in {@code dlopen} at
	 * that moment, each holds one of glibc's two loader locks and the process hangs for good. The default: it may.
	 */
	default boolean preparesBesideOtherThreads() {
		return true;
	}

	/** Compute devices this backend can use, e.g. {@code cpu} or {@code cuda:0}. */
	List<String> devices() throws BackendException;

	/**
	 * Whether this build of the backend computes on the CPU only, known without loading its native libraries (which
	 * {@link #devices()} may do): then its one device is {@code cpu}, and whoever only needs the device list (the job
	 * queue, a window opening its job views) need not load a second of libraries for it. The default: not known.
	 */
	default boolean cpuOnly() {
		return false;
	}

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

	/**
	 * Whether this backend trains networks. An inference-only backend (ONNX Runtime) refuses {@link #create} and
	 * predicts with weights trained on another backend, through {@link #inference}.
	 */
	default boolean trains() {
		return true;
	}

	/**
	 * A network for prediction with the given weights: every parameter and state array by name, in the names and
	 * layouts of {@link TrainableNetwork#parameters()} (which both training backends share, so a model trained on one
	 * predicts on another). The default compiles a fresh network and replaces its weights.
	 *
	 * @throws BackendException when the graph uses something this backend cannot run, or the weights do not fit it
	 */
	default TrainableNetwork inference(NetworkGraph graph, TrainingSettings training, Map<String, Tensor> weights)
			throws BackendException {
		TrainableNetwork net = create(graph, training, 0);
		try {
			net.setParameters(weights);
			return net;
		} catch (RuntimeException e) {
			net.close();
			throw new BackendException(id() + ": the weights do not fit network " + graph.name() + ": " + e.getMessage(), e);
		}
	}

	/**
	 * The single-precision peak this backend reaches on this machine, in GFLOP/s: the best of repeated
	 * products of two random {@code n x n} float matrices ({@code 2 n^3} operations each) through the backend's
	 * own library and threads, on the CPU, for about the given seconds after one warm-up product. The figure
	 * against which {@code nodulab bench train} prints a network's share of peak.
	 *
	 * @throws BackendException when this backend cannot measure it
	 */
	default double peakGflops(int n, double seconds) throws BackendException {
		throw new BackendException("backend '" + id() + "' does not measure its peak");
	}

	/** GFLOP/s of products timed as {@link #peakGflops}: runs {@code product} until the time is up, best round. */
	static double bestGflops(int n, double seconds, Runnable product) {
		return bestGflops(2.0 * n * n * n, seconds, product);
	}

	/** GFLOP/s of {@code work} doing {@code flops} operations a call: best call until the time is up, after one warm-up. */
	static double bestGflops(double flops, double seconds, Runnable work) {
		Runnable product = work;
		product.run();
		double best = 0;
		long end = System.nanoTime() + (long) (seconds * 1e9);
		do {
			long t0 = System.nanoTime();
			product.run();
			best = Math.max(best, flops / Math.max(1, System.nanoTime() - t0));
		} while (System.nanoTime() < end);
		return best;
	}
}
