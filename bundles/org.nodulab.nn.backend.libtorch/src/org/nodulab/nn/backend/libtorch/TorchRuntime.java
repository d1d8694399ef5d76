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
		try {
			Loader.cacheResources(org.bytedeco.javacpp.presets.javacpp.class, "org/bytedeco/javacpp/" + PLATFORM + "/");
			Loader.cacheResources(org.bytedeco.openblas.global.openblas_nolapack.class, "org/bytedeco/openblas/" + PLATFORM + "/");
			Loader.cacheResources(torch.class, "org/bytedeco/pytorch/" + PLATFORM + "/");
			Loader.load(torch.class);
			// libtorch's oneDNN convolutions give wrong 3D results for some channel counts here (24 input channels:
			// errors up to 0.1 and sometimes NaN; 1, 4, 8 and 16 agree with DL4J); its own kernels agree everywhere
			torch.globalContext().setUserEnabledMkldnn(Boolean.getBoolean("nodulab.torch.onednn"));
			started = true;
		} catch (Throwable e) {
			throw new BackendException("libtorch backend: the native libraries (" + PLATFORM + ") could not be loaded: " + e
					+ ". The bundle org.nodulab.torch.libs must embed pytorch-" + PLATFORM + ".jar; see docs/performance.md", e);
		}
	}

	/** Facts for {@code nodulab info}. */
	public static Map<String, String> describe() throws BackendException {
		start();
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("libtorch", LIBTORCH_VERSION + " (oneDNN " + torch.get_mkldnn_version().getString() + ")");
		facts.put("threads", Integer.toString(torch.get_num_threads()));
		facts.put("oneDNN", torch.globalContext().userEnabledMkldnn() ? "on (-Dnodulab.torch.onednn=true)" : "off (wrong 3D results for some channel counts; -Dnodulab.torch.onednn=true turns it on)");
		try {
			facts.put("javacpp", Loader.getVersion());
			facts.put("javacpp cache", Loader.getCacheDir().toString());
		} catch (java.io.IOException e) {
			facts.put("javacpp", "unknown (" + e.getMessage() + ")");
		}
		return facts;
	}
}
