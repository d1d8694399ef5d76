package org.nodulab.nn.backend.onnxruntime;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nodulab.nn.BackendException;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

/**
 * ONNX Runtime in this process: its native libraries are loaded from the libraries bundle's own folder
 * ({@code org.nodulab.onnx.libs/lib/onnxruntime/ai/onnxruntime/native/linux-x64/}, the product's bundles are
 * unpacked), not extracted into a temporary folder on every start; where that folder is not a plain directory
 * (a jar-shaped bundle) ONNX Runtime extracts them itself. One environment, warnings only; sessions compute with as
 * many intra-op threads as the machine has cores, as the other backends do.
 */
final class OrtRuntime {

	static final String NATIVE_PATH = "onnxruntime.native.path";

	private static OrtEnvironment environment;

	private OrtRuntime() {
	}

	static synchronized OrtEnvironment start() throws BackendException {
		if (environment != null) {
			return environment;
		}
		if (System.getProperty(NATIVE_PATH) == null) {
			Path dir = nativeFolder();
			if (dir != null) {
				System.setProperty(NATIVE_PATH, dir.toString());
			}
		}
		try {
			environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "nodulab");
			return environment;
		} catch (RuntimeException | UnsatisfiedLinkError e) {
			throw new BackendException("ONNX Runtime could not start (native libraries from "
					+ System.getProperty(NATIVE_PATH, "its jar") + "): " + e.getMessage(), e);
		}
	}

	/** The unpacked folder of the linux-x64 natives in the libraries bundle, or null. */
	private static Path nativeFolder() {
		Bundle libs = FrameworkUtil.getBundle(OrtEnvironment.class);
		if (libs == null) {
			return null;
		}
		URL entry = libs.getEntry("lib/onnxruntime/ai/onnxruntime/native/linux-x64/");
		if (entry == null) {
			return null;
		}
		try {
			URL file = org.eclipse.core.runtime.FileLocator.toFileURL(entry);
			if (!"file".equals(file.getProtocol())) {
				return null;
			}
			Path dir = new File(file.getPath()).toPath();
			return Files.isRegularFile(dir.resolve("libonnxruntime.so")) ? dir : null;
		} catch (java.io.IOException e) {
			return null;
		}
	}

	/** Options for a prediction session: all graph optimisations, one thread per core. */
	static OrtSession.SessionOptions options() throws OrtException {
		OrtSession.SessionOptions o = new OrtSession.SessionOptions();
		o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
		o.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
		o.setInterOpNumThreads(1);
		o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
		return o;
	}

	static Map<String, String> describe() throws BackendException {
		OrtEnvironment env = start();
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("onnxruntime", env.getVersion());
		facts.put("providers", OrtEnvironment.getAvailableProviders().toString());
		facts.put("threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
		facts.put("natives", System.getProperty(NATIVE_PATH, "extracted from its jar"));
		facts.put("use", "prediction only: models trained on libtorch or dl4j, their weights exported to ONNX in memory");
		return facts;
	}
}
