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

	@Option(names = "--peak-size", paramLabel = "N", description = "The machine's peak is timed as products of random float matrices with N x N through each library with its threads (libtorch: the better of its BLAS and oneDNN) (default: ${DEFAULT-VALUE}; 0: not timed).", defaultValue = "512")
	int peakSize;

	@Option(names = "--summary", description = "Also print the graph: every node's output shape, parameters and forward MFLOP per sample.")
	boolean summary;

	@Option(names = "--precision", paramLabel = "TYPE", defaultValue = "float32", converter = PrecisionConverter.class,
			description = "What training and inference compute in: float32 (default) or bfloat16 (libtorch: training.precision and predict "
					+ "--precision; the PyTorch twin under CPU autocast to bfloat16, so both sides compute alike).")
	org.nodulab.core.experiment.Precision precision;

	@Option(names = "--no-pytorch", description = "Only the Nodulab backend.")
	boolean noPytorch;

	@Option(names = "--python", description = "Python with torch (default: /usr/bin/python3 where it exists).")
	String python;

	@Option(names = "--script", paramLabel = "FILE", description = "The PyTorch twin (default: ${DEFAULT-VALUE}).", defaultValue = "releng/bench/torch_graph.py")
	Path script;

	public BenchTrainCommand(Services services) {
		this.services = services;
	}

	/** One measurement; {@code peakGflops} is the library's matrix-product peak where measured with it, else NaN. */
	record Figures(double train, double infer, double peakMiB, double peakGflops) {

		void print(PrintWriter out, int round, String name) {
			out.printf(Locale.ROOT, "  round %d %-11s train %s samples/s, infer %6.2f samples/s, peak resident memory %,6.0f MiB%n",
					round, name, rate(train, "%6.2f"), infer, peakMiB);
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
		if (settings instanceof org.nodulab.nn.arch.PatchSettings s) {
			s.patches(new ArrayList<>(List.of(PatchInput.cube(size))));
		} else if (spec.commandLine().getParseResult().hasMatchedOption("--size")) {
			throw new IllegalArgumentException("--arch " + arch + ": its settings do not take input patches, so --size cannot be applied");
		}
		NetworkGraph graph = registry.build(arch, settings);
		List<ComputeBackend> backends = new ArrayList<>();
		List<ComputeBackend> installed = services.all(ComputeBackend.class);
		for (String id : backendIds) {
			backends.add(installed.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
					"--backend: no compute backend '" + id + "'; installed: " + installed.stream().map(ComputeBackend::id).toList())));
		}
		if (precision != org.nodulab.core.experiment.Precision.FLOAT32) {
			for (ComputeBackend b : backends) {
				if (!b.id().equals("libtorch")) {
					throw new IllegalArgumentException("--precision " + precision + ": libtorch only, not --backend " + b.id());
				}
			}
		}
		out.printf(Locale.ROOT, "bench train: %s (%,d parameters), inputs %s, batch %d, %s s training + %s s inference per round, %s; backends %s; Java %s, %d cores; native allocator %s%n",
				arch, graph.parameterCount(), graph.inputShapes(), batch, fmt(seconds), fmt(seconds / 2), precision,
				backends.stream().map(ComputeBackend::name).toList(), System.getProperty("java.version"),
				Runtime.getRuntime().availableProcessors(), allocator());
		if (summary) {
			out.print(graph.summary().indent(2));
		}
		double flops = graph.flopsPerSample();
		out.printf(Locale.ROOT, "  work: %.3f GFLOP per sample forward (from the graph), about %.3f GFLOP per training sample (forward, input and weight gradients: 3x)%n",
				flops / 1e9, 3 * flops / 1e9);
		java.util.Map<String, Double> peaks = new java.util.LinkedHashMap<>();
		if (peakSize > 0) {
			for (ComputeBackend backend : backends) {
				try {
					double g = backend.peakGflops(peakSize, Math.max(1, Math.min(5, seconds / 4)));
					peaks.put(backend.id(), g);
					out.printf(Locale.ROOT, "  peak: %s %.1f GFLOP/s (best float matrix product with %d x %d through its library, its threads)%n",
							backend.id(), g, peakSize, peakSize);
				} catch (org.nodulab.nn.BackendException e) {
					out.println("  peak: " + backend.id() + ": " + e.getMessage());
				}
			}
			out.flush();
		}
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
			out.printf(Locale.ROOT, "  %s best: train %s samples/s, infer %.2f samples/s%n", id, rate(n.train(), "%.2f"), n.infer());
		});
		Figures torchBest = torch.isEmpty() ? null : best(torch);
		if (torchBest != null && !Double.isNaN(torchBest.peakGflops())) {
			out.printf(Locale.ROOT, "  peak: pytorch %.1f GFLOP/s (the same products through torch: torch.mm and a 1x1x1 convolution)%n", torchBest.peakGflops());
			peaks.put("pytorch", torchBest.peakGflops());
		}
		double machinePeak = peaks.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
		bests.forEach((id, n) -> share(out, id, n, flops, machinePeak));
		if (torchBest != null) {
			Figures t = torchBest;
			out.printf(Locale.ROOT, "  pytorch best: train %.2f samples/s, infer %.2f samples/s%n", t.train(), t.infer());
			share(out, "pytorch", t, flops, machinePeak);
			bests.forEach((id, n) -> out.printf(Locale.ROOT, "  ratio %s / pytorch: training %s, inference %.2fx%n", id,
					ratio(n.train() / t.train()), n.infer() / t.infer()));
		}
		if (bests.size() > 1) {
			List<String> ids = new ArrayList<>(bests.keySet());
			Figures a = bests.get(ids.get(0));
			for (String id : ids.subList(1, ids.size())) {
				Figures b = bests.get(id);
				out.printf(Locale.ROOT, "  ratio %s / %s: training %s, inference %.2fx%n", id, ids.get(0), ratio(b.train() / a.train()),
						b.infer() / a.infer());
			}
		}
		if (precision != org.nodulab.core.experiment.Precision.FLOAT32) {
			out.println("  (the shares are of the float32 peak; " + precision + " convolutions can exceed it)");
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
		if (!backend.trains()) { // prediction only (onnxruntime): the weights of a fresh network of a training backend
			ComputeBackend trainer = services.get(org.nodulab.train.RunServices.class).backends().stream().filter(ComputeBackend::trains).findFirst()
					.orElseThrow(() -> new IllegalStateException("no training backend is installed to make " + backend.id() + "'s weights"));
			java.util.Map<String, org.nodulab.nn.Tensor> weights;
			try (TrainableNetwork source = trainer.create(graph, new TrainingSettings(), 1)) {
				weights = source.parameters();
			}
			try (TrainableNetwork net = backend.inference(graph, new TrainingSettings(), weights)) {
				double infer = org.nodulab.nn.Throughput.inference(net, b, seconds / 2);
				out.println("  " + backend.id() + ": prediction only (the weights of a fresh " + trainer.id() + " network); no training figure");
				return new Figures(Double.NaN, infer, peakResidentMiB(), Double.NaN);
			}
		}
		TrainingSettings settings = new TrainingSettings();
		settings.precision = precision;
		try (TrainableNetwork net = backend.create(graph, settings, 1)) {
			net.predictIn(precision);
			org.nodulab.nn.Throughput.Figures f = org.nodulab.nn.Throughput.measure(net, batches != null ? batches : () -> b, b, seconds);
			if (batches != null) {
				List<Double> losses = f.losses();
				int k = Math.max(1, Math.min(5, losses.size() / 3));
				out.printf(Locale.ROOT, "  loss: first %d batches %.3f, last %d batches %.3f (%d steps)%n", k,
						losses.subList(0, k).stream().mapToDouble(Double::doubleValue).average().orElse(0), k,
						losses.subList(losses.size() - k, losses.size()).stream().mapToDouble(Double::doubleValue).average()
								.orElse(0), losses.size());
			}
			double total = f.phases().values().stream().mapToDouble(Double::doubleValue).sum();
			if (total > 0) {
				StringBuilder b2 = new StringBuilder("  " + backend.id() + " training step:");
				f.phases().forEach((phase, sec) -> b2.append(String.format(Locale.ROOT, " %s %.1f%%,", phase, 100 * sec / total)));
				out.println(b2.substring(0, b2.length() - 1));
			}
			return new Figures(f.train(), f.infer(), peakResidentMiB(), Double.NaN);
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
		List<String> command = new ArrayList<>(List.of(py, script.toString(), json.toString(), "--batch", String.valueOf(batch), "--seconds",
				String.valueOf(seconds), "--threads", String.valueOf(threads), "--peak-n", String.valueOf(peakSize)));
		if (precision == org.nodulab.core.experiment.Precision.BFLOAT16) {
			command.add("--bf16");
		}
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
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
		var gflops = node.path("peak_gflops");
		return new Figures(node.get("train").asDouble(), node.get("infer").asDouble(), node.get("peak_rss_mib").asDouble(),
				gflops.isNumber() ? gflops.asDouble() : Double.NaN);
	}

	/** The process's peak resident memory (VmHWM), as PyTorch's side reports its ru_maxrss. */
	static double peakResidentMiB() {
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
				list.stream().mapToDouble(Figures::peakMiB).max().orElse(0),
				list.stream().mapToDouble(Figures::peakGflops).filter(g -> !Double.isNaN(g)).max().orElse(Double.NaN));
	}

	/**
	 * Achieved GFLOP/s of training (3x the forward work per sample) and inference, and their share of the machine's
	 * measured peak: the best matrix product of the libraries measured (Debian's python3-torch multiplies matrices
	 * with the system's libblas.so.3, the slow reference BLAS unless OpenBLAS is installed, so its own product is no
	 * peak). Above 100% means the convolutions (oneDNN) beat the libraries' matrix products.
	 */
	static void share(PrintWriter out, String id, Figures f, double flopsPerSample, double peak) {
		double train = f.train() * 3 * flopsPerSample / 1e9;
		double infer = f.infer() * flopsPerSample / 1e9;
		if (Double.isNaN(train) && !(Double.isNaN(peak) || peak <= 0)) { // a backend that predicts only
			out.printf(Locale.ROOT, "  %s achieved: inference %.1f GFLOP/s (%.1f%% of the measured peak %.1f)%n", id, infer, 100 * infer / peak, peak);
		} else if (Double.isNaN(peak) || peak <= 0) {
			out.printf(Locale.ROOT, "  %s achieved: training %.1f GFLOP/s, inference %.1f GFLOP/s (peak not measured)%n", id, train, infer);
		} else {
			out.printf(Locale.ROOT, "  %s achieved: training %.1f GFLOP/s (%.1f%% of the measured peak %.1f), inference %.1f GFLOP/s (%.1f%%)%n", id,
					train, 100 * train / peak, peak, infer, 100 * infer / peak);
		}
	}

	/** A rate, or "-" where there is none (a backend that predicts only has no training rate). */
	static String rate(double v, String format) {
		return Double.isNaN(v) ? String.format(Locale.ROOT, "%" + String.format(Locale.ROOT, format, 0.0).length() + "s", "-")
				: String.format(Locale.ROOT, format, v);
	}

	/** A ratio as {@code 1.23x}, or {@code -} where one side has no figure (a backend that only predicts). */
	static String ratio(double v) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
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
