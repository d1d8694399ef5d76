package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab volume info}: geometry and HU statistics of a volume. */
@Command(name = "info", description = "Geometry (size, spacing, origin, direction, world extent) and HU statistics of a volume: a MetaImage file, a DICOM series folder or file, or anything an installed reader reads.")
public final class VolumeInfoCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(paramLabel = "<file-or-folder>")
	Path path;

	@Option(names = { "-o", "--option" }, paramLabel = "KEY=VALUE", description = "A reader setting, e.g. -o series=1.2.3 or -o allowUnevenSpacing=true for DICOM (see nodulab list readers --verbose).")
	Map<String, String> options = new LinkedHashMap<>();

	public VolumeInfoCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		VolumeReaderRegistry readers = services.get(VolumeReaderRegistry.class);
		ContributionDescriptor reader = readers.requireDescriptorFor(path);
		long start = System.nanoTime();
		Volume volume = readers.read(path, options);
		double seconds = (System.nanoTime() - start) / 1e9;
		PrintWriter out = spec.commandLine().getOut();
		out.println(path);
		row(out, "reader", reader.id() + " (" + reader.name() + "), " + String.format(Locale.ROOT, "%.2f s", seconds));
		volume.metadata().forEach((k, v) -> row(out, k, v));
		describe(out, volume);
		return 0;
	}

	static void row(PrintWriter out, String key, String value) {
		out.printf(Locale.ROOT, "  %-16s %s%n", key, value);
	}

	/** Geometry and HU statistics. */
	static void describe(PrintWriter out, Volume volume) {
		VolumeGeometry g = volume.geometry();
		int[] n = g.size();
		double[] s = g.spacing();
		row(out, "size", String.format(Locale.ROOT, "%d x %d x %d voxels (%.1f M)", n[0], n[1], n[2], g.voxelCount() / 1e6));
		row(out, "spacing", String.format(Locale.ROOT, "%.4f x %.4f x %.4f mm", s[0], s[1], s[2]));
		double[] o = g.origin();
		row(out, "origin", String.format(Locale.ROOT, "(%.3f, %.3f, %.3f) mm", o[0], o[1], o[2]));
		double[] d = g.direction();
		boolean identity = java.util.Arrays.equals(d, new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 });
		row(out, "direction", identity ? "identity (axial, LPS)" : String.format(Locale.ROOT,
				"[%.4f %.4f %.4f; %.4f %.4f %.4f; %.4f %.4f %.4f] (columns: index axes)", d[0], d[1], d[2], d[3], d[4], d[5],
				d[6], d[7], d[8]));
		double[] min = { Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE };
		double[] max = { -Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE };
		for (int corner = 0; corner < 8; corner++) {
			double[] w = g.voxelToWorld(new double[] { (corner & 1) * (n[0] - 1), ((corner >> 1) & 1) * (n[1] - 1),
					((corner >> 2) & 1) * (n[2] - 1) });
			for (int a = 0; a < 3; a++) {
				min[a] = Math.min(min[a], w[a]);
				max[a] = Math.max(max[a], w[a]);
			}
		}
		row(out, "world extent", String.format(Locale.ROOT, "x %.2f..%.2f, y %.2f..%.2f, z %.2f..%.2f mm (voxel centres)",
				min[0], max[0], min[1], max[1], min[2], max[2]));
		long[] histogram = new long[65536];
		double sum = 0;
		double sum2 = 0;
		long count = g.voxelCount();
		for (long i = 0; i < count; i++) {
			short v = volume.get((int) i);
			histogram[v + 32768]++;
			sum += v;
			sum2 += (double) v * v;
		}
		double mean = sum / count;
		double std = Math.sqrt(Math.max(0, sum2 / count - mean * mean));
		row(out, "HU", String.format(Locale.ROOT, "min %d, max %d, mean %.2f, std %.2f", percentile(histogram, count, 0),
				percentile(histogram, count, 1), mean, std));
		row(out, "HU percentiles", String.format(Locale.ROOT, "p1 %d, p5 %d, p25 %d, p50 %d, p75 %d, p95 %d, p99 %d",
				percentile(histogram, count, 0.01), percentile(histogram, count, 0.05), percentile(histogram, count, 0.25),
				percentile(histogram, count, 0.5), percentile(histogram, count, 0.75), percentile(histogram, count, 0.95),
				percentile(histogram, count, 0.99)));
		row(out, "HU classes", String.format(Locale.ROOT,
				"air < -950: %.1f%%, lung -950..-500: %.1f%%, fat -500..-30: %.1f%%, soft tissue -30..300: %.1f%%, bone/contrast > 300: %.1f%%",
				share(histogram, count, -32768, -951), share(histogram, count, -950, -501), share(histogram, count, -500, -31),
				share(histogram, count, -30, 300), share(histogram, count, 301, 32767)));
	}

	private static int percentile(long[] histogram, long count, double q) {
		long target = q <= 0 ? 1 : q >= 1 ? count : (long) Math.ceil(q * count);
		long seen = 0;
		for (int i = 0; i < histogram.length; i++) {
			seen += histogram[i];
			if (seen >= target) {
				return i - 32768;
			}
		}
		return 32767;
	}

	private static double share(long[] histogram, long count, int from, int to) {
		long n = 0;
		for (int v = from; v <= to; v++) {
			n += histogram[v + 32768];
		}
		return 100.0 * n / count;
	}
}
