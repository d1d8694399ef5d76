package org.nodulab.nn.backend.libtorch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.nodulab.nn.BackendException;

/**
 * Starts libtorch inside OSGi. Before the first torch call the JavaCPP, OpenBLAS and PyTorch native
 * folders are extracted into the JavaCPP cache ({@link Loader#cacheResources}): otherwise, on a machine with
 * Debian's python3-torch, the first start with an empty cache loads the 15 KB libtorch.so stub before
 * libtorch_cpu.so is extracted, the linker finds Debian's libtorch, and two libtorch builds meet in one
 * process (SIGSEGV). This JavaCPP (1.5.13) is the torch libraries bundle's own; DL4J keeps its 1.5.7.
 */
public final class TorchRuntime {

	private static final String PLATFORM = "linux-x86_64";
	/** The libtorch release of the embedded presets (org.bytedeco:pytorch:2.10.0-1.5.13). */
	public static final String LIBTORCH_VERSION = "2.10.0";
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
		try {
			Loader.cacheResources(org.bytedeco.javacpp.presets.javacpp.class, "org/bytedeco/javacpp/" + PLATFORM + "/");
			Loader.cacheResources(org.bytedeco.openblas.global.openblas_nolapack.class, "org/bytedeco/openblas/" + PLATFORM + "/");
			if (gpuBuild()) { // -Pcuda: libtorch for CUDA and the CUDA presets' JNI libraries
				Loader.cacheResources(torch.class, "org/bytedeco/cuda/" + PLATFORM + "/");
				Loader.cacheResources(torch.class, "org/bytedeco/pytorch/" + PLATFORM + "-gpu/");
			} else {
				Loader.cacheResources(torch.class, "org/bytedeco/pytorch/" + PLATFORM + "/");
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
			started = true;
		} catch (Throwable e) {
			throw new BackendException("libtorch backend: the native libraries (" + PLATFORM + ") could not be loaded: " + e
					+ ". The bundle org.nodulab.torch.libs must embed pytorch-" + PLATFORM + ".jar (or, built with -Pcuda, pytorch-" + PLATFORM
					+ "-gpu.jar, which also needs the CUDA 13.1 and cuDNN 9 libraries on the library path); see docs/performance.md", e);
		}
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
