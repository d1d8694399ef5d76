package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nodulab.nn.BackendException;
import org.nodulab.nn.ComputeBackend;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * What a run needs to be repeated exactly and checked later: seed, every bundle's version, the JVM and
 * machine, the compute backend, and a manifest of the input files with sizes and SHA-256.
 */
public final class Provenance {

	/** One input file. */
	public record InputFile(String path, long bytes, String sha256) {
	}

	private Provenance() {
	}

	public static Map<String, Object> collect(long seed, ComputeBackend backend, Path datasetRoot, Collection<Path> inputs,
			List<String> commandLine, Map<String, Object> extra) throws IOException {
		Map<String, Object> p = new LinkedHashMap<>();
		p.put("created", Instant.now().toString());
		p.put("seed", seed);
		p.put("commandLine", commandLine);
		Map<String, Object> jvm = new LinkedHashMap<>();
		jvm.put("version", System.getProperty("java.version"));
		jvm.put("vendor", System.getProperty("java.vendor"));
		jvm.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
		jvm.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
		p.put("jvm", jvm);
		Map<String, Object> machine = new LinkedHashMap<>();
		machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
		machine.put("cores", Runtime.getRuntime().availableProcessors());
		machine.put("host", hostName());
		p.put("machine", machine);
		Map<String, Object> b = new LinkedHashMap<>();
		b.put("id", backend.id());
		b.put("name", backend.name());
		try {
			b.put("details", new TreeMap<>(backend.describe()));
			b.put("devices", backend.devices());
		} catch (BackendException e) {
			b.put("error", e.getMessage());
		}
		p.put("backend", b);
		p.put("bundles", bundles());
		p.put("dataset", datasetRoot.toString());
		List<InputFile> files = new ArrayList<>();
		for (Path f : inputs) {
			files.add(describe(datasetRoot, f));
		}
		p.put("inputs", files);
		p.putAll(extra);
		return p;
	}

	/** Symbolic name to version of every installed bundle. */
	static Map<String, String> bundles() {
		Map<String, String> out = new TreeMap<>();
		Bundle own = FrameworkUtil.getBundle(Provenance.class);
		if (own == null || own.getBundleContext() == null) {
			return out;
		}
		for (Bundle bundle : own.getBundleContext().getBundles()) {
			out.put(bundle.getSymbolicName(), bundle.getVersion().toString());
		}
		return out;
	}

	static InputFile describe(Path root, Path file) throws IOException {
		String path = file.startsWith(root) ? root.relativize(file).toString() : file.toString();
		return new InputFile(path, Files.size(file), Checkpoints.sha256(file));
	}

	private static String hostName() {
		try {
			return java.net.InetAddress.getLocalHost().getHostName();
		} catch (IOException e) {
			return "unknown";
		}
	}
}
