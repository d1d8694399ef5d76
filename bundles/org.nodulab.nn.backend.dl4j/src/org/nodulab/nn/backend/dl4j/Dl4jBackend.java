package org.nodulab.nn.backend.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.config.ND4JClassLoading;
import org.nd4j.linalg.factory.Nd4j;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.NativeLibraries;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;

/**
 * The Deeplearning4j / ND4J compute backend. ND4J's native backend comes from the
 * {@code org.nodulab.dl4j.natives} fragment (CPU oneDNN by default, CUDA with the -Pcuda build), so
 * this bundle is the same for both.
 */
@Component(service = ComputeBackend.class)
public class Dl4jBackend implements ComputeBackend {

	public static final String ID = "dl4j";
	/** DL4J 1.0.0-M2.1's JavaCPP; its native libraries are cached in a folder of this name. */
	static final String JAVACPP_VERSION = "1.5.7";

	@Override
	public String id() {
		return ID;
	}

	@Override
	public String name() {
		return "Deeplearning4j " + libraryVersion();
	}

	/** Loads ND4J and its native backend ({@link #start}). */
	@Override
	public void prepare() throws BackendException {
		start();
	}

	/**
	 * No: ND4J's start looks up its BLAS functions through JavaCPP's {@code Loader.addressof}
	 * ({@code CpuNDArrayFactory}, {@code CpuBlas.setMaxThreads}), which calls {@code dlclose} inside a
	 * {@code dl_iterate_phdr} callback; a workbench that found its devices on a thread of its own hung so (gdb, 2026-12-08:
	 * that thread in {@code addressof}, the window's thread in {@code dlopen} of an AWT library). So ND4J loads on the
	 * thread that first needs it. libtorch's loading makes no such call.
	 */
	@Override
	public boolean preparesBesideOtherThreads() {
		return false;
	}

	@Override
	public Map<String, String> describe() throws BackendException {
		start();
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("library", "Deeplearning4j / ND4J " + libraryVersion());
		Bundle natives = nativesFragment();
		facts.put("native bundle", natives == null ? "none"
				: natives.getSymbolicName() + " " + natives.getVersion() + " (" + natives.getHeaders().get("Bundle-Name") + ")");
		facts.put("nd4j backend", Nd4j.getBackend().getClass().getName());
		Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
		for (String key : List.of("backend", "cores", "omp.threads", "blas.vendor", "blas.threads", "os", "cuda.devicesInformation")) {
			if (env.get(key) != null) {
				facts.put(key, String.valueOf(env.get(key)));
			}
		}
		facts.put("helpers (oneDNN/cuDNN)", Nd4j.getEnvironment().helpersAllowed() ? "allowed" : "disabled");
		facts.put("javacpp maxbytes", mib(Pointer.maxBytes()));
		facts.put("javacpp maxphysicalbytes", mib(Pointer.maxPhysicalBytes()));
		try {
			facts.put("javacpp", JAVACPP_VERSION);
			facts.put("javacpp cache", org.bytedeco.javacpp.Loader.getCacheDir().toString());
		} catch (java.io.IOException e) {
			facts.put("javacpp cache", "unknown (" + e.getMessage() + ")");
		}
		return facts;
	}

	@Override
	public boolean cpuOnly() {
		// ND4J's CUDA backend (the -Pcuda build) is absent from the CPU build
		return Dl4jBackend.class.getClassLoader().getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") == null;
	}

	@Override
	public List<String> devices() throws BackendException {
		start();
		Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
		Object devices = env.get("cuda.devicesInformation");
		if (devices instanceof List<?> list && !list.isEmpty()) {
			return java.util.stream.IntStream.range(0, list.size()).mapToObj(i -> "cuda:" + i + " " + list.get(i))
					.toList();
		}
		return List.of("cpu (" + env.getOrDefault("cores", Runtime.getRuntime().availableProcessors()) + " cores)");
	}

	@Override
	public void bind(String device) throws BackendException {
		ComputeBackend.super.bind(device);
		if (device.startsWith("cuda:")) {
			// ND4J keeps one device per thread: this thread's arrays and kernels go to that GPU
			Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(device.substring("cuda:".length())));
		}
	}

	@Override
	public double peakGflops(int n, double seconds) throws BackendException {
		start();
		try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
			org.nd4j.linalg.api.ndarray.INDArray a = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
			org.nd4j.linalg.api.ndarray.INDArray b = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
			org.nd4j.linalg.api.ndarray.INDArray c = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
			double g = ComputeBackend.bestGflops(n, seconds, () -> a.mmuli(b, c));
			a.close();
			b.close();
			c.close();
			return g;
		}
	}

	@Override
	public TrainableNetwork create(NetworkGraph graph, TrainingSettings training, long seed) throws BackendException {
		start();
		ComputationGraphConfiguration conf = Dl4jGraphCompiler.compile(graph, training, seed);
		Nd4j.getRandom().setSeed(seed);
		ComputationGraph net = new ComputationGraph(conf);
		net.init();
		checkParameters(graph, net);
		return new Dl4jNetwork(graph, net, training);
	}

	@Override
	public TrainableNetwork load(NetworkGraph graph, TrainingSettings training, java.io.InputStream in)
			throws BackendException, java.io.IOException {
		start();
		java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(in);
		buffered.mark(64);
		byte[] head = buffered.readNBytes(24);
		buffered.reset();
		if (new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).contains("nodulab-libtorch")) {
			throw new BackendException("dl4j backend: this is a libtorch checkpoint; resume or predict its run with the libtorch backend "
					+ "(the run's experiment says training.backend: libtorch)");
		}
		in = buffered;
		ComputationGraph net;
		try {
			net = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(new java.io.FilterInputStream(in) {
				@Override
				public void close() {
					// the caller owns the stream
				}
			}, true);
		} catch (RuntimeException e) {
			throw new BackendException("dl4j backend: not a DL4J network of '" + graph.name() + "': " + e.getMessage(), e);
		}
		checkParameters(graph, net);
		return new Dl4jNetwork(graph, net, training);
	}

	/** DL4J keeps batch norm's running statistics with the parameters: they must add up to the graph's. */
	static void checkParameters(NetworkGraph graph, ComputationGraph net) throws BackendException {
		long expected = graph.parameterCount() + graph.stateCount();
		if (net.numParams() != expected) {
			throw new BackendException("dl4j backend: network '" + graph.name() + "' has " + net.numParams()
					+ " parameters and state values, the graph " + expected + "; the compiler mistranslated it");
		}
	}

	/**
	 * Loads ND4J and its native backend, with a clear error when the native fragment is missing.
	 * ND4J finds its backend with a ServiceLoader on the class loader it captured from the calling
	 * thread when it was first loaded; inside OSGi that must be the library bundle's own class loader,
	 * which also sees the native fragment, whatever thread happens to start ND4J.
	 */
	static void start() throws BackendException {
		START.run();
	}

	private static final org.nodulab.nn.BackendStart START = new org.nodulab.nn.BackendStart(Dl4jBackend::load);

	private static void load() throws BackendException {
		// this JavaCPP's own cache folder (javacpp-1.5.7/), never the one libtorch's JavaCPP 1.5.13 fills
		NativeLibraries.pinCache(JAVACPP_VERSION, org.bytedeco.javacpp.Loader::getCacheDir);
		ND4JClassLoading.setNd4jClassloader(Nd4j.class.getClassLoader());
		try {
			Nd4j.getBackend();
		} catch (Throwable e) {
			Bundle natives = nativesFragment();
			String fragment = natives == null ? "the org.nodulab.dl4j.natives fragment is not installed"
					: "the org.nodulab.dl4j.natives fragment is installed (" + natives.getHeaders().get("Bundle-Name")
							+ ", state " + natives.getState() + ")";
			throw new BackendException("dl4j backend: ND4J could not load its native backend (" + e + "); " + fragment
					+ ". The product needs that fragment for this platform; on first use it unpacks ~400 MB into"
					+ " the JavaCPP cache (org.bytedeco.javacpp.cachedir), which must be writable.", e);
		}
		NativeLibraries.requireOwn("dl4j");
	}

	private static Bundle nativesFragment() {
		Bundle self = FrameworkUtil.getBundle(Dl4jBackend.class);
		if (self == null) {
			return null;
		}
		for (Bundle b : self.getBundleContext().getBundles()) {
			if ("org.nodulab.dl4j.natives".equals(b.getSymbolicName())) {
				return b;
			}
		}
		return null;
	}

	private static String libraryVersion() {
		Bundle libs = FrameworkUtil.getBundle(Nd4j.class);
		String vendor = libs == null ? null : libs.getHeaders().get("Bundle-Vendor");
		if (vendor != null) {
			java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+\\.\\d+\\.\\d+(-M[0-9.]+)?").matcher(vendor);
			if (m.find()) {
				return m.group();
			}
		}
		return "unknown version";
	}

	private static String mib(long bytes) {
		return bytes <= 0 ? "unlimited" : (bytes >> 20) + " MiB";
	}
}
