package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.nodulab.detect.DetectorRegistry;
import org.nodulab.screen.ScreenReport;
import org.nodulab.screen.Screening;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.ModelRef;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.VolumeWriterRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nodulab bench screen}: a 512 x 512 x 300 chest phantom written as a DICOM series, screened from its files to
 * the finished report.
 */
@Command(name = "screen", description = {
		"Times nodulab screen on a 512x512x300 chest phantom (0.7x0.7x1.0 mm; body, lungs, vessels, six nodules of 5-14 mm) written as a DICOM series of 300 files: reading the series, detecting, scoring with the model(s) and TTA as the run says, and writing the report. Prints each step and which planted nodules are among the findings.",
		"Target: 60 s or less on 2 cores with one model and TTA x4 (issue 20)." })
public final class BenchScreenCommand implements Callable<Integer>, DeviceWork {

	/** The planted nodules: world centre (mm) and diameter. */
	static final double[][] NODULES = { { -90, -20, -60, 8 }, { -60, 30, -120, 5 }, { -110, 10, -180, 14 }, { 80, -10, -90, 6 },
			{ 110, 25, -150, 10 }, { 70, 40, -210, 7 } };

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--model", required = true, paramLabel = "RUN[/MODEL]", description = "The model(s) to screen with (as nodulab screen).")
	List<String> models = new ArrayList<>();

	@Option(names = "--work", paramLabel = "DIR", description = "Scratch folder for the series and the report (default: a new temporary folder).")
	Path work;

	@Option(names = "--fps", paramLabel = "N", defaultValue = "1", description = "Operating point (default: ${DEFAULT-VALUE} false positive per scan).")
	double fps;

	public BenchScreenCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("nodulab-bench-screen");
		Path series = dir.resolve("series-" + System.nanoTime());
		long w0 = System.nanoTime();
		services.get(VolumeWriterRegistry.class).write(series, phantom(), Map.of("seriesDescription", "bench phantom"));
		out.printf(Locale.ROOT, "bench screen: 512x512x300 phantom written as a DICOM series to %s (%.1f s, not timed); Java %s, %d cores%n",
				series, (System.nanoTime() - w0) / 1e9, Runtime.version(), Runtime.getRuntime().availableProcessors());
		List<ModelRef> refs = new ArrayList<>();
		for (String m : models) {
			refs.add(ModelRef.parse(m, null));
		}
		Map<String, ExperimentRunner.Tools> tools = new LinkedHashMap<>();
		Screening.ToolsFactory factory = backend -> tools.computeIfAbsent(backend, b -> RunTools.of(services, b));
		long t0 = System.nanoTime();
		Volume volume = services.get(VolumeReaderRegistry.class).read(series);
		double read = (System.nanoTime() - t0) / 1e9;
		Screening.Result r = Screening.screen(volume, DetectCommand.seriesUid(volume, series), refs,
				new Screening.Options(DetectorRegistry.DEFAULT, Map.of(), null, fps), services.get(DetectorRegistry.class), factory,
				org.nodulab.train.Progress.NONE, line -> {
				});
		long t1 = System.nanoTime();
		Path report = dir.resolve("report-" + System.nanoTime());
		ScreenReport.write(r, report);
		double write = (System.nanoTime() - t1) / 1e9;
		double total = (System.nanoTime() - t0) / 1e9;
		row(out, "read DICOM series (300 files)", read);
		row(out, "checks and operating point", r.seconds().get("checks"));
		row(out, "detection (" + r.candidates().size() + " candidates)", r.seconds().get("detection"));
		row(out, "scoring (" + r.models().size() + " model" + (r.models().size() == 1 ? "" : "s") + (r.tta() ? ", TTA x4)" : ")"),
				r.seconds().get("scoring"));
		row(out, "report", write);
		out.printf(Locale.ROOT, "  %-34s %6.1f s (target 60 s)%n", "total", total);
		int found = 0;
		for (double[] n : NODULES) {
			boolean hit = r.findings().stream()
					.anyMatch(f -> Math.pow(f.x() - n[0], 2) + Math.pow(f.y() - n[1], 2) + Math.pow(f.z() - n[2], 2) <= n[3] * n[3] / 4);
			found += hit ? 1 : 0;
		}
		out.printf(Locale.ROOT, "  %d findings; %d of the %d planted nodules among them; report %s%n", r.findings().size(), found,
				NODULES.length, report.resolve("report.html"));
		return 0;
	}

	private static void row(PrintWriter out, String what, double seconds) {
		out.printf(Locale.ROOT, "  %-34s %6.1f s%n", what, seconds);
	}

	/** A chest phantom: body ellipse, two lungs, vessels branching from the hila, nodules, noise. */
	static Volume phantom() {
		int nx = 512;
		int ny = 512;
		int nz = 300;
		VolumeGeometry g = VolumeGeometry.axisAligned(new int[] { nx, ny, nz }, new double[] { 0.7, 0.7, 1.0 },
				new double[] { -179.2, -179.2, -290 });
		short[] v = new short[nx * ny * nz];
		SplittableRandom random = new SplittableRandom(7);
		// vessels: segments from each hilum outwards
		List<double[]> vessels = new ArrayList<>();
		for (int side = -1; side <= 1; side += 2) {
			for (int k = 0; k < 14; k++) {
				double[] a = { side * 45, 0, -150 };
				double angle = random.nextDouble(-1.2, 1.2);
				double elevation = random.nextDouble(-1.0, 1.0);
				double len = random.nextDouble(50, 90);
				double[] b = { a[0] + side * len * Math.cos(angle) * Math.cos(elevation), a[1] + len * Math.sin(angle) * Math.cos(elevation),
						a[2] + len * Math.sin(elevation) };
				vessels.add(new double[] { a[0], a[1], a[2], b[0], b[1], b[2], random.nextDouble(1.0, 2.5) });
			}
		}
		for (int z = 0; z < nz; z++) {
			double wz = -290 + z;
			for (int y = 0; y < ny; y++) {
				double wy = -179.2 + 0.7 * y;
				for (int x = 0; x < nx; x++) {
					double wx = -179.2 + 0.7 * x;
					double bx = wx / 165;
					double by = wy / 120;
					boolean body = bx * bx + by * by < 1 && wz > -285 && wz < -5;
					double lx = (Math.abs(wx) - 75) / 58;
					double ly = (wy - 5) / 85;
					double lz = (wz + 150) / 125;
					boolean lung = lx * lx + ly * ly + lz * lz < 1;
					double hu = !body ? -1000 : lung ? -850 : 40;
					if (lung) {
						for (double[] s : vessels) {
							if (distanceToSegment(wx, wy, wz, s) < s[6]) {
								hu = 40;
								break;
							}
						}
						for (double[] n : NODULES) {
							if (Math.pow(wx - n[0], 2) + Math.pow(wy - n[1], 2) + Math.pow(wz - n[2], 2) < n[3] * n[3] / 4) {
								hu = 30;
							}
						}
					}
					v[(z * ny + y) * nx + x] = (short) (hu + random.nextInt(-25, 26));
				}
			}
		}
		return new Volume(g, v);
	}

	private static double distanceToSegment(double x, double y, double z, double[] s) {
		double dx = s[3] - s[0];
		double dy = s[4] - s[1];
		double dz = s[5] - s[2];
		double t = ((x - s[0]) * dx + (y - s[1]) * dy + (z - s[2]) * dz) / (dx * dx + dy * dy + dz * dz);
		t = Math.max(0, Math.min(1, t));
		double px = s[0] + t * dx - x;
		double py = s[1] + t * dy - y;
		double pz = s[2] + t * dz - z;
		return Math.sqrt(px * px + py * py + pz * pz);
	}
}
