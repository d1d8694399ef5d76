package org.nodulab.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;

/**
 * The candidates of some scans (a split), with their labels and, for positives, the annotated nodule
 * they lie in (centre and diameter: what random mask needs).
 */
public final class CandidateSet {

	private final CandidateTable table;
	private final int[] rows;
	private final List<String> scans;
	private final double[] noduleDiameter;
	private final double[][] noduleCentre;

	private CandidateSet(CandidateTable table, int[] rows, List<String> scans, double[] diameter, double[][] centre) {
		this.table = table;
		this.rows = rows;
		this.scans = scans;
		this.noduleDiameter = diameter;
		this.noduleCentre = centre;
	}

	/** The rows of {@code table} on the given scans, in file order; scans keep the given order. */
	public static CandidateSet of(Luna16Dataset dataset, CandidateTable table, Collection<String> scanUids) {
		Set<String> wanted = new HashSet<>(scanUids);
		List<Integer> list = new ArrayList<>();
		for (int r = 0; r < table.size(); r++) {
			if (wanted.contains(table.uid(r))) {
				list.add(r);
			}
		}
		int[] rows = list.stream().mapToInt(Integer::intValue).toArray();
		double[] diameter = new double[rows.length];
		double[][] centre = new double[rows.length][];
		for (int i = 0; i < rows.length; i++) {
			diameter[i] = Double.NaN;
			if (table.hasLabels() && table.label(rows[i]) == 1) {
				double best = Double.POSITIVE_INFINITY;
				double[] p = table.position(rows[i]);
				for (Annotation a : dataset.annotationsOf(table.uid(rows[i]))) {
					double d = Math.sqrt(sq(a.x() - p[0]) + sq(a.y() - p[1]) + sq(a.z() - p[2]));
					if (d <= Math.max(a.diameter() / 2, 1e-9) && d < best) {
						best = d;
						diameter[i] = a.diameter();
						centre[i] = new double[] { a.x(), a.y(), a.z() };
					}
				}
			}
		}
		return new CandidateSet(table, rows, List.copyOf(new LinkedHashSet<>(scanUids)), diameter, centre);
	}

	/** Every row of a table without labels (a detector's candidates on a scan outside any dataset), scans in table order. */
	public static CandidateSet unlabelled(CandidateTable table) {
		int[] rows = java.util.stream.IntStream.range(0, table.size()).toArray();
		double[] diameter = new double[rows.length];
		java.util.Arrays.fill(diameter, Double.NaN);
		return new CandidateSet(table, rows, table.scans(), diameter, new double[rows.length][]);
	}

	private static double sq(double v) {
		return v * v;
	}

	/** The same candidates restricted to some of its indices (in the given order). */
	public CandidateSet subset(int[] indices) {
		int[] r = new int[indices.length];
		double[] d = new double[indices.length];
		double[][] c = new double[indices.length][];
		for (int i = 0; i < indices.length; i++) {
			r[i] = rows[indices[i]];
			d[i] = noduleDiameter[indices[i]];
			c[i] = noduleCentre[indices[i]];
		}
		return new CandidateSet(table, r, scans, d, c);
	}

	public CandidateTable table() {
		return table;
	}

	public int size() {
		return rows.length;
	}

	/** The scans of the split (also those without candidates), as the FROC needs them. */
	public List<String> scans() {
		return scans;
	}

	public int row(int i) {
		return rows[i];
	}

	public String uid(int i) {
		return table.uid(rows[i]);
	}

	public double[] position(int i) {
		return table.position(rows[i]);
	}

	/** 1 for a nodule, 0 otherwise; -1 when the file has no labels. */
	public int label(int i) {
		return table.hasLabels() ? table.label(rows[i]) : -1;
	}

	/** Whether the candidate hits only an excluded finding (a labelled detector's output; LUNA16 ignores it). */
	public boolean excluded(int i) {
		return table.excluded(rows[i]);
	}

	/** Diameter (mm) of the annotated nodule a positive lies in, NaN when there is none. */
	public double noduleDiameter(int i) {
		return noduleDiameter[i];
	}

	/** Centre (world mm) of that nodule, null when there is none. */
	public double[] noduleCentre(int i) {
		return noduleCentre[i] == null ? null : noduleCentre[i].clone();
	}

	/** Indices whose label is {@code label}. */
	public int[] withLabel(int label) {
		return java.util.stream.IntStream.range(0, rows.length).filter(i -> label(i) == label).toArray();
	}

	/** Predictions in LUNA16 submission form for these candidates. */
	public List<Prediction> predictions(float[] scores) {
		double[] wide = new double[scores.length];
		for (int i = 0; i < scores.length; i++) {
			wide[i] = scores[i];
		}
		return predictions(wide);
	}

	/** Predictions in LUNA16 submission form for these candidates. */
	public List<Prediction> predictions(double[] scores) {
		if (scores.length != rows.length) {
			throw new IllegalArgumentException("expected " + rows.length + " scores, got " + scores.length);
		}
		List<Prediction> out = new ArrayList<>(rows.length);
		for (int i = 0; i < rows.length; i++) {
			out.add(table.prediction(rows[i], scores[i]));
		}
		return out;
	}
}
