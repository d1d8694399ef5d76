package org.nodulab.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.nodulab.augment.SpatialTransform;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.preprocess.IntensityNormalizer;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.preprocess.Preprocessing;
import org.nodulab.synth.SynthDataset;
import org.nodulab.synth.SynthSettings;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nodulab bench patches}: multi-scale training samples per second from a dataset on disk, and
 * the memory it takes as the number of scans sampled grows.
 */
@Command(name = "patches", description = {
		"Times multi-scale sampling: per sample a 40^3, a 32^3 and a 24^3 patch of 1 mm voxels around a random candidate, under a random 3D rotation and a translation of up to 3 mm, windowed and mean-subtracted, on all cores, from a dataset whose volumes are memory-mapped (LUNA16's int16 MetaImages).",
		"Runs over a quarter, half and all of the scans and prints samples/s, heap in use and resident memory for each. Target: 1,000 samples/s or more on 2 cores, memory flat as the dataset grows." })
public final class BenchPatchesCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--dataset", paramLabel = "DIR", description = "A dataset in the LUNA16 layout (default: a synthetic one generated into --work).")
	Path datasetDir;

	@Option(names = "--candidates", description = "Candidate file (default: ${DEFAULT-VALUE}).", defaultValue = "candidates_V2.csv")
	String candidates;

	@Option(names = "--scans", description = "Scans of the synthetic dataset when none is given (default: ${DEFAULT-VALUE}).", defaultValue = "20")
	int scans;

	@Option(names = "--seconds", description = "Seconds of sampling per step (default: ${DEFAULT-VALUE}).", defaultValue = "8")
	double seconds;

	@Option(names = "--threads", description = "Sampling threads (default: the number of cores).")
	Integer threads;

	@Option(names = "--work", paramLabel = "DIR", description = "Scratch folder (default: a new temporary folder).")
	Path work;

	public BenchPatchesCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		Path root = datasetDir;
		if (root == null) {
			Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("nodulab-bench-patches");
			root = dir.resolve("synth-" + scans);
			if (!Files.exists(root.resolve(Luna16Dataset.SERIESUIDS))) {
				SynthSettings settings = new SynthSettings();
				settings.scans = scans;
				out.println("generating a synthetic dataset of " + scans + " scans in " + root + " ...");
				out.flush();
				SynthDataset.generate(services.get(org.nodulab.volume.VolumeWriterRegistry.class), settings, root, false, line -> {
				});
			}
		}
		Luna16Dataset dataset = Luna16Dataset.open(root);
		CandidateTable table = dataset.candidates(candidates);
		ScanVolumes volumes = new ScanVolumes(dataset, services.get(VolumeReaderRegistry.class));
		Preprocessing preprocessing = new Preprocessing(true, 1.0, services.get(WindowRegistry.class).window("lung"), 0.25f);
		List<int[]> sizes = List.of(new int[] { 40, 40, 40 }, new int[] { 32, 32, 32 }, new int[] { 24, 24, 24 });
		int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
		List<Luna16Dataset.Scan> all = dataset.scans().stream().filter(s -> table.rowsOf(s.uid()).length > 0).toList();
		out.printf(Locale.ROOT, "bench patches: %s (%d scans with candidates), 40^3 + 32^3 + 24^3 at 1 mm per sample, random rotation and shift, %d threads; Java %s, max heap %d MiB%n",
				root, all.size(), workers, System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
		ExecutorService pool = Executors.newFixedThreadPool(workers);
		try {
			for (int step : new int[] { 4, 2, 1 }) {
				List<Luna16Dataset.Scan> scansUsed = all.subList(0, Math.max(1, all.size() / step));
				int[] rows = scansUsed.stream().flatMapToInt(s -> java.util.Arrays.stream(table.rowsOf(s.uid()))).toArray();
				for (Luna16Dataset.Scan s : scansUsed) {
					volumes.sampler(s.uid()); // open (map) every scan of this step before timing
				}
				double rate = run(volumes, table, rows, preprocessing, sizes, workers, pool, 1.0); // warm-up
				rate = run(volumes, table, rows, preprocessing, sizes, workers, pool, seconds);
				System.gc();
				long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
				out.printf(Locale.ROOT, "  %3d scans (%6d candidates): %7.0f samples/s; heap in use after GC %4d MiB; resident: %5d MiB anonymous, %5d MiB mapped files%n",
						scansUsed.size(), rows.length, rate, heap >> 20, status("RssAnon:"), status("RssFile:"));
				out.flush();
			}
		} finally {
			pool.shutdownNow();
		}
		out.println("  target: 1,000 samples/s or more on 2 cores; heap and anonymous memory flat as the scans grow (voxels stay in the page cache: mapped files)");
		return 0;
	}

	private static double run(ScanVolumes volumes, CandidateTable table, int[] rows, Preprocessing preprocessing,
			List<int[]> sizes, int workers, ExecutorService pool, double seconds) throws Exception {
		AtomicLong samples = new AtomicLong();
		long deadline = System.nanoTime() + (long) (seconds * 1e9);
		List<Future<?>> futures = new ArrayList<>();
		long start = System.nanoTime();
		for (int w = 0; w < workers; w++) {
			SplittableRandom random = new SplittableRandom(1000 + w);
			futures.add(pool.submit(() -> {
				IntensityNormalizer normalizer = preprocessing.normalizer();
				float[][] buffers = null;
				while (System.nanoTime() < deadline) {
					int row = rows[random.nextInt(rows.length)];
					PatchSampler sampler = volumes.samplerUnchecked(table.uid(row));
					PatchSpec[] specs = preprocessing.specs(sizes, sampler.geometry());
					if (buffers == null) {
						buffers = new float[specs.length][];
						for (int i = 0; i < specs.length; i++) {
							buffers[i] = new float[specs[i].voxels()];
						}
					}
					SpatialTransform t = SpatialTransform.translation(random.nextDouble(-3, 3), random.nextDouble(-3, 3),
							random.nextDouble(-3, 3)).after(randomRotation(random));
					sampler.sample(table.position(row), specs, t, normalizer, buffers);
					samples.incrementAndGet();
				}
				return null;
			}));
		}
		for (Future<?> f : futures) {
			f.get();
		}
		return samples.get() / ((System.nanoTime() - start) / 1e9);
	}

	/** A uniformly random rotation (from a random unit quaternion). */
	static SpatialTransform randomRotation(SplittableRandom r) {
		double u1 = r.nextDouble();
		double u2 = r.nextDouble(2 * Math.PI);
		double u3 = r.nextDouble(2 * Math.PI);
		double a = Math.sqrt(1 - u1);
		double b = Math.sqrt(u1);
		double w = a * Math.sin(u2);
		double x = a * Math.cos(u2);
		double y = b * Math.sin(u3);
		double z = b * Math.cos(u3);
		return new SpatialTransform(new double[] { 1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
				2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), 2 * (x * z - y * w), 2 * (y * z + x * w),
				1 - 2 * (x * x + y * y) }, new double[3]);
	}

	/** A memory figure of this process from /proc/self/status in MiB, -1 where there is none. */
	private static long status(String key) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith(key)) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
				}
			}
		} catch (IOException | NumberFormatException e) {
			// not Linux
		}
		return -1;
	}
}
