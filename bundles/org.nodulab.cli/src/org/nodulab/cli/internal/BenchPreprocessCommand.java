package org.nodulab.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.nodulab.preprocess.FloatVolume;
import org.nodulab.preprocess.Resampler;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;
import org.nodulab.volume.VolumeWriterRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nodulab bench preprocess}: read + resample to 1 mm + window of a 512x512x300 int16 scan, and
 * scipy.ndimage.zoom(order=1) on the same file when python3-scipy is installed.
 */
@Command(name = "preprocess", description = {
		"Times read + trilinear resampling to 1 mm + HU window of a 512x512x300 int16 MetaImage scan (spacing 0.7x0.7x1.25 mm), and the same with scipy.ndimage.zoom(order=1) when python3 with scipy is installed.",
		"Target: 12x scipy or better (issue 19; it was 5x before)." })
public final class BenchPreprocessCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--repeat", description = "Timed repetitions after one warm-up (default: ${DEFAULT-VALUE}).", defaultValue = "5")
	int repeat;

	@Option(names = "--work", paramLabel = "DIR", description = "Scratch folder for the test scan (default: a new temporary folder).")
	Path work;

	@Option(names = "--no-scipy", description = "Do not run the scipy comparison.")
	boolean noScipy;

	public BenchPreprocessCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("nodulab-bench-preprocess");
		Path mhd = dir.resolve("bench_512x512x300.mhd");
		if (!Files.exists(mhd)) {
			writeScan(mhd, services.get(VolumeWriterRegistry.class));
		}
		VolumeReaderRegistry readers = services.get(VolumeReaderRegistry.class);
		HuWindow window = services.get(WindowRegistry.class).window("lung");
		double[] spacing = { 1, 1, 1 };
		out.printf(Locale.ROOT, "bench preprocess: %s, 512x512x300 int16 (0.7x0.7x1.25 mm) -> 1 mm, window %s; Java %s, %d cores%n",
				mhd, window.id(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
		double[] seconds = new double[repeat];
		long outputVoxels = 0;
		float[] reuse = null;
		for (int run = -1; run < repeat; run++) {
			long t0 = System.nanoTime();
			Volume volume = readers.read(mhd);
			long t1 = System.nanoTime();
			// scan after scan a pipeline writes into the same output memory (fresh pages cost as much as the work)
			FloatVolume result = Resampler.resample(volume, spacing, window, reuse);
			long t2 = System.nanoTime();
			reuse = result.values();
			outputVoxels = result.values().length;
			if (run < 0) {
				out.printf(Locale.ROOT, "  warm-up: %.3f s (into fresh memory) -> %s%n", (t2 - t0) / 1e9,
						Arrays.toString(result.geometry().size()));
			} else {
				seconds[run] = (t2 - t0) / 1e9;
				out.printf(Locale.ROOT, "  run %d: %.3f s (read %.3f s, resample + window %.3f s)%n", run + 1, seconds[run],
						(t1 - t0) / 1e9, (t2 - t1) / 1e9);
			}
		}
		Arrays.sort(seconds);
		double best = seconds[0];
		out.printf(Locale.ROOT, "  Nodulab: best %.3f s, median %.3f s; %.1f M output voxels/s%n", best,
				seconds[seconds.length / 2], outputVoxels / best / 1e6);
		if (!noScipy) {
			double scipy = scipy(mhd, out);
			if (scipy > 0) {
				out.printf(Locale.ROOT, "  scipy.ndimage.zoom(order=1) + window: best %.3f s; Nodulab is %.1fx faster (target: 12x or more)%n",
						scipy, scipy / best);
			}
		}
		return 0;
	}

	/** A scan-like volume: body ellipse, air lungs, noise (the content does not change the timing). */
	private static void writeScan(Path mhd, VolumeWriterRegistry writers) throws IOException {
		int nx = 512;
		int ny = 512;
		int nz = 300;
		short[] v = new short[nx * ny * nz];
		SplittableRandom random = new SplittableRandom(7);
		for (int z = 0; z < nz; z++) {
			for (int y = 0; y < ny; y++) {
				for (int x = 0; x < nx; x++) {
					double bx = (x - 256) / 230.0;
					double by = (y - 256) / 170.0;
					boolean body = bx * bx + by * by < 1;
					double lx = (Math.abs(x - 256) - 110) / 80.0;
					double ly = (y - 250) / 130.0;
					boolean lung = lx * lx + ly * ly < 1;
					int hu = !body ? -1000 : lung ? -850 : 40;
					v[(z * ny + y) * nx + x] = (short) (hu + random.nextInt(-30, 31));
				}
			}
		}
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { nx, ny, nz }, new double[] { 0.7, 0.7, 1.25 },
				new double[] { -179.2, -179.2, -350 });
		try {
			writers.write(mhd, new Volume(g, v), java.util.Map.of());
		} catch (org.nodulab.core.registry.ContributionException e) {
			throw new IOException(e.getMessage(), e);
		}
	}

	/** Times scipy on the same raw file; -1 when python3 or scipy is missing. */
	private static double scipy(Path mhd, PrintWriter out) throws IOException, InterruptedException {
		Path raw = mhd.resolveSibling(mhd.getFileName().toString().replace(".mhd", ".raw"));
		String script = String.join("\n",
				"import sys, time",
				"import numpy as np",
				"from scipy import ndimage",
				"path = sys.argv[1]",
				"best = None",
				"for run in range(4):",
				"    t0 = time.perf_counter()",
				"    v = np.fromfile(path, dtype='<i2').reshape(300, 512, 512)",
				"    shape = (int((300 - 1) * 1.25) + 1, int((512 - 1) * 0.7) + 1, int((512 - 1) * 0.7) + 1)",
				"    factors = [s / n for s, n in zip(shape, v.shape)]",
				"    r = ndimage.zoom(v.astype(np.float32), factors, order=1)",
				"    r = np.clip((r + 1000.0) / 1400.0, 0.0, 1.0)",
				"    t = time.perf_counter() - t0",
				"    if run > 0 and (best is None or t < best):",
				"        best = t",
				"import scipy, platform",
				"print(best, 'scipy', scipy.__version__, 'python', platform.python_version(), 'output', r.shape, flush=True)");
		// Debian's python3-scipy lives in Debian's python, whatever python3 is first on the PATH
		String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
		ProcessBuilder pb = new ProcessBuilder(python, "-c", script, raw.toString()).redirectErrorStream(true);
		Process p;
		try {
			p = pb.start();
		} catch (IOException e) {
			out.println("  scipy: python3 is not installed; skipped (apt-get install python3-scipy to compare)");
			return -1;
		}
		List<String> lines = new ArrayList<>();
		try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				lines.add(line);
			}
		}
		if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || lines.isEmpty()) {
			String text = String.join(" | ", lines);
			out.println("  scipy: not available (" + (text.contains("No module named") ? "install python3-scipy" : text) + "); skipped");
			return -1;
		}
		String last = lines.get(lines.size() - 1);
		out.println("  scipy: best of 3 after a warm-up (" + python + ", " + last.substring(last.indexOf(' ') + 1) + ")");
		return Double.parseDouble(last.substring(0, last.indexOf(' ')));
	}
}
