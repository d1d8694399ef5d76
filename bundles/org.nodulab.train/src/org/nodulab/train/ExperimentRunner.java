package org.nodulab.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.core.experiment.ContributionRef;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.experiment.HardMiningSettings;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.dataset.TrainingMean;
import org.nodulab.eval.EvaluationInput;
import org.nodulab.eval.EvaluationResult;
import org.nodulab.eval.Evaluator;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.eval.EvaluatorRegistry;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.Batch;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.Transfer;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Shape;
import org.nodulab.preprocess.Preprocessing;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs experiments: trains each architecture of an experiment (sampling and augmenting on the fly,
 * checkpointing and evaluating after every epoch, hard mining, early stopping), picks each model's
 * best epoch on the validation scans, averages the models into an ensemble, and writes everything
 * into a new run folder ({@link RunDirectory}). A run stopped at any moment resumes from its last
 * checkpoint and ends with the same models as an uninterrupted one.
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
		say(run, (fresh ? "run " : "resuming ") + run.dir() + " (experiment '" + e.name + "', seed " + e.seed + ")");
		TrainingData data = TrainingData.open(e, tools.readers());
		say(run, String.format(Locale.ROOT, "data: %d training scans (%d candidates, %d positive), %d validation scans (%d candidates), %d test scans (%d candidates)",
				data.train().scans().size(), data.train().size(), data.train().withLabel(1).length, data.validation().scans().size(),
				data.validation().size(), data.test().scans().size(), data.test().size()));
		float mean = trainingMean(run, e, data, commandLine, fresh);
		List<ModelResult> models = new ArrayList<>();
		for (int i = 0; i < e.architectures.size(); i++) {
			try {
				models.add(trainModel(run, e, data, i, mean));
			} catch (Stopped s) {
				say(run, "stopped at a batch boundary after writing a checkpoint; continue with: nodulab resume " + run.dir());
				return new RunResult(run, models, Double.NaN, null, true);
			}
		}
		double ensembleCpm = Double.NaN;
		Path ensemble = null;
		if (models.size() > 1 && data.test().size() > 0) {
			List<double[]> scores = new ArrayList<>();
			for (ModelResult m : models) {
				scores.add(Luna16Csv.readPredictions(m.testPredictions(), true).stream().mapToDouble(Prediction::probability)
						.toArray());
			}
			List<Prediction> predictions = data.test().predictions(tools.combiners().combine(MEAN, scores, Map.of()));
			ensemble = run.writePredictions("predictions/ensemble-test.csv", predictions);
			ensembleCpm = finalFroc(run, e, data, "ensemble", predictions).cpm();
			say(run, String.format(Locale.ROOT, "ensemble (mean of %d models): test CPM %.4f", models.size(), ensembleCpm));
		}
		runEvaluators(run, e, data, models, ensemble);
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("status", "finished");
		summary.put("experiment", e.name);
		summary.put("seed", e.seed);
		List<Map<String, Object>> list = new ArrayList<>();
		for (ModelResult m : models) {
			Map<String, Object> s = new LinkedHashMap<>();
			s.put("model", m.model());
			s.put("architecture", m.architecture());
			s.put("bestEpoch", m.bestEpoch());
			s.put("validationCpm", nanToNull(m.validationCpm()));
			s.put("testCpm", nanToNull(m.testCpm()));
			s.put("checkpoint", run.dir().relativize(m.checkpoint()).toString());
			list.add(s);
		}
		summary.put("models", list);
		summary.put("ensembleTestCpm", nanToNull(ensembleCpm));
		summary.put("lastSessionSeconds", (System.nanoTime() - started) / 1e9);
		run.writeJson(RunDirectory.SUMMARY, summary);
		RunReport.write(run);
		say(run, "finished; report: " + run.resolve(RunDirectory.REPORT));
		return new RunResult(run, models, ensembleCpm, ensemble, false);
	}

	private static Object nanToNull(double v) {
		return Double.isNaN(v) ? null : v;
	}

	private float trainingMean(RunDirectory run, Experiment e, TrainingData data, List<String> commandLine, boolean fresh)
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

	NetworkGraph graph(Experiment e, int index) throws Exception {
		ContributionRef ref = e.architectures.get(index);
		Object settings = ref.resolvedSettings();
		if (settings == null) {
			settings = tools.architectures().defaultSettings(tools.architectures().require(ref.id)).orElse(null);
		}
		return tools.architectures().build(ref.id, settings);
	}

	static List<int[]> sizes(NetworkGraph graph) {
		return graph.inputShapes().stream().map(Shape::spatial).toList();
	}

	/** Name of the i-th model of an experiment. */
	public static String modelName(Experiment e, int index) {
		return "m" + index + "-" + e.architectures.get(index).id;
	}

	private ModelResult trainModel(RunDirectory run, Experiment experiment, TrainingData data, int index, float mean)
			throws Exception {
		Experiment e = experiment.forArchitecture(index); // this architecture's training settings
		String model = modelName(e, index);
		Optional<JsonNode> done = run.readJson("models/" + model + ".json");
		if (done.isPresent()) {
			JsonNode d = done.get();
			say(run, model + ": finished earlier (best epoch " + d.path("bestEpoch").asInt() + ")");
			return new ModelResult(model, d.path("architecture").asText(), d.path("bestEpoch").asInt(),
					d.path("validationCpm").asDouble(Double.NaN), d.path("testCpm").asDouble(Double.NaN),
					run.resolve(d.path("testPredictions").asText()), run.resolve(d.path("checkpoint").asText()));
		}
		NetworkGraph graph = graph(e, index);
		List<int[]> sizes = sizes(graph);
		Preprocessing prep = Preprocessing.of(e.preprocessing, tools.windows(), mean);
		long seed = Seeds.mix(e.seed, Seeds.of(model));
		Augmenter augmenter = Augmenter.of(e.augmentations, tools.augmentations());
		BatchSource trainSource = new BatchSource(data.train(), data.volumes(), prep, sizes, augmenter, seed);
		BatchSource trainPlain = new BatchSource(data.train(), data.volumes(), prep, sizes, Augmenter.none(), seed);
		BatchSource validationSource = new BatchSource(data.validation(), data.volumes(), prep, sizes, Augmenter.none(), seed);
		BatchSource testSource = new BatchSource(data.test(), data.volumes(), prep, sizes, Augmenter.none(), seed);
		int[] positives = data.train().withLabel(1);
		int[] negatives = data.train().withLabel(0);
		HardMiningSettings hm = e.training.hardMining;
		int mainEpochs = e.training.epochs;
		int total = mainEpochs + hm.rounds * hm.epochs;
		int batchSize = e.training.batchSize;
		int workers = e.sampling.workers;
		boolean tta = e.evaluation.testTimeAugmentation;

		Optional<Checkpoints.Checkpoint> latest = run.checkpoints().latest(model);
		TrainableNetwork net;
		int epoch = 0;
		int startBatch = 0;
		double lossSum = 0;
		long samples = 0;
		if (latest.isPresent()) {
			Checkpoints.Checkpoint c = latest.get();
			try (InputStream in = Checkpoints.openVerified(c)) {
				net = tools.backend().load(graph, e.training, in);
			}
			epoch = c.epoch();
			startBatch = c.batch();
			lossSum = c.atEpochEnd() ? 0 : c.lossSum();
			samples = c.atEpochEnd() ? 0 : c.samples();
			say(run, model + ": continuing from checkpoint " + run.dir().relativize(c.file()) + " (epoch " + epoch
					+ (startBatch > 0 ? ", batch " + startBatch : "") + ")");
			repairMetrics(run, e, model, c, net, validationSource, testSource, data);
		} else {
			net = tools.backend().create(graph, e.training, seed);
			say(run, String.format(Locale.ROOT, "%s: %s, %,d parameters, inputs %s, %d epochs%s", model,
					e.architectures.get(index).id, graph.parameterCount(), graph.inputShapes(), mainEpochs,
					hm.rounds > 0 ? " + " + hm.rounds + " hard-mining rounds of " + hm.epochs : ""));
			if (e.training.initFrom != null) {
				initFrom(run, e, net);
			}
		}
		try {
			while (epoch < total) {
				int round = epoch < mainEpochs ? 0 : 1 + (epoch - mainEpochs) / hm.epochs;
				if (round == 0 && stopEarly(run.metrics(), model, e.training.earlyStoppingPatience)) {
					say(run, model + ": early stop after epoch " + epoch + " (no better validation CPM for "
							+ e.training.earlyStoppingPatience + " epochs)");
					epoch = mainEpochs;
					startBatch = 0;
					continue;
				}
				int[] pos = positives;
				int[] neg = negatives;
				if (round > 0) {
					boolean roundStart = (epoch - mainEpochs) % hm.epochs == 0 && startBatch == 0;
					List<int[]> hard = new ArrayList<>();
					for (int r = 1; r <= round; r++) {
						hard.add(hardSet(run, e, model, r, net, graph, trainSource, trainPlain, seed));
					}
					pos = concat(positives, hard, 1, data.train());
					neg = concat(negatives, hard, 0, data.train());
					if (roundStart && hm.restartLrDecay) {
						TrainableNetwork fresh = tools.backend().create(graph, e.training, Seeds.mix(seed, 0x4E57, round));
						Transfer.copy(net, fresh);
						net.close();
						net = fresh;
						say(run, model + ": round " + round + " restarts the learning-rate decay at " + net.learningRate());
					}
				}
				SamplePlan plan = new SamplePlan(pos, neg, negatives.length, e.sampling, Seeds.mix(seed, round));
				long[] order = plan.epoch(epoch);
				int batches = (order.length + batchSize - 1) / batchSize;
				long t0 = System.nanoTime();
				long waited = 0;
				progress.begin(String.format(Locale.ROOT, "%s epoch %d/%d%s", model, epoch + 1, total,
						round > 0 ? " (hard mining round " + round + ")" : ""), batches);
				final TrainableNetwork training = net;
				final int ep = epoch;
				try (BatchPipeline pipeline = new BatchPipeline(b -> {
					int from = b * batchSize;
					return trainSource.trainingBatch(order, ep, from, Math.min(batchSize, order.length - from));
				}, startBatch, batches, workers, e.sampling.prefetch)) {
					for (int b = startBatch; b < batches; b++) {
						if (b > startBatch && progress.stopRequested()) {
							Checkpoints.Checkpoint c = run.checkpoints().write(model, round, epoch, b, lossSum, samples, net);
							say(run, model + ": checkpoint " + run.dir().relativize(c.file()) + " at epoch " + epoch + " batch " + b);
							progress.end("stopped");
							throw new Stopped();
						}
						long w0 = System.nanoTime();
						Batch batch = pipeline.next();
						waited += System.nanoTime() - w0;
						training.reseed(Seeds.mix(seed, 0xD50F, ep, b));
						double loss = training.fit(batch);
						if (!Double.isFinite(loss)) {
							throw new IllegalStateException(model + ": the loss became " + loss + " in epoch " + (ep + 1)
									+ " batch " + b + "; lower the learning rate");
						}
						lossSum += loss * batch.size();
						samples += batch.size();
						progress.step(b + 1, batches);
					}
				}
				net.endEpoch();
				double seconds = (System.nanoTime() - t0) / 1e9;
				progress.end(String.format(Locale.ROOT, "loss %.4f", lossSum / Math.max(1, samples)));
				double[] cpm = evaluateEpoch(run, e, model, epoch + 1, net, validationSource, testSource, data, tta);
				Checkpoints.Checkpoint c = run.checkpoints().write(model, round, epoch + 1, 0, lossSum, samples, net);
				RunDirectory.EpochMetrics m = new RunDirectory.EpochMetrics(model, round, epoch + 1,
						net.learningRate() / e.training.lrDecay, lossSum / Math.max(1, samples), samples, seconds, cpm[0], cpm[1]);
				run.appendMetrics(m);
				say(run, String.format(Locale.ROOT, "%s epoch %d: loss %.4f, validation CPM %s, test CPM %s (%.0f s training, %.1f s of it waiting for batches; %s)",
						model, epoch + 1, m.trainLoss(), fmt(cpm[0]), fmt(cpm[1]), seconds, waited / 1e9, run.dir().relativize(c.file())));
				epoch++;
				startBatch = 0;
				lossSum = 0;
				samples = 0;
			}
		} finally {
			net.close();
		}
		return finishModel(run, e, data, model, index);
	}

	private static String fmt(double v) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
	}

	private void initFrom(RunDirectory run, Experiment e, TrainableNetwork net) throws Exception {
		ModelRef ref = ModelRef.parse(e.training.initFrom, e.resolve(e.output.runs));
		RunDirectory source = RunDirectory.open(ref.run());
		Experiment se = tools.validator().load(source.resolve(RunDirectory.EXPERIMENT));
		Checkpoints.Checkpoint c = ref.resolve(source);
		int index = -1;
		for (int i = 0; i < se.architectures.size(); i++) {
			if (modelName(se, i).equals(c.model())) {
				index = i;
			}
		}
		if (index < 0) {
			throw new IOException(e.training.initFrom + ": no model " + c.model() + " in " + source.dir());
		}
		try (InputStream in = Checkpoints.openVerified(c); TrainableNetwork from = tools.backend().load(graph(se, index), se.forArchitecture(index).training, in)) {
			Transfer.Report report = Transfer.copy(from, net);
			say(run, "fine-tuning from " + source.name() + "/" + c.name() + ": " + report);
		}
	}

	/** After a kill between an epoch's checkpoint and its metrics row: evaluate again and add the row. */
	private void repairMetrics(RunDirectory run, Experiment e, String model, Checkpoints.Checkpoint c, TrainableNetwork net,
			BatchSource validation, BatchSource test, TrainingData data) throws Exception {
		if (!c.atEpochEnd() || c.epoch() == 0) {
			return;
		}
		boolean present = run.metrics().stream().anyMatch(m -> m.model().equals(model) && m.epoch() == c.epoch());
		if (!present) {
			double[] cpm = evaluateEpoch(run, e, model, c.epoch(), net, validation, test, data, e.evaluation.testTimeAugmentation);
			run.appendMetrics(new RunDirectory.EpochMetrics(model, c.round(), c.epoch(), net.learningRate() / e.training.lrDecay,
					c.lossSum() / Math.max(1, c.samples()), c.samples(), 0, cpm[0], cpm[1]));
		}
	}

	private double[] evaluateEpoch(RunDirectory run, Experiment e, String model, int epoch, TrainableNetwork net,
			BatchSource validation, BatchSource test, TrainingData data, boolean tta) throws Exception {
		double[] cpm = { Double.NaN, Double.NaN };
		BatchSource[] sources = { validation, test };
		String[] names = { "validation", "test" };
		for (int k = 0; k < 2; k++) {
			CandidateSet set = sources[k].candidates();
			if (set.scans().isEmpty()) {
				continue;
			}
			progress.begin(model + " " + names[k] + " predictions" + (tta ? " (TTA x4)" : ""), 1);
			float[] scores = Predictor.predict(net, sources[k], e.training.batchSize, tta, e.sampling.workers, progress);
			List<Prediction> predictions = set.predictions(scores);
			run.writePredictions(String.format(Locale.ROOT, "predictions/%s/epoch-%03d-%s.csv", model, epoch, names[k]),
					predictions);
			FrocResult froc = Luna16Evaluation.evaluate(set.scans(), data.dataset().annotations(), data.dataset().excluded(),
					predictions, Luna16Evaluation.Options.of(model));
			cpm[k] = froc.cpm();
			progress.end(String.format(Locale.ROOT, "CPM %.4f", cpm[k]));
		}
		return cpm;
	}

	static boolean stopEarly(List<RunDirectory.EpochMetrics> metrics, String model, int patience) {
		if (patience <= 0) {
			return false;
		}
		double best = Double.NEGATIVE_INFINITY;
		int bestEpoch = 0;
		int last = 0;
		for (RunDirectory.EpochMetrics m : metrics) {
			if (!m.model().equals(model) || m.round() != 0 || Double.isNaN(m.validationCpm())) {
				continue;
			}
			if (m.validationCpm() > best) {
				best = m.validationCpm();
				bestEpoch = m.epoch();
			}
			last = Math.max(last, m.epoch());
		}
		return bestEpoch > 0 && last - bestEpoch >= patience;
	}

	/** The hard samples of a round (candidate indices), computed once and kept in {@code hard/}. */
	private int[] hardSet(RunDirectory run, Experiment e, String model, int round, TrainableNetwork net, NetworkGraph graph,
			BatchSource augmented, BatchSource plain, long seed) throws Exception {
		HardMiningSettings hm = e.training.hardMining;
		Path file = run.resolve(String.format(Locale.ROOT, "hard/%s-round-%d.txt", model, round));
		if (Files.exists(file)) {
			return Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
					.mapToInt(l -> Integer.parseInt(l.split("\\s+")[0])).toArray();
		}
		CandidateSet set = plain.candidates();
		float[] scores;
		if (hm.splits <= 1) {
			progress.begin(model + " hard mining round " + round + ": predicting the training candidates", 1);
			scores = Predictor.predict(net, plain, e.training.batchSize, false, e.sampling.workers, progress);
			progress.end("");
		} else {
			scores = splitScores(run, e, model, round, net, graph, augmented, plain, seed);
		}
		int[] chosen = HardMining.choose(set, scores, hm);
		StringBuilder text = new StringBuilder("# candidate index in the training set, label, score; round " + round
				+ (hm.splits > 1 ? "; negatives judged by the " + (hm.splits - 1) + " split models that did not train on them" : "")
				+ "\n");
		for (int c : chosen) {
			text.append(c).append(' ').append(set.label(c)).append(' ').append(scores[c]).append('\n');
		}
		AtomicFiles.create(file, text);
		long hardPositives = Arrays.stream(chosen).filter(c -> set.label(c) == 1).count();
		say(run, String.format(Locale.ROOT, "%s hard mining round %d: %d positives and %d negatives added", model, round,
				hardPositives, chosen.length - hardPositives));
		return chosen;
	}

	/**
	 * The split variant: the negatives in k seeded parts; k copies of the current model each train
	 * {@code hardMining.epochs} epochs on all positives and one part; a negative's score is the mean of
	 * the models that did not see it, a positive's the mean of all.
	 */
	private float[] splitScores(RunDirectory run, Experiment e, String model, int round, TrainableNetwork net,
			NetworkGraph graph, BatchSource augmented, BatchSource plain, long seed) throws Exception {
		HardMiningSettings hm = e.training.hardMining;
		CandidateSet set = plain.candidates();
		int[] positives = set.withLabel(1);
		int[] negatives = set.withLabel(0).clone();
		java.util.SplittableRandom random = new java.util.SplittableRandom(Seeds.mix(seed, 0x5917, round));
		for (int i = negatives.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = negatives[i];
			negatives[i] = negatives[j];
			negatives[j] = t;
		}
		int k = hm.splits;
		int[] part = new int[set.size()];
		java.util.Arrays.fill(part, -1);
		for (int i = 0; i < negatives.length; i++) {
			part[negatives[i]] = i % k;
		}
		double[] sum = new double[set.size()];
		int[] votes = new int[set.size()];
		int batchSize = e.training.batchSize;
		for (int p = 0; p < k; p++) {
			final int q = p;
			int[] own = java.util.Arrays.stream(negatives).filter(c -> part[c] == q).toArray();
			long helperSeed = Seeds.mix(seed, 0x5917, round, p);
			try (TrainableNetwork helper = tools.backend().create(graph, e.training, helperSeed)) {
				Transfer.copy(net, helper);
				SamplePlan plan = new SamplePlan(positives, own, own.length, e.sampling, helperSeed);
				for (int epoch = 0; epoch < hm.epochs; epoch++) {
					long[] order = plan.epoch(epoch);
					int batches = (order.length + batchSize - 1) / batchSize;
					progress.begin(String.format(Locale.ROOT, "%s round %d: split model %d/%d epoch %d/%d", model, round, p + 1, k,
							epoch + 1, hm.epochs), batches);
					final int ep = epoch;
					try (BatchPipeline pipeline = new BatchPipeline(b -> {
						int from = b * batchSize;
						return augmented.trainingBatch(order, (int) Seeds.mix(helperSeed, ep), from, Math.min(batchSize, order.length - from));
					}, 0, batches, e.sampling.workers, e.sampling.prefetch)) {
						for (int b = 0; b < batches; b++) {
							helper.reseed(Seeds.mix(helperSeed, ep, b));
							helper.fit(pipeline.next());
							progress.step(b + 1, batches);
						}
					}
					helper.endEpoch();
					progress.end("");
				}
				int[] judged = java.util.stream.IntStream.range(0, set.size()).filter(c -> part[c] != q).toArray();
				float[] s = Predictor.predict(helper, plain, judged, batchSize, false, e.sampling.workers, Progress.NONE);
				for (int i = 0; i < judged.length; i++) {
					sum[judged[i]] += s[i];
					votes[judged[i]]++;
				}
			}
		}
		float[] scores = new float[set.size()];
		for (int c = 0; c < scores.length; c++) {
			scores[c] = votes[c] == 0 ? 0f : (float) (sum[c] / votes[c]);
		}
		say(run, String.format(Locale.ROOT, "%s hard mining round %d: %d split models judged %d negatives", model, round, k,
				negatives.length));
		return scores;
	}

	private static int[] concat(int[] base, List<int[]> hard, int label, CandidateSet set) {
		int[] extra = hard.stream().flatMapToInt(Arrays::stream).filter(c -> set.label(c) == label).toArray();
		int[] out = Arrays.copyOf(base, base.length + extra.length);
		System.arraycopy(extra, 0, out, base.length, extra.length);
		return out;
	}

	/** Picks the best epoch, writes the model's final test predictions and FROC. */
	private ModelResult finishModel(RunDirectory run, Experiment e, TrainingData data, String model, int index)
			throws Exception {
		List<RunDirectory.EpochMetrics> history = run.metrics().stream().filter(m -> m.model().equals(model)).toList();
		int best = history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
		double bestCpm = Double.NEGATIVE_INFINITY;
		for (RunDirectory.EpochMetrics m : history) {
			if (!Double.isNaN(m.validationCpm()) && m.validationCpm() > bestCpm) {
				bestCpm = m.validationCpm();
				best = m.epoch();
			}
		}
		final int bestEpoch = best;
		RunDirectory.EpochMetrics at = history.stream().filter(m -> m.epoch() == bestEpoch).reduce((a, b) -> b).orElseThrow();
		Checkpoints.Checkpoint checkpoint = run.checkpoints().atEpoch(model, bestEpoch)
				.orElseThrow(() -> new IOException(model + ": the checkpoint of epoch " + bestEpoch + " is missing"));
		Path testFile = null;
		if (!data.test().scans().isEmpty()) {
			List<Prediction> predictions = Luna16Csv.readPredictions(
					run.resolve(String.format(Locale.ROOT, "predictions/%s/epoch-%03d-test.csv", model, bestEpoch)), true);
			testFile = run.writePredictions("predictions/" + model + "-test.csv", predictions);
			finalFroc(run, e, data, model, predictions);
		}
		Map<String, Object> d = new LinkedHashMap<>();
		d.put("model", model);
		d.put("architecture", e.architectures.get(index).id);
		d.put("bestEpoch", bestEpoch);
		d.put("selectedBy", Double.isNaN(at.validationCpm()) ? "last epoch (no validation scans)" : "validation CPM");
		d.put("validationCpm", nanToNull(at.validationCpm()));
		d.put("testCpm", nanToNull(at.testCpm()));
		d.put("testPredictions", testFile == null ? "" : run.dir().relativize(testFile).toString());
		d.put("checkpoint", run.dir().relativize(checkpoint.file()).toString());
		d.put("sha256", checkpoint.sha256());
		run.writeJson("models/" + model + ".json", d);
		say(run, String.format(Locale.ROOT, "%s: best epoch %d (validation CPM %s), test CPM %s", model, bestEpoch,
				fmt(at.validationCpm()), fmt(at.testCpm())));
		return new ModelResult(model, e.architectures.get(index).id, bestEpoch, at.validationCpm(), at.testCpm(), testFile,
				checkpoint.file());
	}

	private FrocResult finalFroc(RunDirectory run, Experiment e, TrainingData data, String name, List<Prediction> predictions)
			throws IOException {
		Luna16Evaluation.Options options = Luna16Evaluation.Options.of(name);
		if (e.evaluation.bootstrap > 0) {
			options = options.withBootstrap(e.evaluation.bootstrap, e.seed);
		}
		FrocResult froc = Luna16Evaluation.evaluate(data.test().scans(), data.dataset().annotations(),
				data.dataset().excluded(), predictions, options);
		Path dir = run.resolve("froc/" + name + "-test");
		if (!Files.exists(dir.resolve("CADAnalysis.txt"))) {
			FrocReport.write(froc, dir, true);
		}
		return froc;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private void runEvaluators(RunDirectory run, Experiment e, TrainingData data, List<ModelResult> models, Path ensemble)
			throws Exception {
		if (e.evaluation.evaluators.isEmpty() || data.test().scans().isEmpty()) {
			return;
		}
		Map<String, Path> inputs = new LinkedHashMap<>();
		for (ModelResult m : models) {
			inputs.put(m.model(), m.testPredictions());
		}
		if (ensemble != null) {
			inputs.put("ensemble", ensemble);
		}
		for (ContributionRef ref : e.evaluation.evaluators) {
			Evaluator evaluator = tools.evaluators().createInstance(ref.id);
			Object settings = ref.resolvedSettings() != null ? ref.resolvedSettings()
					: tools.evaluators().defaultSettings(tools.evaluators().require(ref.id)).orElse(null);
			for (Map.Entry<String, Path> in : inputs.entrySet()) {
				Path dir = run.resolve("evaluation/" + ref.id + "/" + in.getKey());
				if (Files.exists(dir)) {
					continue;
				}
				Files.createDirectories(dir);
				EvaluationResult r = evaluator.evaluate(new EvaluationInput(data.dataset().annotations(), data.dataset().excluded(),
						data.test().scans(), Luna16Csv.readPredictions(in.getValue(), true), dir, in.getKey()), settings);
				say(run, "evaluator " + ref.id + " on " + in.getKey() + ": " + r.metrics());
			}
		}
	}

	/** The ensemble's combiner: the mean of the models' probabilities. */
	/** The id of the combiner a run averages its models with (through the registry, as any contribution). */
	static final String MEAN = "mean";

	private void say(RunDirectory run, String line) {
		run.log(line);
		progress.message(line);
	}
}
