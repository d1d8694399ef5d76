package org.nodulab.nn;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * Keeps each compute backend's native libraries its own.
 * <p>
 * DL4J brings JavaCPP 1.5.7 and the libtorch backend JavaCPP 1.5.13; inside OSGi both extract their
 * libraries under bare names ({@code linux-x86_64/libjnijavacpp.so}, {@code libopenblas.so.0}, ...), so in
 * one shared cache folder the file a backend loads would be whichever version got there first (and the
 * second JavaCPP, finding "its" file already loaded by the other class loader, falls back to the system's
 * library path, where Debian's python3-torch/libtorch-dev put a libtorch 1.13: SIGSEGV). {@link #pinCache}
 * gives each JavaCPP version a folder of its own below the configured cache
 * ({@code org.bytedeco.javacpp.cachedir}, default {@code ~/.javacpp/cache}): {@code javacpp-1.5.7/},
 * {@code javacpp-1.5.13/}. JavaCPP reads the cache folder once per {@code Loader} class and keeps it, so
 * the property is set for the moment of that first read only, under one lock for every backend.
 * <p>
 * {@link #foreign} then reads the process's own memory map: a library of the families a backend
 * ships that was mapped from anywhere but a JavaCPP cache is reported (the backend refuses to
 * compute with it rather than answer with a foreign libtorch).
 */
public final class NativeLibraries {

	/** The system property JavaCPP reads its cache folder from. */
	public static final String CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";

	/**
	 * Library families the backends ship themselves whose other builds must never serve them: libtorch, libc10,
	 * OpenBLAS, ND4J and the JNI wrappers. (libgomp and libgfortran are shipped too and loaded first from the cache,
	 * but a process may also hold the system's copy for another reason, e.g. a GTK module, and they are backward
	 * compatible; they are not refused.)
	 */
	private static final Pattern SHIPPED = Pattern.compile(
			"lib(torch|torch_cpu|torch_cuda|torch_global_deps|c10|c10_cuda|openblas|openblas_nolapack|nd4jcpu|nd4jcuda|jnind4jcpu|jnind4jcuda|jnijavacpp|jnitorch|jniopenblas|jniopenblas_nolapack)\\.so.*");

	private NativeLibraries() {
	}

	/** The cache folder configured for this process (the launchers and tests set the property). */
	public static Path baseCache() {
		String configured = System.getProperty(CACHE_PROPERTY);
		if (configured == null || configured.isBlank()) {
			configured = System.getProperty("user.home") + "/.javacpp/cache";
		}
		return Path.of(configured).toAbsolutePath().normalize();
	}

	/** The folder of one JavaCPP version below the configured cache. */
	public static Path cacheFor(String javacppVersion) {
		return baseCache().resolve("javacpp-" + javacppVersion);
	}

	/**
	 * Makes one JavaCPP {@code Loader} read its cache folder as {@link #cacheFor(String)} of its version.
	 *
	 * @param javacppVersion the version of that Loader (its {@code Loader.getVersion()})
	 * @param readCacheDir that Loader's {@code getCacheDir}, which fixes its folder on the first call
	 * @return the folder it uses
	 * @throws BackendException when that Loader already chose another folder (something used it before
	 *             the backend started) or the folder cannot be created
	 */
	public static synchronized Path pinCache(String javacppVersion, Callable<File> readCacheDir) throws BackendException {
		Path wanted = cacheFor(javacppVersion);
		String previous = System.getProperty(CACHE_PROPERTY);
		File chosen;
		try {
			Files.createDirectories(wanted);
			System.setProperty(CACHE_PROPERTY, wanted.toString());
			chosen = readCacheDir.call();
		} catch (Exception e) {
			throw new BackendException("JavaCPP " + javacppVersion + ": the native library cache " + wanted
					+ " cannot be used (" + e.getMessage() + "); set -D" + CACHE_PROPERTY + " (NODULAB_JAVACPP_CACHE) to a writable folder", e);
		} finally {
			if (previous == null) {
				System.clearProperty(CACHE_PROPERTY);
			} else {
				System.setProperty(CACHE_PROPERTY, previous);
			}
		}
		Path actual;
		try {
			actual = chosen.toPath().toRealPath();
			wanted = wanted.toRealPath();
		} catch (IOException e) {
			throw new BackendException("JavaCPP " + javacppVersion + ": cannot resolve the cache folder " + chosen + ": " + e.getMessage(), e);
		}
		if (!actual.equals(wanted)) {
			throw new BackendException("JavaCPP " + javacppVersion + " already extracts its native libraries to " + actual
					+ ", a folder other backends may share; it must use " + wanted + " (something used JavaCPP before the backend started)");
		}
		return actual;
	}

	/**
	 * Libraries of the shipped families (libtorch, libc10, libgomp, OpenBLAS, ND4J, JavaCPP's JNI) that
	 * this process mapped from outside the configured JavaCPP cache, e.g. Debian's
	 * {@code /usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13.0}. Empty where {@code /proc/self/maps}
	 * cannot be read (not Linux).
	 */
	public static List<Path> foreign() {
		Path maps = Path.of("/proc/self/maps");
		if (!Files.isReadable(maps)) {
			return List.of();
		}
		Path base = baseCache();
		Path realBase;
		try {
			realBase = base.toRealPath();
		} catch (IOException e) {
			realBase = base;
		}
		Set<Path> out = new LinkedHashSet<>();
		try {
			for (String line : Files.readAllLines(maps)) {
				int slash = line.indexOf('/');
				if (slash < 0) {
					continue;
				}
				Path file = Path.of(line.substring(slash).replace(" (deleted)", ""));
				Path name = file.getFileName();
				if (name == null || !SHIPPED.matcher(name.toString()).matches()) {
					continue;
				}
				if (!file.startsWith(base) && !file.startsWith(realBase)) {
					out.add(file);
				}
			}
		} catch (IOException | RuntimeException e) {
			return List.of();
		}
		return new ArrayList<>(out);
	}

	/** Refuses to go on when {@link #foreign()} found libraries, naming them and the way out. */
	public static void requireOwn(String backend) throws BackendException {
		List<Path> foreign = foreign();
		if (!foreign.isEmpty()) {
			throw new BackendException(backend + " backend: native libraries from outside its JavaCPP cache (" + baseCache()
					+ ") were loaded into this process: " + foreign + ". Two builds of the same library in one process give "
					+ "wrong results or crash, so the backend refuses to compute. Remove the folder from LD_LIBRARY_PATH / "
					+ "LD_PRELOAD, or report how they got there.");
		}
	}
}
