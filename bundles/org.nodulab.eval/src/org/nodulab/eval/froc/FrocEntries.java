package org.nodulab.eval.froc;

/**
 * The FROC vectors of an analysis, as the official script builds them: one entry per included nodule
 * (hit: its highest mark probability; missed: excluded from the ROC) and one per false-positive mark,
 * each tagged with its scan. Immutable.
 */
public final class FrocEntries {

	private final int[] scan;
	private final boolean[] positive;
	private final double[] probability;
	private final boolean[] excluded;

	FrocEntries(int[] scan, boolean[] positive, double[] probability, boolean[] excluded) {
		this.scan = scan;
		this.positive = positive;
		this.probability = probability;
		this.excluded = excluded;
	}

	public int size() {
		return scan.length;
	}

	/** Index of the entry's scan in the series list. */
	public int scan(int i) {
		return scan[i];
	}

	/** 1 in the official FROCGTList: a nodule (hit or missed). */
	public boolean positive(int i) {
		return positive[i];
	}

	/** The FROCProbList value; -1e9 for a missed nodule. */
	public double probability(int i) {
		return probability[i];
	}

	/** The excludeList value: true for a missed nodule (not part of the ROC). */
	public boolean excluded(int i) {
		return excluded[i];
	}
}
