package org.nodulab.eval.froc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bootstrap confidence bands of a FROC curve as the official script computes them: resample the
 * scans with replacement, compute each resample's FROC curve, read it at every point of an FP-rate
 * grid ({@code numpy.linspace(0.125, 8, 10000)}) into float32, then per grid point the mean
 * (numpy's float32 pairwise sum over the sorted values) and the order statistics at
 * {@code floor(0.025 n)} and {@code floor(0.975 n)}. A resample without a detected nodule gives NaN,
 * which propagates into the mean. Resamples come from a seed (numpy's legacy generator, so the same
 * seed draws the same scans as the script) or are replayed from a file of indices.
 */
public final class FrocBootstrap {

	/** Points of the FP-rate grid in the official bootstrapping file. */
	public static final int GRID_POINTS = 10000;

	private final double[] grid;
	private final float[] mean;
	private final float[] lower;
	private final float[] upper;
	private final int resamples;

	private FrocBootstrap(double[] grid, float[] mean, float[] lower, float[] upper, int resamples) {
		this.grid = grid;
		this.mean = mean;
		this.lower = lower;
		this.upper = upper;
		this.resamples = resamples;
	}

	/** {@code numpy.linspace(start, stop, num)}. */
	public static double[] linspace(double start, double stop, int num) {
		double[] y = new double[num];
		double step = (stop - start) / (num - 1);
		for (int i = 0; i < num; i++) {
			y[i] = i * step + start;
		}
		y[num - 1] = stop;
		return y;
	}

	/** {@code count} resamples of {@code scans} scan indices, as {@code numpy.random.seed(seed)} then
	 * {@code randint(scans, size=scans)} per resample. */
	public static List<int[]> resamples(long seed, int count, int scans) {
		NumpyRandom random = new NumpyRandom(seed);
		List<int[]> out = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			out.add(random.randint(scans, scans));
		}
		return out;
	}

	/**
	 * Reads resampling indices: one resample per line, comma-separated 0-based indices into the series
	 * list (the format of the reference run's {@code bootstrap_indices_seed12345.txt}).
	 */
	public static List<int[]> readResamples(Path file, int scans) throws IOException {
		List<String> lines;
		try {
			// text of that size as Java strings, before reading it
			org.nodulab.core.io.MemoryBudget.require(file, "the bootstrap index file", org.nodulab.core.io.MemoryBudget.times(Files.size(file), 4));
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		} catch (NoSuchFileException e) {
			throw new IOException(file + ": file does not exist", e);
		} catch (java.nio.charset.CharacterCodingException e) {
			throw new IOException(file + ": not UTF-8 text (" + e.getClass().getSimpleName() + ")", e);
		}
		List<int[]> out = new ArrayList<>();
		for (int n = 0; n < lines.size(); n++) {
			String line = lines.get(n).trim();
			if (line.isEmpty()) {
				continue;
			}
			String[] parts = line.split(",");
			if (parts.length != scans) {
				throw new IOException(file + ":" + (n + 1) + ": expected " + scans + " indices (one per listed scan), got "
						+ parts.length);
			}
			int[] indices = new int[scans];
			for (int i = 0; i < scans; i++) {
				try {
					indices[i] = Integer.parseInt(parts[i].trim());
				} catch (NumberFormatException e) {
					throw new IOException(file + ":" + (n + 1) + ": index " + (i + 1) + " is not a whole number: '" + parts[i] + "'");
				}
				if (indices[i] < 0 || indices[i] >= scans) {
					throw new IOException(file + ":" + (n + 1) + ": index " + indices[i] + " outside 0.." + (scans - 1));
				}
			}
			out.add(indices);
		}
		if (out.isEmpty()) {
			throw new IOException(file + ": no resamples");
		}
		return out;
	}

	/** Runs the bootstrap over the given resamples. */
	public static FrocBootstrap run(FrocEntries entries, int scans, List<int[]> resamples, double confidence) {
		FrocCurve.Sorted sorted = new FrocCurve.Sorted(entries);
		double[] grid = linspace(0.125, 8, GRID_POINTS);
		int n = resamples.size();
		// one row per resample, written front to back; the per-point columns are gathered from them in blocks of
		// 16 points (a cache line of each row) rather than written one float per row into 10,000 column arrays
		// one array (allocated where the collector never copies it) rather than 1,000 rows it would move
		long cells = (long) n * GRID_POINTS;
		if (cells > Integer.MAX_VALUE - 8 || cells * Float.BYTES > org.nodulab.core.io.MemoryBudget.available()) {
			throw new IllegalArgumentException(n + " bootstrap resamples need " + (cells * Float.BYTES >> 20)
					+ " MiB for their curves on the " + GRID_POINTS + "-point grid; the JVM can give "
					+ (org.nodulab.core.io.MemoryBudget.available() >> 20) + " MiB (use fewer resamples or a larger NODULAB_HEAP)");
		}
		float[] rows = new float[(int) cells];
		int weights = Math.max(scans, sorted.scanAll.length);
		// resamples are independent and each writes its own row: split over the cores, same bits
		org.nodulab.core.concurrent.Parallel.ranges(n, (from, to) -> {
			int[] weight = new int[weights];
			double[] read = new double[GRID_POINTS];
			FrocCurve.Sorted.Scratch scratch = new FrocCurve.Sorted.Scratch(sorted.groupProbability.length);
			for (int b = from; b < to; b++) {
				Arrays.fill(weight, 0);
				for (int index : resamples.get(b)) {
					weight[index]++;
				}
				FrocCurve curve = sorted.curve(weight, scans, scratch);
				FrocCurve.interpAscending(grid, curve.fpsView(), curve.sensitivityView(), read);
				int at = b * GRID_POINTS;
				for (int g = 0; g < GRID_POINTS; g++) {
					rows[at + g] = (float) read[g];
				}
			}
		});
		double pz = (1.0 - confidence) / 2.0;
		int lowerIndex = (int) Math.floor(pz * n);
		int upperIndex = (int) Math.floor((1.0 - pz) * n);
		float[] mean = new float[GRID_POINTS];
		float[] lower = new float[GRID_POINTS];
		float[] upper = new float[GRID_POINTS];
		int block = 16;
		int blocks = (GRID_POINTS + block - 1) / block;
		org.nodulab.core.concurrent.Parallel.ranges(blocks, (from, to) -> {
			float[][] columns = new float[block][n];
			for (int k = from; k < to; k++) {
				int g0 = k * block;
				int width = Math.min(block, GRID_POINTS - g0);
				for (int b = 0; b < n; b++) {
					int at = b * GRID_POINTS + g0;
					for (int j = 0; j < width; j++) {
						columns[j][b] = rows[at + j];
					}
				}
				for (int j = 0; j < width; j++) {
					float[] v = columns[j];
					Arrays.sort(v); // NaN last, as numpy sorts
					mean[g0 + j] = pairwiseSum(v, 0, n) / n;
					lower[g0 + j] = v[Math.min(lowerIndex, n - 1)];
					upper[g0 + j] = v[Math.min(upperIndex, n - 1)];
				}
			}
		});
		return new FrocBootstrap(grid, mean, lower, upper, n);
	}

	/** numpy's float32 pairwise summation (blocks of 128, 8 accumulators), so means match to the last bit. */
	static float pairwiseSum(float[] a, int from, int n) {
		if (n < 8) {
			float res = 0f;
			for (int i = 0; i < n; i++) {
				res += a[from + i];
			}
			return res;
		}
		if (n <= 128) {
			float r0 = a[from], r1 = a[from + 1], r2 = a[from + 2], r3 = a[from + 3];
			float r4 = a[from + 4], r5 = a[from + 5], r6 = a[from + 6], r7 = a[from + 7];
			int i;
			for (i = 8; i < n - (n % 8); i += 8) {
				r0 += a[from + i];
				r1 += a[from + i + 1];
				r2 += a[from + i + 2];
				r3 += a[from + i + 3];
				r4 += a[from + i + 4];
				r5 += a[from + i + 5];
				r6 += a[from + i + 6];
				r7 += a[from + i + 7];
			}
			float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
			for (; i < n; i++) {
				res += a[from + i];
			}
			return res;
		}
		int n2 = n / 2;
		n2 -= n2 % 8;
		return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
	}

	public double[] grid() {
		return grid.clone();
	}

	public float[] mean() {
		return mean.clone();
	}

	public float[] lower() {
		return lower.clone();
	}

	public float[] upper() {
		return upper.clone();
	}

	public int resampleCount() {
		return resamples;
	}

	/** Index of the grid point nearest to an FP rate. */
	public int gridIndex(double rate) {
		int i = Arrays.binarySearch(grid, rate);
		if (i >= 0) {
			return i;
		}
		int ins = -i - 1;
		if (ins == 0) {
			return 0;
		}
		if (ins >= grid.length) {
			return grid.length - 1;
		}
		return rate - grid[ins - 1] <= grid[ins] - rate ? ins - 1 : ins;
	}
}
