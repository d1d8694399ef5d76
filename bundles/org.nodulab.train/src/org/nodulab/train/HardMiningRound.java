package org.nodulab.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.HardMiningSettings;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.Transfer;
import org.nodulab.nn.graph.NetworkGraph;

/**
 * A hard-mining round of one model: the training candidates it gets wrong, chosen once from the current
 * network's scores ({@link HardMining}) and kept in {@code hard/<model>-round-<n>.txt}, so that a resumed
 * run trains on the same samples. With {@code hardMining.splits > 1} the negatives are judged by split
 * models that did not train on them.
 */
final class HardMiningRound {

	private final RunDirectory run;
	private final Experiment e;
	private final String model;
	private final ComputeBackend backend;
	private final NetworkGraph graph;
	private final BatchSource augmented;
	private final BatchSource plain;
	private final long seed;
	private final Progress progress;
	private final Consumer<String> say;

	/**
	 * @param augmented the training candidates as the model trains on them (split models train on these)
	 * @param plain the training candidates without augmentation (scored)
	 */
	HardMiningRound(RunDirectory run, Experiment e, String model, ComputeBackend backend, NetworkGraph graph,
			BatchSource augmented, BatchSource plain, long seed, Progress progress, Consumer<String> say) {
		this.run = run;
		this.e = e;
		this.model = model;
		this.backend = backend;
		this.graph = graph;
		this.augmented = augmented;
		this.plain = plain;
		this.seed = seed;
		this.progress = progress;
		this.say = say;
	}

	/** The hard samples of {@code round} (candidate indices), computed with {@code net} unless already kept. */
	int[] chosen(int round, TrainableNetwork net) throws Exception {
		HardMiningSettings hm = e.training.hardMining;
		Path file = run.resolve(String.format(Locale.ROOT, "hard/%s-round-%d.txt", model, round));
		if (Files.exists(file)) {
			return read(file);
		}
		CandidateSet set = plain.candidates();
		float[] scores;
		if (hm.splits <= 1) {
			progress.begin(model + " hard mining round " + round + ": predicting the training candidates", 1);
			scores = Predictor.predict(net, plain, e.training.batchSize, false, e.sampling.workers, progress);
			progress.end("");
		} else {
			scores = splitScores(round, net);
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
		say.accept(String.format(Locale.ROOT, "%s hard mining round %d: %d positives and %d negatives added", model, round,
				hardPositives, chosen.length - hardPositives));
		return chosen;
	}

	private int[] read(Path file) throws java.io.IOException {
		CandidateSet set = plain.candidates();
		List<String> lines = Files.readAllLines(file);
		int[] out = new int[lines.size()];
		int n = 0;
		for (int i = 0; i < lines.size(); i++) {
			String l = lines.get(i);
			if (l.isBlank() || l.startsWith("#")) {
				continue;
			}
			String first = l.strip().split("\\s+")[0];
			int c;
			try {
				c = Integer.parseInt(first);
			} catch (NumberFormatException x) {
				c = -1;
			}
			if (c < 0 || c >= set.size()) {
				throw new java.io.IOException(file + ":" + (i + 1) + ": expected a candidate index between 0 and "
						+ (set.size() - 1) + " of the training set, got '" + first + "'");
			}
			out[n++] = c;
		}
		return Arrays.copyOf(out, n);
	}

	/** The positives or negatives ({@code label}) of {@code base} followed by those of the rounds' hard samples. */
	static int[] concat(int[] base, List<int[]> hard, int label, CandidateSet set) {
		int[] extra = hard.stream().flatMapToInt(Arrays::stream).filter(c -> set.label(c) == label).toArray();
		int[] out = Arrays.copyOf(base, base.length + extra.length);
		System.arraycopy(extra, 0, out, base.length, extra.length);
		return out;
	}

	/**
	 * The split variant: the negatives in k seeded parts; k copies of the current model each train
	 * {@code hardMining.epochs} epochs on all positives and one part; a negative's score is the mean of
	 * the models that did not see it, a positive's the mean of all.
	 */
	private float[] splitScores(int round, TrainableNetwork net) throws Exception {
		HardMiningSettings hm = e.training.hardMining;
		CandidateSet set = plain.candidates();
		int[] positives = set.withLabel(1);
		int[] negatives = set.withLabel(0).clone();
		SplittableRandom random = new SplittableRandom(Seeds.mix(seed, 0x5917, round));
		for (int i = negatives.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = negatives[i];
			negatives[i] = negatives[j];
			negatives[j] = t;
		}
		int k = hm.splits;
		int[] part = new int[set.size()];
		Arrays.fill(part, -1);
		for (int i = 0; i < negatives.length; i++) {
			part[negatives[i]] = i % k;
		}
		double[] sum = new double[set.size()];
		int[] votes = new int[set.size()];
		int batchSize = e.training.batchSize;
		for (int p = 0; p < k; p++) {
			final int q = p;
			int[] own = Arrays.stream(negatives).filter(c -> part[c] == q).toArray();
			long helperSeed = Seeds.mix(seed, 0x5917, round, p);
			EpochLoop loop = new EpochLoop(model + " split model " + (p + 1), batchSize, e.sampling.workers, e.sampling.prefetch,
					progress);
			try (TrainableNetwork helper = backend.create(graph, e.training, helperSeed)) {
				Transfer.copy(net, helper);
				SamplePlan plan = new SamplePlan(positives, own, own.length, e.sampling, helperSeed);
				for (int epoch = 0; epoch < hm.epochs; epoch++) {
					long[] order = plan.epoch(epoch);
					final int ep = epoch;
					loop.run(helper, String.format(Locale.ROOT, "%s round %d: split model %d/%d epoch %d/%d", model, round, p + 1, k,
							epoch + 1, hm.epochs), epoch, order.length,
							(from, count) -> augmented.trainingBatch(order, (int) Seeds.mix(helperSeed, ep), from, count),
							b -> Seeds.mix(helperSeed, ep, b), 0, 0, 0, 0, null);
					progress.end("");
				}
				int[] judged = IntStream.range(0, set.size()).filter(c -> part[c] != q).toArray();
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
		say.accept(String.format(Locale.ROOT, "%s hard mining round %d: %d split models judged %d negatives", model, round, k,
				negatives.length));
		return scores;
	}
}
