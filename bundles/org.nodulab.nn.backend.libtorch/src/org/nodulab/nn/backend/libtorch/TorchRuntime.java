package org.nodulab.nn.backend.libtorch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.NativeLibraries;

/**
 * Starts libtorch inside OSGi. This JavaCPP (1.5.13) extracts into a cache folder of its own
 * ({@link NativeLibraries#pinCache}): in a folder shared with DL4J's JavaCPP 1.5.7 the files of the same bare name
 * ({@code libjnijavacpp.so}, {@code libopenblas.so.0}) were whichever version came first, and on a machine with
 * Debian's python3-torch and libtorch-dev the loader then fell back to the system's libtorch 1.13 (SIGSEGV in
 * the first use). Before the first torch call the JavaCPP, OpenBLAS and PyTorch native
 * folders are extracted into that cache ({@link Loader#cacheResources}): otherwise, on a machine with
 * Debian's python3-torch, the first start with an empty cache loads the 15 KB libtorch.so stub before
 * libtorch_cpu.so is extracted, the linker finds Debian's libtorch, and two libtorch builds meet in one
 * process (SIGSEGV). This JavaCPP (1.5.13) is the torch libraries bundle's own; DL4J keeps its 1.5.7.
 */
public final class TorchRuntime {

	private static final String PLATFORM = "linux-x86_64";
	/** The libtorch release of the embedded presets (org.bytedeco:pytorch:2.10.0-1.5.13). */
	public static final String LIBTORCH_VERSION = "2.10.0";
	/** The JavaCPP of the embedded presets; its native libraries are cached in a folder of this name. */
	static final String JAVACPP_VERSION = "1.5.13";
	private static volatile boolean started;

	private TorchRuntime() {
	}

	/** Extracts and loads libtorch once; names the cause when the natives are missing. */
	public static synchronized void start() throws BackendException {
		if (started) {
			return;
		}
		// libtorch counts physical cores from the CPU's topology and takes 1 thread on this 2-core VM (so does
		// PyTorch here); a training process should use every core the JVM is given (-Dnodulab.torch.threads=N)
		int threads;
		try {
			threads = Integer.parseInt(System.getProperty("nodulab.torch.threads", Integer.toString(Runtime.getRuntime().availableProcessors())).trim());
		} catch (NumberFormatException e) {
			threads = 0;
		}
		if (threads < 1) {
			throw new BackendException("libtorch backend: -Dnodulab.torch.threads must be a whole number of at least 1, got '"
					+ System.getProperty("nodulab.torch.threads") + "'");
		}
		// this JavaCPP's own cache folder (javacpp-1.5.13/), never the one DL4J's JavaCPP 1.5.7 fills
		NativeLibraries.pinCache(JAVACPP_VERSION, Loader::getCacheDir);
		try {
			// every library each preset loads is extracted before any is loaded: libtorch.so (a stub) comes before
			// libtorch_cpu.so in the preload order, and where its neighbour is not yet in the cache the dynamic linker
			// takes the system's libtorch_cpu.so (Debian's libtorch-dev) instead
			extract(org.bytedeco.javacpp.presets.javacpp.class);
			extract(org.bytedeco.openblas.global.openblas_nolapack.class);
			java.util.Map<String, java.io.File> libraries = extract(torch.class);
			// then loaded in the order of their dependencies (OpenBLAS, libgomp, libc10, libtorch_cpu, the libtorch stub
			// last), so that every library a later one needs is already in the process under its own name: the dynamic
			// linker searches LD_LIBRARY_PATH before the libraries' own folder ($ORIGIN, a RUNPATH), and a libtorch or
			// libc10 of another version found there would be taken
			Loader.load(org.bytedeco.openblas.global.openblas.class);
			for (String name : java.util.List.of("gomp@.1", "c10", "torch_cpu")) {
				java.io.File file = libraries.get(name);
				if (file != null) {
					Loader.loadLibrary(torch.class, new java.net.URL[] { file.toURI().toURL() }, name);
				}
			}
			Loader.load(torch.class);
			// oneDNN's 3D convolutions are right here on channels-last tensors only (see TorchOps); the backend keeps
			// its activations and weights channels-last. -Dnodulab.torch.onednn=false falls back to libtorch's own
			// (much slower) kernels.
			torch.globalContext().setUserEnabledMkldnn(!"false".equals(System.getProperty("nodulab.torch.onednn")));
			torch.set_num_threads(threads);
			// the CUDA build (-Pcuda): repeatable runs need cuDNN's deterministic algorithms, as the CPU kernels are
			torch.globalContext().setDeterministicCuDNN(true);
			torch.globalContext().setBenchmarkCuDNN(false);
		} catch (Throwable e) {
			throw new BackendException("libtorch backend: the native libraries (" + PLATFORM + ") could not be loaded: " + e
					+ ". The bundle org.nodulab.torch.libs must embed pytorch-" + PLATFORM + ".jar (or, built with -Pcuda, pytorch-" + PLATFORM
					+ "-gpu.jar, which also needs the CUDA 13.1 and cuDNN 9 libraries on the library path); see docs/performance.md", e);
		}
		NativeLibraries.requireOwn("libtorch");
		started = true;
	}

	/**
	 * Extracts every library a preset class preloads, links or wraps into this JavaCPP's cache, each where
	 * {@link Loader#load} then finds it (found the way {@code Loader} finds them: {@link Loader#findLibrary}
	 * among the class's resources only, never the system's library paths).
	 */
	private static java.util.Map<String, java.io.File> extract(Class<?> preset) throws java.io.IOException {
		org.bytedeco.javacpp.ClassProperties p = Loader.loadProperties(preset, Loader.loadProperties(), true);
		java.util.List<String> names = new java.util.ArrayList<>(p.get("platform.preload"));
		names.addAll(p.get("platform.link"));
		names.addAll(p.get("platform.library"));
		java.util.Map<String, java.io.File> out = new java.util.LinkedHashMap<>();
		for (String name : names) {
			for (java.net.URL url : Loader.findLibrary(preset, p, name, false)) {
				if (!"file".equals(url.getProtocol())) { // a resource of the natives jar, not a file on the machine
					out.putIfAbsent(name, Loader.cacheResource(url));
				}
			}
		}
		return out;
	}

	/** Whether the torch libraries bundle embeds libtorch's CUDA build (-Pcuda). */
	static boolean gpuBuild() {
		return torch.class.getResource("/org/bytedeco/pytorch/" + PLATFORM + "-gpu/") != null;
	}

	/** GPUs libtorch sees: none with the CPU build (the default), {@code cuda_device_count()} with -Pcuda. */
	public static int cudaDevices() throws BackendException {
		start();
		return torch.cuda_is_available() ? torch.cuda_device_count() : 0;
	}

	/** Facts for {@code nodulab info}. */
	public static Map<String, String> describe() throws BackendException {
		start();
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("libtorch", LIBTORCH_VERSION + " (oneDNN " + torch.get_mkldnn_version().getString() + ")");
		facts.put("build", gpuBuild() ? PLATFORM + "-gpu (CUDA 13.1, -Pcuda)" : PLATFORM + " (CPU)");
		int gpus = cudaDevices();
		facts.put("CUDA devices", gpus > 0 ? gpus + " (cuDNN " + (torch.globalContext().hasCuDNN() ? "yes" : "no") + ")" : "none");
		facts.put("threads", torch.get_num_threads() + " (-Dnodulab.torch.threads=N; default: the cores the JVM sees)");
		facts.put("oneDNN", torch.globalContext().userEnabledMkldnn() ? "on, channels-last (-Dnodulab.torch.onednn=false turns it off)"
				: "off (-Dnodulab.torch.onednn=false; libtorch's own kernels)");
		try {
			facts.put("javacpp", Loader.getVersion());
			facts.put("javacpp cache", Loader.getCacheDir().toString());
		} catch (java.io.IOException e) {
			facts.put("javacpp", "unknown (" + e.getMessage() + ")");
		}
		return facts;
	}
}
