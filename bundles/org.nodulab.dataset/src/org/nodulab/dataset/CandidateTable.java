package org.nodulab.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.nodulab.luna16.Prediction;
import org.nodulab.luna16.Formats;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.luna16.Luna16Csv.CsvException;

/**
 * The rows of a candidate file (LUNA16's {@code candidates.csv} / {@code candidates_V2.csv}, or any
 * detector's output with {@code probability} and/or {@code class}) in columns of primitive arrays,
 * grouped by scan. Read streaming: 754,975 rows of candidates_V2 take about 30 MB here, whatever the
 * length of the seriesuids.
 */
public final class CandidateTable {

	private final Path file;
	private final List<String> uids;
	private final Map<String, Integer> scanIndex;
	private final int size;
	private final int[] scan;
	private final double[] x;
	private final double[] y;
	private final double[] z;
	private final double[] probability;
	private final byte[] label;
	private final boolean[] excluded;
	private final int[] line;
	/** Row indices grouped by scan, in file order within a scan; scan s owns order[start[s]..start[s+1]). */
	private final int[] order;
	private final int[] start;
	private final boolean hasLabels;
	private final boolean hasProbabilities;
	private final boolean hasExcluded;

	private CandidateTable(Path file, Builder b) {
		this.file = file;
		this.uids = Collections.unmodifiableList(b.uids);
		this.scanIndex = b.scanIndex;
		this.size = b.size;
		this.scan = Arrays.copyOf(b.scan, size);
		this.x = Arrays.copyOf(b.x, size);
		this.y = Arrays.copyOf(b.y, size);
		this.z = Arrays.copyOf(b.z, size);
		this.probability = Arrays.copyOf(b.probability, size);
		this.label = Arrays.copyOf(b.label, size);
		this.excluded = Arrays.copyOf(b.excluded, size);
		this.hasExcluded = b.hasExcluded;
		this.line = Arrays.copyOf(b.line, size);
		this.hasLabels = b.hasLabels;
		this.hasProbabilities = b.hasProbabilities;
		int scans = uids.size();
		start = new int[scans + 1];
		for (int i = 0; i < size; i++) {
			start[scan[i] + 1]++;
		}
		for (int s = 0; s < scans; s++) {
			start[s + 1] += start[s];
		}
		order = new int[size];
		int[] next = Arrays.copyOf(start, scans);
		for (int i = 0; i < size; i++) {
			order[next[scan[i]]++] = i;
		}
	}

	/**
	 * Reads a candidate file.
	 *
	 * @param knownScan accepts the seriesuids that may appear (null: any); a row with another one is an
	 *            error naming the file and line
	 * @param unknownHint what to say about an unknown seriesuid (where the known ones come from)
	 */
	public static CandidateTable read(Path file, Predicate<String> knownScan, String unknownHint) throws IOException {
		Builder b = new Builder();
		Luna16Csv.streamCandidates(file, false, (line, uid, cx, cy, cz, p, l, ex) -> {
			if (knownScan != null && !b.scanIndex.containsKey(uid) && !knownScan.test(uid)) {
				throw new CsvException(file, line, "unknown seriesuid '" + uid + "'" + (unknownHint == null ? "" : ": " + unknownHint));
			}
			b.add(uid, cx, cy, cz, p, l, ex, line);
		});
		CandidateTable table = new CandidateTable(file, b);
		table.checkDuplicates();
		return table;
	}

	/**
	 * Builds a table in memory (labelled candidates, training candidates with annotation positives): rows
	 * in the order added, {@code file} the file they come from (for messages and provenance).
	 */
	public static Builder builder() {
		return new Builder();
	}

	/** Two rows with the same seriesuid and position are an error naming both lines. */
	private void checkDuplicates() throws CsvException {
		for (int s = 0; s < uids.size(); s++) {
			Integer[] rows = new Integer[start[s + 1] - start[s]];
			for (int k = 0; k < rows.length; k++) {
				rows[k] = order[start[s] + k];
			}
			Arrays.sort(rows, (a, b) -> {
				int c = Double.compare(x[a], x[b]);
				c = c != 0 ? c : Double.compare(y[a], y[b]);
				c = c != 0 ? c : Double.compare(z[a], z[b]);
				return c != 0 ? c : Integer.compare(line[a], line[b]);
			});
			for (int k = 1; k < rows.length; k++) {
				int a = rows[k - 1];
				int b = rows[k];
				if (x[a] == x[b] && y[a] == y[b] && z[a] == z[b]) {
					throw new CsvException(file, line[b], "duplicate candidate (same seriesuid and position as line " + line[a] + ")");
				}
			}
		}
	}

	public Path file() {
		return file;
	}

	/** Number of rows. */
	public int size() {
		return size;
	}

	/** The seriesuids that have candidates, in order of first appearance. */
	public List<String> scans() {
		return uids;
	}

	/** The rows of a scan in file order (empty when it has none). */
	public int[] rowsOf(String uid) {
		Integer s = scanIndex.get(uid);
		return s == null ? new int[0] : Arrays.copyOfRange(order, start[s], start[s + 1]);
	}

	public String uid(int row) {
		return uids.get(scan[row]);
	}

	public double x(int row) {
		return x[row];
	}

	public double y(int row) {
		return y[row];
	}

	public double z(int row) {
		return z[row];
	}

	/** World position (mm). */
	public double[] position(int row) {
		return new double[] { x[row], y[row], z[row] };
	}

	/** 1 nodule, 0 not, {@link Prediction#UNKNOWN} without a class column. */
	public int label(int row) {
		return label[row];
	}

	/** The detector's probability, NaN without a probability column. */
	public double probability(int row) {
		return probability[row];
	}

	/** Line of the row in the file. */
	public int line(int row) {
		return line[row];
	}

	public boolean hasLabels() {
		return hasLabels;
	}

	public boolean hasProbabilities() {
		return hasProbabilities;
	}

	/** Whether the file has Nodulab's {@code excluded} column. */
	public boolean hasExcluded() {
		return hasExcluded;
	}

	/** Whether the row hits only a finding of annotations_excluded.csv (see {@link Luna16Csv#EXCLUDED}). */
	public boolean excluded(int row) {
		return excluded[row];
	}

	/** Rows labelled 1. */
	public int positives() {
		int n = 0;
		for (byte l : label) {
			n += l == 1 ? 1 : 0;
		}
		return n;
	}

	/** A row as a prediction with the given probability (e.g. a model's score). */
	public Prediction prediction(int row, double score) {
		return new Prediction(uid(row), x[row], y[row], z[row], score, label[row]);
	}

	/**
	 * Writes some rows as a candidate file with this file's columns ({@code probability} and/or
	 * {@code class}), atomically; an existing file is never replaced.
	 */
	public void write(Path target, int[] rows) throws IOException {
		org.nodulab.core.io.AtomicFiles.create(target, out -> {
			java.io.Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8));
			w.write("seriesuid,coordX,coordY,coordZ" + (hasProbabilities ? ",probability" : "") + (hasLabels ? ",class" : "")
					+ (hasExcluded ? "," + Luna16Csv.EXCLUDED : "") + "\n");
			for (int r : rows) {
				w.write(uid(r) + "," + Formats.shortest(x[r]) + "," + Formats.shortest(y[r]) + "," + Formats.shortest(z[r])
						+ (hasProbabilities ? "," + Formats.shortest(probability[r]) : "") + (hasLabels ? "," + label[r] : "")
						+ (hasExcluded ? (excluded[r] ? ",1" : ",0") : "") + "\n");
			}
			w.flush();
		});
	}

	/** Rows of a table built in memory. */
	public static final class Builder {
		final List<String> uids = new ArrayList<>();
		final Map<String, Integer> scanIndex = new HashMap<>();
		int size;
		int[] scan = new int[1024];
		double[] x = new double[1024];
		double[] y = new double[1024];
		double[] z = new double[1024];
		double[] probability = new double[1024];
		byte[] label = new byte[1024];
		boolean[] excluded = new boolean[1024];
		int[] line = new int[1024];
		boolean hasLabels;
		boolean hasProbabilities;
		boolean hasExcluded;

		private Builder() {
		}

		/**
		 * Adds a row.
		 *
		 * @param p the detector's probability, NaN for none
		 * @param l 0, 1 or {@link Prediction#UNKNOWN}
		 * @param ex hits only an excluded finding (then also marks the table as having the column)
		 * @param at the row's line in its source file (0 for none)
		 */
		public Builder add(String uid, double cx, double cy, double cz, double p, int l, boolean ex, long at) {
			Integer s = scanIndex.get(uid);
			if (s == null) {
				s = uids.size();
				uids.add(uid);
				scanIndex.put(uid, s);
			}
			add(s, cx, cy, cz, p, l, at);
			excluded[size - 1] = ex;
			hasExcluded |= ex;
			return this;
		}

		/** Copies row {@code r} of {@code t}, with another label and excluded mark. */
		public Builder add(CandidateTable t, int r, int l, boolean ex) {
			return add(t.uid(r), t.x(r), t.y(r), t.z(r), t.probability(r), l, ex, t.line(r));
		}

		/** Declares the excluded column present (written by {@link #write}) even when no row is excluded. */
		public Builder withExcludedColumn() {
			hasExcluded = true;
			return this;
		}

		/** The table; {@code file} names where the rows come from. */
		public CandidateTable build(Path file) {
			return new CandidateTable(file, this);
		}

		void add(int s, double cx, double cy, double cz, double p, int l, long at) {
			if (size == scan.length) {
				int n = size + (size >> 1);
				scan = Arrays.copyOf(scan, n);
				x = Arrays.copyOf(x, n);
				y = Arrays.copyOf(y, n);
				z = Arrays.copyOf(z, n);
				probability = Arrays.copyOf(probability, n);
				label = Arrays.copyOf(label, n);
				excluded = Arrays.copyOf(excluded, n);
				line = Arrays.copyOf(line, n);
			}
			scan[size] = s;
			x[size] = cx;
			y[size] = cy;
			z[size] = cz;
			probability[size] = p;
			label[size] = (byte) l;
			line[size] = (int) Math.min(Integer.MAX_VALUE, at);
			excluded[size] = false;
			hasLabels |= l != Prediction.UNKNOWN;
			hasProbabilities |= !Double.isNaN(p);
			size++;
		}
	}
}
