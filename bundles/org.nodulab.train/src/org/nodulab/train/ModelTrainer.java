package org.nodulab.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.HardMiningSettings;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.luna16.Prediction;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.Transfer;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.preprocess.PatchLayout;
import org.nodulab.preprocess.Preprocessing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Trains one model of a run: its main epochs and hard-mining rounds, each epoch through the
 * {@link EpochLoop}, checkpointed and evaluated on the validation and test scans; then selects its best
 * epoch ({@link ModelSelection}) and writes {@code models/<model>.json}. Continues from the model's last
 * checkpoint; a model finished earlier is read back. The best epoch's test predictions are kept in
 * memory for the run's ensemble and evaluators, read from their file only when that epoch was computed
 * by an earlier process.
 */
final class ModelTrainer {

	/** A trained model and its test predictions at the selected epoch (empty without test scans). */
	record Trained(ExperimentRunner.ModelResult result, List<Prediction> test) {
	}

	private final ExperimentRunner.Tools tools;
	private final Progress progress;
	private final RunDirectory run;
	private final Experiment e;
	private final TrainingData data;
	private final int index;
	private final String model;
	private final Consumer<String> say;
	private final TestResults results;

	/** The test predictions of the best epoch so far in this process. */
	private int keptEpoch = -1;
	private List<Prediction> kept = List.of();
	private double keptCpm = Double.NEGATIVE_INFINITY;
	/** What made the last evaluated epoch's scores unable to rank (all the same, or not numbers); null when they could. */
	private String collapse;

	/**
	 * @param experiment the run's experiment; the model trains with the settings of architecture {@code index}
	 */
	ModelTrainer(ExperimentRunner.Tools tools, Progress progress, RunDirectory run, Experiment experiment, TrainingData data,
			int index, TestResults results, Consumer<String> say) {
		this.tools = tools;
		this.progress = progress;
		this.run = run;
		this.e = experiment.forArchitecture(index);
		this.data = data;
		this.index = index;
		this.model = ExperimentRunner.modelName(e, index);
		this.results = results;
		this.say = say;
	}

	/** Trains (or continues, or reads back) the model; throws {@link ExperimentRunner.Stopped} on a stop request. */
	Trained train(float mean) throws Exception {
		Optional<JsonNode> done = run.readJson("models/" + model + ".json");
		if (done.isPresent()) {
			return finishedEarlier(done.get());
		}
		NetworkGraph graph = ExperimentRunner.graph(tools.architectures(), e, index);
		List<PatchLayout> layouts = ExperimentRunner.layouts(e, index, graph);
		Preprocessing prep = Preprocessing.of(e.preprocessing, tools.windows(), mean);
		long seed = Seeds.mix(e.seed, Seeds.of(model));
		Augmenter augmenter = Augmenter.of(e.augmentations, tools.augmentations());
		BatchSource trainSource = new BatchSource(data.train(), data.volumes(), prep, augmenter, seed, layouts);
		BatchSource trainPlain = new BatchSource(data.train(), data.volumes(), prep, Augmenter.none(), seed, layouts);
		BatchSource validationSource = new BatchSource(data.validation(), data.volumes(), prep, Augmenter.none(), seed, layouts);
		BatchSource testSource = new BatchSource(data.test(), data.volumes(), prep, Augmenter.none(), seed, layouts);
		HardMiningRound mining = new HardMiningRound(run, e, model, tools.backend(), graph, trainSource, trainPlain, seed,
				progress, say);
		EpochLoop loop = new EpochLoop(model, e.training.batchSize, e.sampling.workers, e.sampling.prefetch, progress);
		HardMiningSettings hm = e.training.hardMining;
		int[] positives = subsample(data.train().withLabel(1), hm.initialPositives, Seeds.mix(seed, 0x5AB1, 1));
		int[] negatives = subsample(data.train().withLabel(0), hm.initialNegatives, Seeds.mix(seed, 0x5AB1, 0));
		if (positives.length < data.train().withLabel(1).length || negatives.length < data.train().withLabel(0).length) {
			say.accept(String.format(Locale.ROOT, "%s: the main training starts from %,d of %,d positives and %,d of %,d negatives (drawn at random)",
					model, positives.length, data.train().withLabel(1).length, negatives.length, data.train().withLabel(0).length));
		}
		int mainEpochs = e.training.epochs;
		int total = mainEpochs + hm.rounds * hm.epochs;

		Optional<Checkpoints.Checkpoint> latest = run.checkpoints().latest(model);
		TrainableNetwork net;
		int epoch = 0;
		int startBatch = 0;
		double lossSum = 0;
		long samples = 0;
		long correct = 0;
		if (latest.isPresent()) {
			Checkpoints.Checkpoint c = latest.get();
			try (InputStream in = Checkpoints.openVerified(c)) {
				net = tools.backend().load(graph, e.training, in);
			}
			epoch = c.epoch();
			startBatch = c.batch();
			lossSum = c.atEpochEnd() ? 0 : c.lossSum();
			samples = c.atEpochEnd() ? 0 : c.samples();
			correct = c.atEpochEnd() ? 0 : c.correct();
			say.accept(model + ": continuing from checkpoint " + run.dir().relativize(c.file()) + " (epoch " + epoch
					+ (startBatch > 0 ? ", batch " + startBatch : "") + ")");
			repairMetrics(c, net, validationSource, testSource);
		} else {
			net = tools.backend().create(graph, e.training, seed);
			say.accept(String.format(Locale.ROOT, "%s: %s, %,d parameters, inputs %s, %d epochs%s", model,
					e.architectures.get(index).id, graph.parameterCount(), graph.inputShapes()
							+ (layouts.stream().allMatch(PatchLayout::isPlain) ? "" : " sampled as " + layouts), mainEpochs,
					hm.rounds > 0 ? " + " + hm.rounds + " hard-mining rounds of " + hm.epochs : ""));
			if (e.training.initFrom != null) {
				initFrom(net);
			}
		}
		try {
			if (mainEpochs == 0 && latest.isEmpty()) {
				evaluateAsItIs(net, validationSource, testSource);
			}
			while (epoch < total) {
				int round = epoch < mainEpochs ? 0 : 1 + (epoch - mainEpochs) / hm.epochs;
				if (round == 0 && ModelSelection.stopEarly(run.metrics(), model, e.training.earlyStoppingPatience)) {
					say.accept(model + ": early stop after epoch " + epoch + " (no better validation CPM for "
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
						hard.add(mining.chosen(r, net));
					}
					pos = HardMiningRound.concat(positives, hard, 1, data.train());
					neg = HardMiningRound.concat(negatives, hard, 0, data.train());
					if (roundStart && hm.restartLrDecay) {
						TrainableNetwork fresh = tools.backend().create(graph, e.training, Seeds.mix(seed, 0x4E57, round));
						Transfer.copy(net, fresh);
						net.close();
						net = fresh;
						say.accept(model + ": round " + round + " restarts the learning-rate decay at " + net.learningRate());
					}
				}
				SamplePlan plan = new SamplePlan(pos, neg, negatives.length, e.sampling, Seeds.mix(seed, round));
				long[] order = plan.epoch(epoch);
				long t0 = System.nanoTime();
				final int ep = epoch;
				final int r = round;
				final TrainableNetwork training = net;
				EpochLoop.Outcome o = loop.run(net,
						String.format(Locale.ROOT, "%s epoch %d/%d%s", model, epoch + 1, total,
								round > 0 ? " (hard mining round " + round + ")" : ""),
						epoch, order.length, (from, count) -> trainSource.trainingBatch(order, ep, from, count),
						b -> Seeds.mix(seed, 0xD50F, ep, b), startBatch, lossSum, samples, correct, (b, sum, n, right) -> {
							Checkpoints.Checkpoint c = run.checkpoints().write(model, r, ep, b, sum, n, right, training);
							say.accept(model + ": checkpoint " + run.dir().relativize(c.file()) + " at epoch " + ep + " batch " + b);
						});
				double seconds = (System.nanoTime() - t0) / 1e9;
				progress.end(String.format(Locale.ROOT, "loss %.4f", o.meanLoss()));
				double[] cpm = evaluateEpoch(epoch + 1, net, validationSource, testSource);
				Checkpoints.Checkpoint c = run.checkpoints().write(model, round, epoch + 1, 0, o.lossSum(), o.samples(), o.correct(), net);
				RunDirectory.EpochMetrics m = new RunDirectory.EpochMetrics(model, round, epoch + 1,
						net.learningRate() / e.training.lrDecay, o.meanLoss(), o.samples(), seconds, cpm[0], cpm[1], o.accuracy(), cpm[2],
						cpm[3]);
				run.appendMetrics(m);
				say.accept(String.format(Locale.ROOT,
						"%s epoch %d: loss %.4f, accuracy %s; validation loss %s, accuracy %s, CPM %s; test CPM %s (%.0f s training, %.1f s of it waiting for batches; %s)",
						model, epoch + 1, m.trainLoss(), fmt(o.accuracy()), fmt(cpm[2]), fmt(cpm[3]), fmt(cpm[0]), fmt(cpm[1]), seconds,
						o.waitedNanos() / 1e9, run.dir().relativize(c.file())));
				if (collapse != null) {
					// never silently wrong: a diverged network scores every candidate alike, and its CPM means nothing
					say.accept(String.format(Locale.ROOT,
							"%s epoch %d: warning: the network's outputs collapsed (%s): its training has most likely diverged; "
									+ "a smaller training.learningRate (e.g. a third) usually helps",
							model, epoch + 1, collapse));
				}
				epoch++;
				startBatch = 0;
				lossSum = 0;
				samples = 0;
				correct = 0;
			}
		} finally {
			net.close();
		}
		return finish();
	}

	/**
	 * {@code training.epochs: 0} (with {@code initFrom}, which validation requires): the model it starts from is evaluated
	 * as it is, under this experiment's evaluation settings (test-time augmentation, candidates), as epoch 0: predictions,
	 * a checkpoint and a metrics row without training figures. A campaign variant that changes only how models are
	 * evaluated reuses another variant's models this way ({@code from} and 0 epochs) instead of training them again.
	 */
	private void evaluateAsItIs(TrainableNetwork net, BatchSource validation, BatchSource test) throws Exception {
		double[] cpm = evaluateEpoch(0, net, validation, test);
		Checkpoints.Checkpoint c = run.checkpoints().write(model, 0, 0, 0, 0, 0, -1, net);
		run.appendMetrics(new RunDirectory.EpochMetrics(model, 0, 0, net.learningRate(), Double.NaN, 0, 0, cpm[0], cpm[1], Double.NaN,
				cpm[2], cpm[3]));
		say.accept(String.format(Locale.ROOT, "%s: evaluated as it is (0 epochs): validation loss %s, accuracy %s, CPM %s; test CPM %s (%s)",
				model, fmt(cpm[2]), fmt(cpm[3]), fmt(cpm[0]), fmt(cpm[1]), run.dir().relativize(c.file())));
	}

	/** {@code n} of the indices drawn with the seed, in their original order; all of them when {@code n} is 0 or not fewer. */
	static int[] subsample(int[] indices, int n, long seed) {
		if (n <= 0 || n >= indices.length) {
			return indices;
		}
		int[] copy = indices.clone();
		java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
		for (int i = 0; i < n; i++) {
			int j = i + random.nextInt(copy.length - i);
			int t = copy[i];
			copy[i] = copy[j];
			copy[j] = t;
		}
		int[] out = java.util.Arrays.copyOf(copy, n);
		java.util.Arrays.sort(out);
		return out;
	}

	static String fmt(double v) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
	}

	private Trained finishedEarlier(JsonNode d) throws IOException {
		RunRecords.Model m = RunRecords.Model.read(run.resolve("models/" + model + ".json"), d);
		say.accept(model + ": finished earlier (best epoch " + m.bestEpoch() + ")");
		Path test = m.testPredictions().isEmpty() ? null : run.resolve(m.testPredictions());
		List<Prediction> predictions = test == null ? List.of() : Luna16Csv.readPredictions(test, true);
		return new Trained(new ExperimentRunner.ModelResult(model, m.architecture(), m.bestEpoch(), m.validation(), m.test(),
				test, run.resolve(m.checkpoint())), predictions);
	}

	private void initFrom(TrainableNetwork net) throws Exception {
		ModelRef ref = ModelRef.parse(e.training.initFrom, e.resolve(e.output.runs));
		RunDirectory source = RunDirectory.open(ref.run());
		Experiment se = tools.validator().load(source.resolve(RunDirectory.EXPERIMENT));
		Checkpoints.Checkpoint c = ref.resolve(source);
		int from = -1;
		for (int i = 0; i < se.architectures.size(); i++) {
			if (ExperimentRunner.modelName(se, i).equals(c.model())) {
				from = i;
			}
		}
		if (from < 0) {
			throw new IOException(e.training.initFrom + ": no model " + c.model() + " in " + source.dir());
		}
		try (InputStream in = Checkpoints.openVerified(c);
				TrainableNetwork source0 = tools.backend().load(ExperimentRunner.graph(tools.architectures(), se, from),
						se.forArchitecture(from).training, in)) {
			Transfer.Report report = Transfer.copy(source0, net);
			say.accept("fine-tuning from " + source.name() + "/" + c.name() + ": " + report);
		}
	}

	/** After a kill between an epoch's checkpoint and its metrics row: evaluate again and add the row. */
	private void repairMetrics(Checkpoints.Checkpoint c, TrainableNetwork net, BatchSource validation, BatchSource test)
			throws Exception {
		if (!c.atEpochEnd() || (c.epoch() == 0 && e.training.epochs > 0)) {
			return; // epoch 0 has a checkpoint of its own only when the model is evaluated as it is
		}
		boolean present = run.metrics().stream().anyMatch(m -> m.model().equals(model) && m.epoch() == c.epoch());
		if (!present) {
			double[] cpm = evaluateEpoch(c.epoch(), net, validation, test);
			run.appendMetrics(new RunDirectory.EpochMetrics(model, c.round(), c.epoch(), net.learningRate() / e.training.lrDecay,
					c.lossSum() / Math.max(1, c.samples()), c.samples(), 0, cpm[0], cpm[1],
					c.correct() < 0 ? Double.NaN : (double) c.correct() / Math.max(1, c.samples()), cpm[2], cpm[3]));
		}
	}

	/**
	 * Predicts the validation and test scans after an epoch, writes each epoch's predictions once
	 * ({@code predictions/<model>/epoch-NNN-<set>.csv}) and returns the validation and test CPMs, then the
	 * validation loss and accuracy (NaN without scans or labels). Keeps the
	 * test predictions in memory while the epoch is the best so far by the rule of {@link ModelSelection}.
	 */
	private double[] evaluateEpoch(int epoch, TrainableNetwork net, BatchSource validation, BatchSource test) throws Exception {
		boolean tta = e.evaluation.testTimeAugmentation;
		collapse = null;
		double[] cpm = { Double.NaN, Double.NaN, Double.NaN, Double.NaN };
		BatchSource[] sources = { validation, test };
		String[] names = { "validation", "test" };
		List<Prediction> testPredictions = List.of();
		for (int k = 0; k < 2; k++) {
			CandidateSet set = sources[k].candidates();
			if (set.scans().isEmpty()) {
				continue;
			}
			progress.begin(model + " " + names[k] + " predictions" + (tta ? " (TTA x4)" : ""), 1);
			float[] scores = Predictor.predict(net, sources[k], e.training.batchSize, tta, e.sampling.workers, progress);
			java.util.Optional<String> degenerate = Predictor.degenerate(scores);
			if (collapse == null && degenerate.isPresent()) {
				collapse = names[k] + " predictions: " + degenerate.get();
			}
			List<Prediction> predictions = set.predictions(scores);
			run.writePredictions(String.format(Locale.ROOT, "predictions/%s/epoch-%03d-%s.csv", model, epoch, names[k]),
					predictions);
			FrocResult froc = Luna16Evaluation.evaluate(set.scans(), data.dataset().annotations(), data.dataset().excluded(),
					predictions, Luna16Evaluation.Options.of(model));
			cpm[k] = froc.cpm();
			if (k == 0) {
				double[] la = lossAndAccuracy(set, scores);
				cpm[2] = la[0];
				cpm[3] = la[1];
			}
			progress.end(String.format(Locale.ROOT, "CPM %.4f", cpm[k]));
			if (k == 1) {
				testPredictions = predictions;
			}
		}
		if (Double.isNaN(cpm[0]) || cpm[0] > keptCpm) {
			keptEpoch = epoch;
			kept = testPredictions;
			keptCpm = Double.isNaN(cpm[0]) ? keptCpm : cpm[0];
		}
		return cpm;
	}

	/**
	 * Mean binary cross-entropy (probabilities clamped to [1e-7, 1 - 1e-7], as the backends' loss) and accuracy at
	 * 0.5 of scores against the candidates' labels; NaN without labelled candidates.
	 */
	static double[] lossAndAccuracy(CandidateSet set, float[] scores) {
		double loss = 0;
		long right = 0;
		long n = 0;
		for (int i = 0; i < scores.length; i++) {
			int label = set.label(i);
			if (label < 0 || set.excluded(i)) {
				continue;
			}
			double p = Math.min(1 - 1e-7, Math.max(1e-7, scores[i]));
			loss -= label == 1 ? Math.log(p) : Math.log(1 - p);
			right += (scores[i] >= 0.5f) == (label == 1) ? 1 : 0;
			n++;
		}
		return n == 0 ? new double[] { Double.NaN, Double.NaN } : new double[] { loss / n, (double) right / n };
	}

	/** Picks the best epoch, writes the model's final test predictions, FROC and {@code models/<model>.json}. */
	private Trained finish() throws Exception {
		ModelSelection.Choice choice = ModelSelection.best(run.metrics(), model);
		int bestEpoch = choice.epoch();
		RunDirectory.EpochMetrics at = choice.metrics();
		Checkpoints.Checkpoint checkpoint = run.checkpoints().atEpoch(model, bestEpoch)
				.orElseThrow(() -> new IOException(model + ": the checkpoint of epoch " + bestEpoch + " is missing"));
		Path testFile = null;
		List<Prediction> predictions = List.of();
		if (!data.test().scans().isEmpty()) {
			predictions = keptEpoch == bestEpoch ? kept
					: Luna16Csv.readPredictions(
							run.resolve(String.format(Locale.ROOT, "predictions/%s/epoch-%03d-test.csv", model, bestEpoch)), true);
			testFile = run.writePredictions("predictions/" + model + "-test.csv", predictions);
			results.froc(model, predictions);
		}
		RunRecords.Model record = new RunRecords.Model(model, e.architectures.get(index).id, bestEpoch, choice.selectedBy(),
				RunRecords.cpm(at.validationCpm()), RunRecords.cpm(at.testCpm()),
				testFile == null ? "" : run.dir().relativize(testFile).toString(), run.dir().relativize(checkpoint.file()).toString(),
				checkpoint.sha256());
		run.writeJson("models/" + model + ".json", record);
		say.accept(String.format(Locale.ROOT, "%s: best epoch %d (validation CPM %s), test CPM %s", model, bestEpoch,
				fmt(at.validationCpm()), fmt(at.testCpm())));
		return new Trained(new ExperimentRunner.ModelResult(model, e.architectures.get(index).id, bestEpoch, at.validationCpm(),
				at.testCpm(), testFile, checkpoint.file()), predictions);
	}
}
