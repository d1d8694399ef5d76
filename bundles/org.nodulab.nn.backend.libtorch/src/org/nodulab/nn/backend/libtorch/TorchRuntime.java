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
	private static final org.nodulab.nn.BackendStart START = new org.nodulab.nn.BackendStart(TorchRuntime::load);

	private TorchRuntime() {
	}

	/**
	 * Extracts and loads libtorch once; names the cause when the natives are missing. Any thread may start it
	 * ({@link TorchBackend#prepare} on a thread of its own): libtorch applies the thread count to each thread that
	 * computes when it first does.
	 */
	public static void start() throws BackendException {
		START.run();
	}

	private static void load() throws BackendException {
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
			java.util.List<Class<?>> presets = java.util.List.of(org.bytedeco.javacpp.presets.javacpp.class,
					org.bytedeco.openblas.global.openblas_nolapack.class, torch.class);
			java.util.Set<String> shipped = shippedFiles(presets);
			extract(presets.get(0), shipped);
			extract(presets.get(1), shipped);
			java.util.Map<String, java.io.File> libraries = extract(torch.class, shipped);
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
			markNotShipped(torch.class, shipped);
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
	}

	/**
	 * Extracts every library a preset class preloads, links or wraps into this JavaCPP's cache, each where
	 * {@link Loader#load} then finds it (found the way {@code Loader} finds them: {@link Loader#findLibrary}
	 * among the class's resources only, never the system's library paths).
	 */
	private static java.util.Map<String, java.io.File> extract(Class<?> preset, java.util.Set<String> shipped) throws java.io.IOException {
		org.bytedeco.javacpp.ClassProperties p = Loader.loadProperties(preset, Loader.loadProperties(), true);
		java.util.List<String> names = new java.util.ArrayList<>(p.get("platform.preload"));
		names.addAll(p.get("platform.link"));
		names.addAll(p.get("platform.library"));
		java.util.Map<String, java.io.File> out = new java.util.LinkedHashMap<>();
		for (String name : names) {
			if (shipped != null && !shipped(name, shipped)) {
				continue; // not in this build (the CUDA libraries of the CPU build): finding that out costs 10-30 ms a name
			}
			for (java.net.URL url : Loader.findLibrary(preset, p, name, false)) {
				if (!"file".equals(url.getProtocol())) { // a resource of the natives jar, not a file on the machine
					out.putIfAbsent(name, Loader.cacheResource(url));
				}
			}
		}
		return out;
	}

	/**
	 * The file names of the native libraries the bundles holding these presets ship for this platform (the CPU and
	 * the {@code -gpu} folders of every preset's package), listed once through their wiring; null outside OSGi or
	 * where they cannot say. One set for all of them: JavaCPP keeps what it found by library name across presets, so
	 * a name one preset does not ship but another does (OpenBLAS's {@code gcc_s@.1} in libtorch's list) counts as
	 * shipped.
	 */
	private static java.util.Set<String> shippedFiles(java.util.List<Class<?>> presets) {
		java.util.Set<String> files = new java.util.HashSet<>();
		for (Class<?> preset : presets) {
			org.osgi.framework.Bundle bundle = org.osgi.framework.FrameworkUtil.getBundle(preset);
			org.osgi.framework.wiring.BundleWiring wiring = bundle == null ? null : bundle.adapt(org.osgi.framework.wiring.BundleWiring.class);
			if (wiring == null) {
				return null;
			}
			String[] parts = preset.getName().split("\\.");
			for (String folder : java.util.List.of(PLATFORM, PLATFORM + "-gpu")) {
				String path = parts[0] + "/" + parts[1] + "/" + parts[2] + "/" + folder;
				for (String resource : wiring.listResources(path, "*", org.osgi.framework.wiring.BundleWiring.LISTRESOURCES_LOCAL)) {
					files.add(resource.substring(resource.lastIndexOf('/') + 1));
				}
			}
		}
		return files.isEmpty() ? null : files;
	}

	/**
	 * Whether the bundle ships a file {@link Loader#findLibrary} could take for a JavaCPP library name: for
	 * {@code gomp@.1} {@code libgomp.so.1}, {@code libgomp.1.so} or {@code libgomp.so}; in
	 * {@code openblas@.0#openblas_nolapack@.0} the part before {@code #} is the file. A name with an explicit path
	 * ({@code :}) is always looked for.
	 */
	static boolean shipped(String name, java.util.Set<String> files) {
		String n = name.endsWith("!") ? name.substring(0, name.length() - 1) : name;
		if (n.contains(":")) {
			return true;
		}
		n = n.contains("#") ? n.substring(0, n.indexOf('#')) : n;
		String[] parts = n.split("@");
		String base = parts[0];
		String version = parts.length > 1 ? parts[parts.length - 1] : "";
		return files.contains("lib" + base + ".so" + version) || files.contains("lib" + base + version + ".so") || files.contains("lib" + base + ".so");
	}

	/**
	 * Tells JavaCPP's loader which of the preset's libraries this build does not ship (the CPU build: the CUDA and cuDNN
	 * ones), so that {@link Loader#load} does not search the bundle and the system's library folders for each of them
	 * (0.3-0.4 s of every start). It keeps what it found per library name in {@code Loader.foundLibraries} and skips
	 * a name found before with no file. Only speed depends on it: where that field is not there (another JavaCPP),
	 * the loader searches as before. Never for the CUDA build, whose CUDA libraries come from the machine.
	 */
	private static void markNotShipped(Class<?> preset, java.util.Set<String> files) {
		if (files == null || gpuBuild()) {
			return;
		}
		try {
			java.lang.reflect.Field field = Loader.class.getDeclaredField("foundLibraries");
			field.setAccessible(true);
			@SuppressWarnings("unchecked")
			java.util.Map<String, java.net.URL[]> found = (java.util.Map<String, java.net.URL[]>) field.get(null);
			org.bytedeco.javacpp.ClassProperties p = Loader.loadProperties(preset, Loader.loadProperties(), true);
			java.util.List<String> names = new java.util.ArrayList<>(p.get("platform.preload"));
			names.addAll(p.get("platform.link"));
			for (String name : names) {
				String key = name.endsWith("!") ? name.substring(0, name.length() - 1) : name;
				if (!shipped(name, files)) {
					found.putIfAbsent(key, new java.net.URL[0]);
				}
			}
		} catch (ReflectiveOperationException | RuntimeException e) {
			// another JavaCPP: its loader searches for them, only slower
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
