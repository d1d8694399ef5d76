package org.nodulab.detect.supplier.blob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.nodulab.core.concurrent.Parallel;
import org.nodulab.core.io.MemoryBudget;
import org.nodulab.detect.Detection;
import org.nodulab.detect.DetectionException;
import org.nodulab.detect.DetectionResult;
import org.nodulab.detect.Detector;
import org.nodulab.preprocess.FloatVolume;
import org.nodulab.preprocess.LungSegmentation;
import org.nodulab.preprocess.Resampler;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * A classical candidate generator, the kind LUNA16's candidate lists came from:
 * <ol>
 * <li>the scan is resampled to an isotropic grid ({@code spacing} mm) and clipped at {@code clampHu};</li>
 * <li>the lungs are segmented on a 2 mm grid ({@link LungSegmentation}) and the mask grown by
 * {@code lungMargin} mm; a scan without lungs is refused;</li>
 * <li>a Gaussian scale space with two levels per octave covers the diameters asked for; each difference of
 * adjacent levels (an approximation of the scale-normalised Laplacian of Gaussian, positive on bright
 * blobs) is searched for local maxima in the lung mask above {@code minResponse}; a ball of radius r
 * responds most at sigma = r / sqrt(3), which gives each maximum its diameter;</li>
 * <li>each maximum's response is multiplied by its roundness (weakest over strongest curvature of the
 * Hessian at its scale) to the power {@code roundnessWeight}: vessels are round in one plane only;</li>
 * <li>maxima are taken strongest first, each absorbing the weaker ones within its radius (at least
 * {@code mergeDistance}), until {@code maxCandidates} are kept.</li>
 * </ol>
 * The result depends only on the volume and the settings: every voxel is computed in the same order
 * whatever the number of threads and ties are broken by position.
 */
public final class BlobDetector implements Detector<BlobSettings> {

	/** Grid of the lung segmentation (mm). */
	static final double LUNG_GRID = 2.0;

	/** A local maximum of one difference-of-Gaussian level. */
	record Maximum(int index, int level, float response, float roundness, double score, double dx, double dy, double dz) {
	}

	@Override
	public DetectionResult detect(Volume volume, BlobSettings s) throws DetectionException {
		long start = System.nanoTime();
		VolumeGeometry source = volume.geometry();
		double h = s.spacing;
		VolumeGeometry grid = Resampler.resampledGeometry(source, new double[] { h, h, h });
		int nx = grid.size(0);
		int ny = grid.size(1);
		int nz = grid.size(2);
		long n = grid.voxelCount();
		if (nx < 3 || ny < 3 || nz < 3) {
			throw new DetectionException("the scan is too small to search: " + nx + " x " + ny + " x " + nz + " voxels of "
					+ h + " mm (at least 3 along each axis)");
		}
		// three float volumes and the lung mask on the grid, the lung segmentation on its coarser grid
		long segmentation = Resampler.resampledGeometry(source, new double[] { LUNG_GRID, LUNG_GRID, LUNG_GRID }).voxelCount() * 15;
		long need = n > Integer.MAX_VALUE - 16 ? -1 : MemoryBudget.times(n, 13) + segmentation;
		if (need < 0 || need > MemoryBudget.available()) {
			System.gc();
			if (need < 0 || need > MemoryBudget.available()) {
				throw new DetectionException(String.format(Locale.ROOT,
						"searching this scan on a %d x %d x %d grid of %s mm voxels needs %d MiB, more than this JVM can give now"
								+ " (%d MiB; NODULAB_HEAP / -Xmx sets it, a coarser -o spacing=... needs less): refused before allocating",
						nx, ny, nz, h, need < 0 ? Long.MAX_VALUE >> 20 : need >> 20, MemoryBudget.available() >> 20));
			}
		}
		int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
		ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
			Thread t = new Thread(r, "blob-detector");
			t.setDaemon(true);
			return t;
		});
		try {
			Map<String, String> facts = new LinkedHashMap<>();
			long t0 = System.nanoTime();
			LungSegmentation.Result lungs = segmentLungs(volume, s);
			byte[] lung = onGrid(lungs, grid, s.lungMargin);
			facts.put("lungs", String.format(Locale.ROOT, "%d component%s, %.0f ml", lungs.components(),
					lungs.components() == 1 ? "" : "s", lungs.volumeMl()));
			facts.put("lung mask", seconds(t0));

			long t1 = System.nanoTime();
			float[] a = Resampler.resample(volume, new double[] { h, h, h }).values();
			float clamp = (float) s.clampHu;
			Parallel.ranges(nz, pool, (from, to) -> {
				for (int i = from * nx * ny, end = to * nx * ny; i < end; i++) {
					a[i] = Math.min(a[i], clamp);
				}
			});
			facts.put("grid", String.format(Locale.ROOT, "%d x %d x %d voxels of %s mm", nx, ny, nz, h));
			facts.put("resampling", seconds(t1));

			long t2 = System.nanoTime();
			double sigmaMin = s.minDiameter / (2 * Math.sqrt(3)) / Math.pow(2, 0.25);
			int levels = (int) Math.ceil(2 * Math.log(s.maxDiameter / s.minDiameter) / Math.log(2)) + 1; // DoG levels
			float[] b = new float[(int) n];
			float[] c = new float[(int) n];
			Gaussian.smooth(a, b, c, nx, ny, nz, sigmaMin / h, pool); // b = G0; a and c are free
			float[] current = b;
			float[] next = a;
			float[] scratch = c;
			List<Maximum> maxima = new ArrayList<>();
			for (int k = 0; k < levels; k++) {
				double sigma = sigmaMin * Math.pow(2, k / 2.0);
				Gaussian.smooth(current, next, scratch, nx, ny, nz, sigma / h, pool); // G_{k+1} = G_k * G(sigma_k)
				maxima.addAll(maxima(current, next, lung, nx, ny, nz, k, s, pool));
				float[] t = current;
				current = next;
				next = t;
			}
			facts.put("scale space", String.format(Locale.ROOT, "%d levels, diameters %.1f-%.1f mm, %d maxima", levels,
					diameter(sigmaMin, 0), diameter(sigmaMin, levels - 1), maxima.size()));
			facts.put("filtering", seconds(t2));

			List<Detection> detections = merge(maxima, grid, sigmaMin, s);
			facts.put("candidates", Integer.toString(detections.size()));
			facts.put("total", seconds(start));
			return new DetectionResult(detections, facts);
		} finally {
			pool.shutdownNow();
		}
	}

	/** The lungs segmented on a {@link #LUNG_GRID} mm grid; refuses a scan in which none are found. */
	static LungSegmentation.Result segmentLungs(Volume volume, BlobSettings s) throws DetectionException {
		FloatVolume coarse = Resampler.resample(volume, new double[] { LUNG_GRID, LUNG_GRID, LUNG_GRID });
		float[] v = coarse.values();
		short[] hu = new short[v.length];
		for (int i = 0; i < v.length; i++) {
			hu[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v[i])));
		}
		LungSegmentation.Settings defaults = LungSegmentation.Settings.defaults();
		LungSegmentation.Result result = LungSegmentation.segment(new Volume(coarse.geometry(), hu),
				new LungSegmentation.Settings(s.lungThresholdHu, defaults.minComponentMl(), defaults.maxComponents(),
						defaults.closingMm()));
		if (result.components() == 0 || result.volumeMl() <= 0) {
			throw new DetectionException(String.format(Locale.ROOT,
					"no lung found: no air region of %.0f ml or more below %.0f HU lies inside the body (is this a chest CT in HU?)",
					defaults.minComponentMl(), s.lungThresholdHu));
		}
		return result;
	}

	/** The lung mask grown by {@code margin} mm, looked up for every voxel of the detection grid. */
	static byte[] onGrid(LungSegmentation.Result lungs, VolumeGeometry grid, double margin) {
		byte[] coarse = lungs.mask().dilated(margin).values();
		VolumeGeometry g = lungs.mask().geometry();
		int[] mx = lookup(grid.size(0), grid.spacing()[0], g.size(0), g.spacing()[0]);
		int[] my = lookup(grid.size(1), grid.spacing()[1], g.size(1), g.spacing()[1]);
		int[] mz = lookup(grid.size(2), grid.spacing()[2], g.size(2), g.spacing()[2]);
		int nx = grid.size(0);
		int ny = grid.size(1);
		int gx = g.size(0);
		int gy = g.size(1);
		byte[] mask = new byte[(int) grid.voxelCount()];
		for (int z = 0; z < mz.length; z++) {
			for (int y = 0; y < ny; y++) {
				int row = (z * ny + y) * nx;
				int coarseRow = (mz[z] * gy + my[y]) * gx;
				for (int x = 0; x < nx; x++) {
					mask[row + x] = coarse[coarseRow + mx[x]];
				}
			}
		}
		return mask;
	}

	/** The nearest coarse index of each fine index along one axis (both grids start at the same origin). */
	private static int[] lookup(int fine, double fineSpacing, int coarse, double coarseSpacing) {
		int[] m = new int[fine];
		for (int i = 0; i < fine; i++) {
			m[i] = (int) Math.max(0, Math.min(coarse - 1, Math.round(i * fineSpacing / coarseSpacing)));
		}
		return m;
	}

	/** Diameter (mm) of the ball that responds most at DoG level k. */
	static double diameter(double sigmaMin, int k) {
		return 2 * Math.sqrt(3) * sigmaMin * Math.pow(2, k / 2.0) * Math.pow(2, 0.25);
	}

	/**
	 * The local maxima of {@code g0 - g1} (over the 26 neighbours) in the mask above the threshold, with
	 * their roundness from the Hessian of the mean of both levels and a sub-voxel offset from a parabola
	 * through each axis. In the order of their voxel index.
	 */
	static List<Maximum> maxima(float[] g0, float[] g1, byte[] lung, int nx, int ny, int nz, int level, BlobSettings s,
			ExecutorService pool) {
		int plane = nx * ny;
		float threshold = (float) s.minResponse;
		@SuppressWarnings("unchecked")
		List<Maximum>[] perSlice = new List[nz];
		Parallel.ranges(nz - 2, pool, (from, to) -> {
			for (int z = from + 1; z < to + 1; z++) {
				List<Maximum> found = new ArrayList<>();
				for (int y = 1; y < ny - 1; y++) {
					int row = z * plane + y * nx;
					for (int x = 1; x < nx - 1; x++) {
						int p = row + x;
						float d = g0[p] - g1[p];
						if (d < threshold || lung[p] == 0 || !isMaximum(g0, g1, p, d, nx, plane)) {
							continue;
						}
						double hxx = m(g0, g1, p + 1) + m(g0, g1, p - 1) - 2 * m(g0, g1, p);
						double hyy = m(g0, g1, p + nx) + m(g0, g1, p - nx) - 2 * m(g0, g1, p);
						double hzz = m(g0, g1, p + plane) + m(g0, g1, p - plane) - 2 * m(g0, g1, p);
						double hxy = (m(g0, g1, p + 1 + nx) - m(g0, g1, p + 1 - nx) - m(g0, g1, p - 1 + nx) + m(g0, g1, p - 1 - nx)) / 4;
						double hxz = (m(g0, g1, p + 1 + plane) - m(g0, g1, p + 1 - plane) - m(g0, g1, p - 1 + plane)
								+ m(g0, g1, p - 1 - plane)) / 4;
						double hyz = (m(g0, g1, p + nx + plane) - m(g0, g1, p + nx - plane) - m(g0, g1, p - nx + plane)
								+ m(g0, g1, p - nx - plane)) / 4;
						double roundness = Hessian.roundness(Hessian.eigenvalues(hxx, hyy, hzz, hxy, hxz, hyz));
						double score = d * (s.roundnessWeight == 0 ? 1 : Math.pow(roundness, s.roundnessWeight));
						found.add(new Maximum(p, level, d, (float) roundness, score, offset(g0, g1, p, 1), offset(g0, g1, p, nx),
								offset(g0, g1, p, plane)));
					}
				}
				perSlice[z] = found;
			}
		});
		List<Maximum> all = new ArrayList<>();
		for (List<Maximum> l : perSlice) {
			if (l != null) {
				all.addAll(l);
			}
		}
		return all;
	}

	private static double m(float[] g0, float[] g1, int p) {
		return 0.5 * ((double) g0[p] + g1[p]);
	}

	private static float dog(float[] g0, float[] g1, int p) {
		return g0[p] - g1[p];
	}

	/** Whether the DoG at p is at least its 26 neighbours', and above those that come before it (ties go to the first). */
	private static boolean isMaximum(float[] g0, float[] g1, int p, float d, int nx, int plane) {
		for (int dz = -1; dz <= 1; dz++) {
			for (int dy = -1; dy <= 1; dy++) {
				int base = p + dz * plane + dy * nx;
				for (int dx = -1; dx <= 1; dx++) {
					int q = base + dx;
					if (q == p) {
						continue;
					}
					float e = dog(g0, g1, q);
					if (e > d || (e == d && q < p)) {
						return false;
					}
				}
			}
		}
		return true;
	}

	/** Sub-voxel offset of the peak along one axis from a parabola through three DoG values, within +-0.5. */
	private static double offset(float[] g0, float[] g1, int p, int step) {
		double minus = dog(g0, g1, p - step);
		double centre = dog(g0, g1, p);
		double plus = dog(g0, g1, p + step);
		double curvature = minus - 2 * centre + plus;
		if (!(curvature < 0)) {
			return 0;
		}
		return Math.max(-0.5, Math.min(0.5, 0.5 * (minus - plus) / curvature));
	}

	/**
	 * Non-maximum suppression over all levels: strongest first (ties by level, then position), each kept
	 * maximum absorbing the weaker ones within its radius or {@code mergeDistance}.
	 */
	static List<Detection> merge(List<Maximum> maxima, VolumeGeometry grid, double sigmaMin, BlobSettings s) {
		Maximum[] sorted = maxima.toArray(Maximum[]::new);
		Arrays.sort(sorted, (p, q) -> {
			int c = Double.compare(q.score(), p.score());
			if (c != 0) {
				return c;
			}
			c = Integer.compare(p.level(), q.level());
			return c != 0 ? c : Integer.compare(p.index(), q.index());
		});
		int nx = grid.size(0);
		int ny = grid.size(1);
		double h = grid.spacing()[0];
		List<double[]> kept = new ArrayList<>(); // grid mm position and merge radius
		List<Detection> out = new ArrayList<>();
		for (Maximum m : sorted) {
			if (out.size() >= s.maxCandidates || !(m.score() > 0)) {
				break;
			}
			double[] index = { m.index() % nx + m.dx(), m.index() / nx % ny + m.dy(), m.index() / (nx * ny) + m.dz() };
			double px = index[0] * h;
			double py = index[1] * h;
			double pz = index[2] * h;
			boolean absorbed = false;
			for (double[] k : kept) {
				double ddx = k[0] - px;
				double ddy = k[1] - py;
				double ddz = k[2] - pz;
				if (ddx * ddx + ddy * ddy + ddz * ddz < k[3] * k[3]) {
					absorbed = true;
					break;
				}
			}
			if (absorbed) {
				continue;
			}
			double d = diameter(sigmaMin, m.level());
			kept.add(new double[] { px, py, pz, Math.max(d / 2, s.mergeDistance) });
			double[] world = grid.voxelToWorld(index);
			out.add(new Detection(world[0], world[1], world[2], d, m.score(), m.score() / (m.score() + 50)));
		}
		return out;
	}

	private static String seconds(long since) {
		return String.format(Locale.ROOT, "%.2f s", (System.nanoTime() - since) / 1e9);
	}
}
