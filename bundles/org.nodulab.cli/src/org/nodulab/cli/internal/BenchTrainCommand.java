package org.nodulab.cli.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.Batch;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.graph.GraphJson;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Shape;

import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nodulab bench train}: training and inference samples/s and peak memory of an architecture on a
 * compute backend, next to the same graph in PyTorch (releng/bench/torch_graph.py), run alternately.
 */
@Command(name = "train", description = {
		"Times training (Adam) and inference of an architecture on seeded random batches of one patch size, with peak memory, and the same graph built in PyTorch by releng/bench/torch_graph.py (Debian's python3-torch), alternating rounds in one invocation; prints the ratios.",
		"The reference is the densenet architecture on 1x32^3 patches, batch 16." })
public final class BenchTrainCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--arch", description = "Architecture id (default: ${DEFAULT-VALUE}).", defaultValue = "densenet")
	String arch;

	@Option(names = "--settings", paramLabel = "FILE", description = "The architecture's settings (YAML); default: its defaults.")
	Path settingsFile;

	@Option(names = "--size", description = "Cubic patch size in voxels (default: ${DEFAULT-VALUE}).", defaultValue = "32")
	int size;

	@Option(names = "--batch", description = "Batch size (default: ${DEFAULT-VALUE}).", defaultValue = "16")
	int batch;

	@Option(names = "--seconds", description = "Seconds of training per round and backend; inference gets half (default: ${DEFAULT-VALUE}).", defaultValue = "20")
	double seconds;

	@Option(names = "--rounds", description = "Alternating rounds (default: ${DEFAULT-VALUE}).", defaultValue = "2")
	int rounds;

	@Option(names = "--dataset", paramLabel = "DIR", description = "Train on patches of this dataset's candidates_V2.csv (balanced, 1 mm, lung window, random rotations) instead of random batches; prints the loss. Implies --no-pytorch.")
	Path dataset;

	@Option(names = "--backend", split = ",", paramLabel = "ID[,ID]", description = "Nodulab backend(s) to measure, alternating with PyTorch, e.g. dl4j,libtorch (default: ${DEFAULT-VALUE}).", defaultValue = "libtorch")
	List<String> backendIds;

	@Option(names = "--pytorch-threads", paramLabel = "N", description = "PyTorch's intra-op threads; 0: PyTorch's own default (default: the number of cores, as the Nodulab backends use).")
	Integer pytorchThreads;

	@Option(names = "--no-pytorch", description = "Only the Nodulab backend.")
	boolean noPytorch;

	@Option(names = "--python", description = "Python with torch (default: /usr/bin/python3 where it exists).")
	String python;

	@Option(names = "--script", paramLabel = "FILE", description = "The PyTorch twin (default: ${DEFAULT-VALUE}).", defaultValue = "releng/bench/torch_graph.py")
	Path script;

	public BenchTrainCommand(Services services) {
		this.services = services;
	}

	/** One measurement. */
	record Figures(double train, double infer, double peakMiB) {

		void print(PrintWriter out, int round, String name) {
			out.printf(Locale.ROOT, "  round %d %-10s train %6.2f samples/s, infer %6.2f samples/s, peak resident memory %,6.0f MiB%n",
					round, name, train, infer, peakMiB);
		}
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		if (pytorchThreads != null && pytorchThreads < 0) {
			throw new IllegalArgumentException("--pytorch-threads must be 0 (PyTorch's default) or more, got " + pytorchThreads);
		}
		ArchitectureRegistry registry = services.get(ArchitectureRegistry.class);
		ContributionDescriptor descriptor = registry.require(arch);
		Object settings = settingsFile != null
				? new SettingsCodec().read(settingsFile, registry.settingsClass(descriptor).orElseThrow())
				: registry.defaultSettings(descriptor).orElseThrow();
		if (settings instanceof NetworkSettings s) {
			s.branches = new ArrayList<>(List.of(PatchInput.cube(size)));
		}
		NetworkGraph graph = registry.build(arch, settings);
		List<ComputeBackend> backends = new ArrayList<>();
		List<ComputeBackend> installed = services.all(ComputeBackend.class);
		for (String id : backendIds) {
			backends.add(installed.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
					"--backend: no compute backend '" + id + "'; installed: " + installed.stream().map(ComputeBackend::id).toList())));
		}
		out.printf(Locale.ROOT, "bench train: %s (%,d parameters), inputs %s, batch %d, %s s training + %s s inference per round; backends %s; Java %s, %d cores; native allocator %s%n",
				arch, graph.parameterCount(), graph.inputShapes(), batch, fmt(seconds), fmt(seconds / 2),
				backends.stream().map(ComputeBackend::name).toList(), System.getProperty("java.version"),
				Runtime.getRuntime().availableProcessors(), allocator());
		Supplier<Batch> batches = dataset != null ? datasetBatches(graph) : null;
		if (dataset != null) {
			noPytorch = true;
			out.println("  batches: balanced patches of " + dataset + "/candidates_V2.csv with random rotations");
		}
		Path json = Files.createTempFile("nodulab-graph-", ".json");
		Files.writeString(json, GraphJson.write(graph));
		java.util.Map<String, List<Figures>> nodulab = new java.util.LinkedHashMap<>();
		List<Figures> torch = new ArrayList<>();
		for (int round = 1; round <= rounds; round++) {
			for (ComputeBackend backend : backends) {
				Figures n = measure(backend, graph, batches, out);
				nodulab.computeIfAbsent(backend.id(), k -> new ArrayList<>()).add(n);
				n.print(out, round, backend.id());
				out.flush();
			}
			if (!noPytorch) {
				Figures t = pytorch(json, out);
				if (t == null) {
					noPytorch = true;
				} else {
					torch.add(t);
					t.print(out, round, "pytorch");
				}
			}
		}
		java.util.Map<String, Figures> bests = new java.util.LinkedHashMap<>();
		nodulab.forEach((id, figures) -> {
			Figures n = best(figures);
			bests.put(id, n);
			out.printf(Locale.ROOT, "  %s best: train %.2f samples/s, infer %.2f samples/s%n", id, n.train(), n.infer());
		});
		if (!torch.isEmpty()) {
			Figures t = best(torch);
			out.printf(Locale.ROOT, "  pytorch best: train %.2f samples/s, infer %.2f samples/s%n", t.train(), t.infer());
			bests.forEach((id, n) -> out.printf(Locale.ROOT, "  ratio %s / pytorch: training %.2fx, inference %.2fx%n", id,
					n.train() / t.train(), n.infer() / t.infer()));
		}
		if (bests.size() > 1) {
			List<String> ids = new ArrayList<>(bests.keySet());
			Figures a = bests.get(ids.get(0));
			for (String id : ids.subList(1, ids.size())) {
				Figures b = bests.get(id);
				out.printf(Locale.ROOT, "  ratio %s / %s: training %.2fx, inference %.2fx%n", id, ids.get(0), b.train() / a.train(),
						b.infer() / a.infer());
			}
		}
		if (backends.size() > 1) {
			out.println("  (peak memory is the process's, shared by the backends measured in it)");
		}
		Files.deleteIfExists(json);
		return 0;
	}

	/** Balanced batches from a dataset's candidates, through the real sampling pipeline. */
	private Supplier<Batch> datasetBatches(NetworkGraph graph) throws Exception {
		org.nodulab.dataset.Luna16Dataset d = org.nodulab.dataset.Luna16Dataset.open(dataset);
		org.nodulab.dataset.CandidateTable table = d.candidates("candidates_V2.csv");
		org.nodulab.dataset.ScanVolumes volumes = new org.nodulab.dataset.ScanVolumes(d,
				services.get(org.nodulab.volume.VolumeReaderRegistry.class));
		org.nodulab.preprocess.Preprocessing preprocessing = org.nodulab.preprocess.Preprocessing.of(
				new org.nodulab.core.experiment.PreprocessingSettings(), services.get(org.nodulab.volume.WindowRegistry.class), 0f);
		int[] positives = java.util.stream.IntStream.range(0, table.size()).filter(r -> table.label(r) == 1
				&& d.scan(table.uid(r)).isPresent()).toArray();
		int[] negatives = java.util.stream.IntStream.range(0, table.size()).filter(r -> table.label(r) == 0
				&& d.scan(table.uid(r)).isPresent()).toArray();
		if (positives.length == 0 || negatives.length == 0) {
			throw new IllegalArgumentException(dataset + ": candidates_V2.csv needs candidates of both classes on scans on disk");
		}
		List<int[]> sizes = graph.inputShapes().stream().map(s -> s.spatial()).toList();
		SplittableRandom random = new SplittableRandom(7);
		return () -> {
			List<float[]> inputs = new ArrayList<>();
			for (Shape s : graph.inputShapes()) {
				inputs.add(new float[(int) (s.size() * batch)]);
			}
			float[] labels = new float[batch];
			for (int i = 0; i < batch; i++) {
				int row = i % 2 == 0 ? positives[random.nextInt(positives.length)] : negatives[random.nextInt(negatives.length)];
				labels[i] = i % 2 == 0 ? 1 : 0;
				org.nodulab.preprocess.PatchSampler sampler = volumes.samplerUnchecked(table.uid(row));
				org.nodulab.preprocess.PatchSpec[] specs = preprocessing.specs(sizes, sampler.geometry());
				org.nodulab.augment.SpatialTransform t = BenchPatchesCommand.randomRotation(random);
				for (int k = 0; k < specs.length; k++) {
					sampler.sample(table.position(row), specs[k], t, preprocessing.normalizer(), inputs.get(k), i * specs[k].voxels());
				}
			}
			return new Batch(batch, inputs, labels);
		};
	}

	private Figures measure(ComputeBackend backend, NetworkGraph graph, Supplier<Batch> batches,
			PrintWriter out) throws Exception {
		Batch b = org.nodulab.nn.Throughput.randomBatch(graph, batch, 1);
		try (TrainableNetwork net = backend.create(graph, new TrainingSettings(), 1)) {
			org.nodulab.nn.Throughput.Figures f = org.nodulab.nn.Throughput.measure(net, batches != null ? batches : () -> b, b, seconds);
			if (batches != null) {
				List<Double> losses = f.losses();
				int k = Math.max(1, Math.min(5, losses.size() / 3));
				out.printf(Locale.ROOT, "  loss: first %d batches %.3f, last %d batches %.3f (%d steps)%n", k,
						losses.subList(0, k).stream().mapToDouble(Double::doubleValue).average().orElse(0), k,
						losses.subList(losses.size() - k, losses.size()).stream().mapToDouble(Double::doubleValue).average()
								.orElse(0), losses.size());
			}
			return new Figures(f.train(), f.infer(), peakResidentMiB());
		}
	}

	private boolean pytorchThreadsShown;

	private Figures pytorch(Path json, PrintWriter out) throws IOException, InterruptedException {
		String py = python != null ? python : Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
		if (!Files.exists(script)) {
			out.println("  pytorch: no script at " + script + " (run from the repository root, or give --script); skipped");
			return null;
		}
		int threads = pytorchThreads != null ? pytorchThreads : Runtime.getRuntime().availableProcessors();
		Process p = new ProcessBuilder(py, script.toString(), json.toString(), "--batch", String.valueOf(batch), "--seconds",
				String.valueOf(seconds), "--threads", String.valueOf(threads)).redirectErrorStream(true).start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = r.readLine()) != null) {
				lines.add(line);
			}
		}
		if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || lines.isEmpty() || !lines.get(lines.size() - 1).startsWith("{")) {
			String text = String.join(" | ", lines);
			out.println("  pytorch: not available (" + (text.contains("No module named 'torch'") ? "install python3-torch" : text)
					+ "); skipped");
			return null;
		}
		var node = new ObjectMapper().readTree(lines.get(lines.size() - 1));
		if (!pytorchThreadsShown) {
			out.printf(Locale.ROOT, "  (pytorch: torch %s, %d threads)%n", node.path("torch").asText("?"), node.path("threads").asInt());
			pytorchThreadsShown = true;
		}
		return new Figures(node.get("train").asDouble(), node.get("infer").asDouble(), node.get("peak_rss_mib").asDouble());
	}

	/** The process's peak resident memory (VmHWM), as PyTorch's side reports its ru_maxrss. */
	private static double peakResidentMiB() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
				}
			}
		} catch (IOException | NumberFormatException e) {
			// not Linux
		}
		return Double.NaN;
	}

	private static Figures best(List<Figures> list) {
		return new Figures(list.stream().mapToDouble(Figures::train).max().orElse(0),
				list.stream().mapToDouble(Figures::infer).max().orElse(0),
				list.stream().mapToDouble(Figures::peakMiB).max().orElse(0));
	}

	private static String fmt(double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
	}

	/** The native allocator of this process and of the PyTorch twin (which inherits the environment). */
	static String allocator() {
		String preload = System.getenv("LD_PRELOAD");
		if (preload != null && preload.contains("jemalloc")) {
			String conf = System.getenv("MALLOC_CONF");
			return "jemalloc (LD_PRELOAD" + (conf == null ? "" : ", MALLOC_CONF=" + conf) + ")";
		}
		String tunables = System.getenv("GLIBC_TUNABLES");
		return "glibc malloc" + (tunables == null || tunables.isEmpty() ? "" : " (GLIBC_TUNABLES=" + tunables + ")");
	}
}
