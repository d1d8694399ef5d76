package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.core.experiment.ContributionRef;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.dataset.TrainingMean;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.eval.EvaluatorRegistry;
import org.nodulab.luna16.Prediction;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.PatchSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Shape;
import org.nodulab.preprocess.PatchLayout;
import org.nodulab.preprocess.Preprocessing;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs experiments: creates or reopens the run folder ({@link RunDirectory}), records provenance and the
 * training mean, trains each architecture of the experiment ({@link ModelTrainer}: the {@link EpochLoop},
 * {@link HardMiningRound}s, {@link ModelSelection}), averages the models into an ensemble through the
 * combiner registry, scores the test scans ({@link TestResults}) and writes the summary
 * ({@link RunRecords}). A run stopped at any moment resumes from its last checkpoint and ends with the
 * same models as an uninterrupted one.
 */
public final class ExperimentRunner {

	/** The services a run needs. */
	public record Tools(ExperimentValidator validator, ArchitectureRegistry architectures,
			AugmentationRegistry augmentations, WindowRegistry windows, VolumeReaderRegistry readers,
			EvaluatorRegistry evaluators, EnsembleCombinerRegistry combiners, ComputeBackend backend) {
	}

	/** A trained model: its best epoch and CPMs there. */
	public record ModelResult(String model, String architecture, int bestEpoch, double validationCpm, double testCpm,
			Path testPredictions, Path checkpoint) {
	}

	/** The outcome of a run; {@code stopped} when it was asked to stop and can be resumed. */
	public record RunResult(RunDirectory run, List<ModelResult> models, double ensembleCpm, Path ensemblePredictions,
			boolean stopped) {
	}

	/** Thrown inside the epoch loop when the user stops at a batch boundary. */
	static final class Stopped extends Exception {
		private static final long serialVersionUID = 1L;
	}

	private final Tools tools;
	private final Progress progress;
	private String device;

	private java.util.function.Consumer<Path> runStarted = dir -> {
	};

	public ExperimentRunner(Tools tools, Progress progress) {
		this.tools = tools;
		this.progress = progress;
	}

	/**
	 * Computes on this device of the backend (bound to the calling thread before training; recorded in the
	 * run's provenance). Without it the backend's default device is used.
	 */
	public ExperimentRunner onDevice(String deviceId) {
		this.device = deviceId;
		return this;
	}

	/** Told the run folder as soon as it exists (a job records it, so that a crash leaves a resumable job). */
	public ExperimentRunner onRunStarted(java.util.function.Consumer<Path> listener) {
		this.runStarted = listener == null ? dir -> {
		} : listener;
		return this;
	}

	/** The device this runner computes on (null: the backend's default). */
	public String device() {
		return device;
	}

	/** Tells the listener of {@link #onRunStarted} about a run (or cross-validation) folder. */
	public void started(Path dir) {
		runStarted.accept(dir);
	}

	/** Starts a new run of a validated experiment. */
	public RunResult train(Experiment e, List<String> commandLine) throws Exception {
		if (!tools.backend().trains()) {
			throw new IllegalArgumentException("training.backend: " + tools.backend().id() + " predicts only; train on libtorch or dl4j");
		}
		RunDirectory run = create(e);
		started(run.dir());
		return execute(run, e, commandLine, true);
	}

	/** Creates the run folder with the resolved experiment (absolute paths, every default written out). */
	public RunDirectory create(Experiment e) throws IOException {
		Path runs = e.resolve(e.output.runs);
		e.dataset.path = e.resolve(e.dataset.path).toString();
		e.output.runs = runs.toString();
		RunDirectory run = RunDirectory.create(runs, e.name);
		AtomicFiles.create(run.resolve(RunDirectory.EXPERIMENT), tools.validator().codec().toYaml(e));
		return run;
	}

	/** Continues an interrupted run from its last complete checkpoint. */
	public RunResult resume(Path dir, List<String> commandLine) throws Exception {
		RunDirectory run = RunDirectory.open(dir);
		if (run.finished()) {
			throw new IllegalStateException(dir + " has finished (" + RunDirectory.SUMMARY + " exists); nothing to resume");
		}
		Experiment e = tools.validator().load(run.resolve(RunDirectory.EXPERIMENT));
		started(run.dir());
		return execute(run, e, commandLine, false);
	}

	/** Runs (or continues) the run in its folder. */
	public RunResult execute(RunDirectory run, Experiment e, List<String> commandLine, boolean fresh) throws Exception {
		try (RunDirectory.WriteLock lock = run.lockForWriting(commandLine)) {
			return executeLocked(run, e, commandLine, fresh);
		}
	}

	private RunResult executeLocked(RunDirectory run, Experiment e, List<String> commandLine, boolean fresh) throws Exception {
		long started = System.nanoTime();
		if (!e.training.backend.equals(tools.backend().id())) {
			throw new IllegalArgumentException("the experiment trains on backend '" + e.training.backend + "', this runner has '"
					+ tools.backend().id() + "'");
		}
		if (device != null) {
			tools.backend().bind(device);
		}
		Consumer<String> say = line -> say(run, line);
		say.accept((fresh ? "run " : "resuming ") + run.dir() + " (experiment '" + e.name + "', seed " + e.seed + ")");
		TrainingData data = TrainingData.open(e, tools.readers());
		if (!data.trainingCandidatesSummary().isEmpty()) {
			say.accept(data.trainingCandidatesSummary());
		}
		say.accept(String.format(Locale.ROOT, "data: %d training scans (%d candidates, %d positive), %d validation scans (%d candidates), %d test scans (%d candidates)",
				data.train().scans().size(), data.train().size(), data.train().withLabel(1).length, data.validation().scans().size(),
				data.validation().size(), data.test().scans().size(), data.test().size()));
		float mean = trainingMean(run, e, data, commandLine);
		TestResults results = new TestResults(run, e, data);
		List<ModelResult> models = new ArrayList<>();
		Map<String, List<Prediction>> test = new LinkedHashMap<>();
		for (int i = 0; i < e.architectures.size(); i++) {
			try {
				ModelTrainer.Trained t = new ModelTrainer(tools, progress, run, e, data, i, results, say).train(mean);
				models.add(t.result());
				test.put(t.result().model(), t.test());
			} catch (Stopped s) {
				say.accept("stopped at a batch boundary after writing a checkpoint; continue with: nodulab resume " + run.dir());
				return new RunResult(run, models, Double.NaN, null, true);
			}
		}
		double ensembleCpm = Double.NaN;
		Path ensemble = null;
		if (models.size() > 1 && data.test().size() > 0) {
			List<double[]> scores = new ArrayList<>();
			for (List<Prediction> p : test.values()) {
				scores.add(p.stream().mapToDouble(Prediction::probability).toArray());
			}
			List<Prediction> predictions = data.test().predictions(tools.combiners().combine(MEAN, scores, Map.of()));
			ensemble = run.writePredictions("predictions/ensemble-test.csv", predictions);
			ensembleCpm = results.froc("ensemble", predictions).cpm();
			test.put("ensemble", predictions);
			say.accept(String.format(Locale.ROOT, "ensemble (mean of %d models): test CPM %.4f", models.size(), ensembleCpm));
		}
		results.evaluators(tools.evaluators(), test, say);
		List<RunRecords.SummaryModel> list = new ArrayList<>();
		for (ModelResult m : models) {
			list.add(new RunRecords.SummaryModel(m.model(), m.architecture(), m.bestEpoch(), RunRecords.cpm(m.validationCpm()),
					RunRecords.cpm(m.testCpm()), run.dir().relativize(m.checkpoint()).toString()));
		}
		run.writeJson(RunDirectory.SUMMARY, new RunRecords.Summary("finished", e.name, e.seed, list, RunRecords.cpm(ensembleCpm),
				(System.nanoTime() - started) / 1e9));
		RunReport.write(run);
		say.accept("finished; report: " + run.resolve(RunDirectory.REPORT));
		return new RunResult(run, models, ensembleCpm, ensemble, false);
	}

	private float trainingMean(RunDirectory run, Experiment e, TrainingData data, List<String> commandLine)
			throws Exception {
		Optional<JsonNode> provenance = run.readJson(RunDirectory.PROVENANCE);
		if (provenance.isPresent()) {
			return (float) provenance.get().path("trainingMean").path("mean").asDouble(0);
		}
		Map<String, Object> extra = new LinkedHashMap<>();
		float mean = 0f;
		if (e.preprocessing.meanSubtraction) {
			progress.begin("training mean", 1);
			NetworkGraph graph = graph(e, 0);
			TrainingMean.Estimate estimate = TrainingMean.estimate(data.volumes(), data.train().table(), data.trainScans(),
					Preprocessing.of(e.preprocessing, tools.windows(), 0f), sizes(graph), 2000, Seeds.mix(e.seed, 0x3EA9));
			progress.end(String.format(Locale.ROOT, "%.4f", estimate.mean()));
			mean = estimate.mean();
			extra.put("trainingMean", estimate);
		} else {
			extra.put("trainingMean", Map.of("mean", 0));
		}
		Map<String, Object> split = new LinkedHashMap<>();
		split.put("train", data.train().scans());
		split.put("validation", data.validation().scans());
		split.put("test", data.test().scans());
		extra.put("split", split);
		progress.begin("hashing input files", 1);
		if (device != null) {
			extra.put("device", device);
		}
		Map<String, Object> p = Provenance.collect(e.seed, tools.backend(), data.dataset().root(), data.inputFiles(),
				commandLine, extra);
		progress.end("");
		run.writeJson(RunDirectory.PROVENANCE, p);
		say(run, String.format(Locale.ROOT, "training mean %.4f (after the %s window); provenance written", mean,
				e.preprocessing.window));
		return mean;
	}

	/** The network of architecture {@code index} of an experiment, with its settings or the architecture's defaults. */
	public NetworkGraph graph(Experiment e, int index) throws Exception {
		return graph(tools.architectures(), e, index);
	}

	static NetworkGraph graph(ArchitectureRegistry architectures, Experiment e, int index) throws Exception {
		ContributionRef ref = e.architectures.get(index);
		Object settings = ref.resolvedSettings();
		if (settings == null) {
			settings = architectures.defaultSettings(architectures.require(ref.id)).orElse(null);
		}
		return architectures.build(ref.id, settings);
	}

	static List<int[]> sizes(NetworkGraph graph) {
		return graph.inputShapes().stream().map(Shape::spatial).toList();
	}

	/**
	 * How each input of architecture {@code index}'s network is sampled: its settings' branches (a field of
	 * view, scales as channels) where the architecture's settings describe them, else plain patches of the
	 * graph's input sizes.
	 *
	 * @throws IllegalArgumentException when an input has several channels and nothing says how to sample them
	 */
	public static List<PatchLayout> layouts(Experiment e, int index, NetworkGraph graph) {
		Object settings = e.architectures.get(index).resolvedSettings();
		List<Shape> shapes = graph.inputShapes();
		List<PatchLayout> layouts = new ArrayList<>();
		List<PatchInput> patches = settings instanceof PatchSettings ps ? ps.patches() : List.of();
		for (int i = 0; i < shapes.size(); i++) {
			Shape shape = shapes.get(i);
			PatchLayout layout;
			if (patches.size() == shapes.size()) {
				PatchInput p = patches.get(i);
				layout = new PatchLayout(shape.spatial(),
						p.fieldOfView.isEmpty() ? null : p.fieldOfView.stream().mapToDouble(Double::doubleValue).toArray(),
						p.scales.stream().mapToDouble(Double::doubleValue).toArray());
			} else {
				layout = PatchLayout.plain(shape.spatial());
			}
			if (layout.channels() != shape.channels()) {
				throw new IllegalArgumentException(modelName(e, index) + ": input " + graph.inputs().get(i).name() + " has "
						+ shape.channels() + " channels, but its settings sample " + layout.channels());
			}
			layouts.add(layout);
		}
		return layouts;
	}

	/** Name of the i-th model of an experiment. */
	public static String modelName(Experiment e, int index) {
		return "m" + index + "-" + e.architectures.get(index).id;
	}

	/** The id of the combiner a run averages its models with (through the registry, as any contribution). */
	static final String MEAN = "mean";

	private void say(RunDirectory run, String line) {
		run.log(line);
		progress.message(line);
	}
}
