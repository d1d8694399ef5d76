package org.nodulab.train;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.nodulab.core.experiment.SamplingSettings;

/**
 * Which (candidate, augmentation variant) pairs an epoch trains on, in which order. Positives and
 * negatives each form a pool of (candidate, variant) entries, the candidate repeated by its class's
 * augmentation factor; hard-mined candidates are added to the pools again. An epoch holds
 * {@code epochSize x negatives} samples: with oversampling half from each pool, each pool walked in
 * a fresh seeded permutation (restarted when used up), otherwise the pools together. The plan of an
 * epoch depends only on the seed and the epoch, so a resumed run repeats it.
 */
public final class SamplePlan {

	private final int[] positives;
	private final int[] negatives;
	private final int positiveFactor;
	private final int negativeFactor;
	private final SamplingSettings settings;
	private final int negativeCandidates;
	private final long seed;

	/**
	 * @param positives candidate indices of positives (hard-mined ones may repeat)
	 * @param negatives candidate indices of negatives (hard-mined ones may repeat)
	 * @param negativeCandidates distinct negative candidates, which set the epoch size
	 */
	public SamplePlan(int[] positives, int[] negatives, int negativeCandidates, SamplingSettings settings, long seed) {
		if (positives.length == 0 || negatives.length == 0) {
			throw new IllegalArgumentException("training needs positive and negative candidates, got " + positives.length
					+ " positive and " + negatives.length + " negative");
		}
		this.positives = positives.clone();
		this.negatives = negatives.clone();
		this.positiveFactor = settings.positiveFactor;
		this.negativeFactor = settings.negativeFactor;
		this.settings = settings;
		this.negativeCandidates = negativeCandidates;
		this.seed = seed;
	}

	/** Samples per epoch (at least one). */
	public int size() {
		return (int) Math.max(1, Math.round(settings.epochSize * negativeCandidates));
	}

	public int positivePool() {
		return positives.length * positiveFactor;
	}

	public int negativePool() {
		return negatives.length * negativeFactor;
	}

	/** Entry of the plan: candidate index in the high 32 bits, variant in the low 32 bits. */
	public static int candidate(long entry) {
		return (int) (entry >>> 32);
	}

	public static int variant(long entry) {
		return (int) entry;
	}

	/** The epoch's entries, in training order. */
	public long[] epoch(int epoch) {
		SplittableRandom random = new SplittableRandom(Seeds.mix(seed, 0x5A4D, epoch));
		int n = size();
		long[] out = new long[n];
		if (settings.balance == SamplingSettings.Balance.OVERSAMPLE) {
			int pos = n / 2;
			fill(out, 0, pos, positivePool(), false, random);
			fill(out, pos, n - pos, negativePool(), true, random);
		} else {
			int pool = positivePool() + negativePool();
			int[] perm = permutation(pool, random);
			for (int i = 0, k = 0; i < n; i++, k++) {
				if (k == pool) {
					perm = permutation(pool, random);
					k = 0;
				}
				int p = perm[k];
				out[i] = p < positivePool() ? entry(p, false) : entry(p - positivePool(), true);
			}
		}
		// interleave the classes
		for (int i = n - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			long t = out[i];
			out[i] = out[j];
			out[j] = t;
		}
		return out;
	}

	private void fill(long[] out, int from, int count, int pool, boolean negative, SplittableRandom random) {
		int[] perm = permutation(pool, random);
		for (int i = 0, k = 0; i < count; i++, k++) {
			if (k == pool) {
				perm = permutation(pool, random);
				k = 0;
			}
			out[from + i] = entry(perm[k], negative);
		}
	}

	private long entry(int poolIndex, boolean negative) {
		int factor = negative ? negativeFactor : positiveFactor;
		int candidate = (negative ? negatives : positives)[poolIndex / factor];
		int variant = poolIndex % factor;
		return ((long) candidate << 32) | (variant & 0xFFFFFFFFL);
	}

	private static int[] permutation(int n, SplittableRandom random) {
		int[] p = new int[n];
		Arrays.setAll(p, i -> i);
		for (int i = n - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = p[i];
			p[i] = p[j];
			p[j] = t;
		}
		return p;
	}
}
