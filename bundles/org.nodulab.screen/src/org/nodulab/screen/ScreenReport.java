package org.nodulab.screen;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.nodulab.augment.SpatialTransform;
import org.nodulab.eval.froc.FrocPlot;
import org.nodulab.luna16.Formats;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.VolumeGeometry;

/**
 * Writes a screening's report folder: {@code findings.csv} (the findings above the operating point),
 * {@code candidates.csv} (every scored candidate), {@code report.html} with axial, coronal and sagittal views
 * of each finding, an overview of where they are, the models' provenance and their FROC on their test scans
 * ({@code images/}). The folder is written beside its destination and moved into place when complete; an
 * existing folder is never replaced. No patient name, ID or birth date is in it: the result carries none.
 */
public final class ScreenReport {

	/** Pixels of each finding view and the field they cover (mm). */
	static final int PIXELS = 128;
	static final double FIELD_MM = 64;
	static final HuWindow WINDOW = new HuWindow("lung", -1000, 400);

	/** The columns of findings.csv and candidates.csv. */
	public static final String HEADER = "rank,seriesuid,coordX,coordY,coordZ,voxelX,voxelY,voxelZ,slice,diameter_mm,probability";

	private ScreenReport() {
	}

	/** The file that says what was screened, how and with what (for the workbench's Findings view and for provenance). */
	public static final String SCREENING_JSON = "screening.json";

	/** Writes the folder {@code dir} (which must not exist), without naming the scan's file. */
	public static void write(Screening.Result r, Path dir) throws IOException {
		write(r, dir, null, java.util.Map.of());
	}

	/**
	 * Writes the folder {@code dir} (which must not exist).
	 *
	 * @param scan the file or folder the scan was read from (recorded in screening.json so that it can be shown
	 *            again), or null
	 * @param readerOptions the reader settings it was read with
	 */
	public static void write(Screening.Result r, Path dir, Path scan, java.util.Map<String, String> readerOptions) throws IOException {
		Path target = dir.toAbsolutePath().normalize();
		if (Files.exists(target)) {
			throw new FileAlreadyExistsException(target.toString(), null, "exists; reports are never overwritten (choose a new --out)");
		}
		Files.createDirectories(target.getParent());
		Path work = target.resolveSibling("." + target.getFileName() + ".partial-"
				+ Long.toUnsignedString(new java.security.SecureRandom().nextLong(), 36));
		Files.createDirectory(work);
		try {
			Files.writeString(work.resolve("findings.csv"), csv(r.seriesUid(), r.findings()));
			Files.writeString(work.resolve("candidates.csv"), csv(r.seriesUid(), r.candidates()));
			Path images = Files.createDirectory(work.resolve("images"));
			PatchSampler sampler = new PatchSampler(r.volume(), -1000f);
			for (Screening.Finding f : r.findings()) {
				png(images.resolve("finding-" + f.rank() + ".png"), views(sampler, f));
			}
			png(images.resolve("overview.png"), overview(r));
			try (OutputStream out = Files.newOutputStream(images.resolve("froc.png"))) {
				FrocPlot.write(r.operatingPoint().froc(), out, 640, 480);
			}
			Files.writeString(work.resolve("report.html"), html(r));
			Files.writeString(work.resolve(SCREENING_JSON), json(r, scan, readerOptions));
			try {
				Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(work, target);
			}
		} finally {
			if (Files.exists(work)) {
				try (var files = Files.walk(work)) {
					for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
						Files.deleteIfExists(p);
					}
				}
			}
		}
	}

	static String json(Screening.Result r, Path scan, java.util.Map<String, String> readerOptions) throws IOException {
		com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper()
				.enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
		java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
		m.put("seriesuid", r.seriesUid());
		m.put("scan", scan == null ? null : scan.toAbsolutePath().normalize().toString());
		m.put("readerOptions", readerOptions);
		m.put("screened", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
		Screening.OperatingPoint op = r.operatingPoint();
		java.util.Map<String, Object> point = new java.util.LinkedHashMap<>();
		point.put("falsePositivesPerScan", op.falsePositivesPerScan());
		point.put("threshold", op.threshold());
		point.put("testFalsePositivesPerScan", op.testFalsePositivesPerScan());
		point.put("testSensitivity", op.testSensitivity());
		point.put("testScans", op.testScans());
		point.put("testNodules", op.testNodules());
		m.put("operatingPoint", point);
		List<java.util.Map<String, Object>> models = new java.util.ArrayList<>();
		for (Screening.Model x : r.models()) {
			java.util.Map<String, Object> e = new java.util.LinkedHashMap<>();
			e.put("run", x.run().toAbsolutePath().normalize().toString());
			e.put("model", x.name());
			e.put("backend", x.backend());
			e.put("experiment", x.experimentName());
			e.put("experimentSha256", x.experimentSha256());
			e.put("bestEpoch", x.bestEpoch());
			e.put("testCpm", x.testCpm());
			models.add(e);
		}
		m.put("models", models);
		m.put("tta", r.tta());
		m.put("scoredOn", r.scoringBackend());
		m.put("precision", r.precision().id());
		m.put("candidates", r.candidates().size());
		m.put("findings", r.findings().size());
		m.put("detector", r.detection().facts());
		m.put("seconds", r.seconds());
		return mapper.writeValueAsString(m) + "\n";
	}

	static String csv(String uid, List<Screening.Finding> findings) {
		StringBuilder b = new StringBuilder(HEADER).append('\n');
		for (Screening.Finding f : findings) {
			b.append(f.rank()).append(',').append(uid).append(',').append(fixed(f.x(), 2)).append(',').append(fixed(f.y(), 2))
					.append(',').append(fixed(f.z(), 2)).append(',').append(fixed(f.voxel()[0], 1)).append(',')
					.append(fixed(f.voxel()[1], 1)).append(',').append(fixed(f.voxel()[2], 1)).append(',').append(f.slice()).append(',')
					.append(fixed(f.diameter(), 1)).append(',').append(fixed(f.probability(), 6)).append('\n');
		}
		return b.toString();
	}

	private static String fixed(double v, int digits) {
		return Formats.shortest(Double.parseDouble(Formats.fixed(v, digits)));
	}

	/** Axial, coronal and sagittal views through the finding, side by side, its size drawn as a circle. */
	static BufferedImage views(PatchSampler sampler, Screening.Finding f) {
		BufferedImage image = new BufferedImage(3 * PIXELS + 8, PIXELS, BufferedImage.TYPE_INT_RGB);
		SpatialTransform coronal = SpatialTransform.rotation(0, Math.PI / 2);
		SpatialTransform sagittal = SpatialTransform.rotation(2, Math.PI / 2).after(coronal);
		double[] centre = { f.x(), f.y(), f.z() };
		draw(image, 0, sampler, centre, SpatialTransform.identity(), false);
		draw(image, PIXELS + 4, sampler, centre, coronal, true);
		draw(image, 2 * PIXELS + 8, sampler, centre, sagittal, true);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(new Color(255, 80, 60));
		g.setStroke(new BasicStroke(1.5f));
		double r = Math.max(2, f.diameter() / 2 * PIXELS / FIELD_MM + 3);
		for (int k = 0; k < 3; k++) {
			double cx = k * (PIXELS + 4) + PIXELS / 2.0;
			g.draw(new java.awt.geom.Ellipse2D.Double(cx - r, PIXELS / 2.0 - r, 2 * r, 2 * r));
		}
		g.dispose();
		return image;
	}

	private static void draw(BufferedImage image, int x0, PatchSampler sampler, double[] centre, SpatialTransform t, boolean flipRows) {
		double mm = FIELD_MM / PIXELS;
		PatchSpec spec = new PatchSpec(1, PIXELS, PIXELS, mm, mm, mm);
		float[] patch = new float[spec.voxels()];
		sampler.sample(centre, spec, t, patch, 0);
		for (int j = 0; j < PIXELS; j++) {
			int row = flipRows ? PIXELS - 1 - j : j; // coronal and sagittal: head at the top
			for (int i = 0; i < PIXELS; i++) {
				int v = (int) (255 * WINDOW.apply(patch[j * PIXELS + i]));
				image.setRGB(x0 + i, row, (v << 16) | (v << 8) | v);
			}
		}
	}

	/** The scan seen from the front (the lung window averaged front to back), each finding marked where it is. */
	static BufferedImage overview(Screening.Result r) {
		VolumeGeometry g = r.volume().geometry();
		int nx = g.size(0);
		int ny = g.size(1);
		int nz = g.size(2);
		double sx = g.spacing()[0];
		double sz = g.spacing()[2];
		double scale = 384 / Math.max(nx * sx, nz * sz); // pixels per mm
		int w = Math.max(1, (int) Math.round(nx * sx * scale));
		int h = Math.max(1, (int) Math.round(nz * sz * scale));
		double[] mean = new double[nx * nz];
		for (int z = 0; z < nz; z++) {
			for (int y = 0; y < ny; y++) {
				for (int x = 0; x < nx; x++) {
					mean[z * nx + x] += WINDOW.apply(r.volume().get(x, y, z));
				}
			}
		}
		BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		for (int py = 0; py < h; py++) {
			int z = (int) Math.min(nz - 1, Math.floor((h - 1 - py) / (sz * scale))); // head at the top
			for (int px = 0; px < w; px++) {
				int x = (int) Math.min(nx - 1, Math.floor(px / (sx * scale)));
				int v = (int) Math.max(0, Math.min(255, 255 * mean[z * nx + x] / ny * 1.6));
				image.setRGB(px, py, (v << 16) | (v << 8) | v);
			}
		}
		Graphics2D gr = image.createGraphics();
		gr.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		gr.setColor(new Color(255, 80, 60));
		gr.setStroke(new BasicStroke(2f));
		for (Screening.Finding f : r.findings()) {
			double px = (f.voxel()[0] + 0.5) * sx * scale;
			double py = h - (f.voxel()[2] + 0.5) * sz * scale;
			double rad = Math.max(4, f.diameter() / 2 * scale + 3);
			gr.draw(new java.awt.geom.Ellipse2D.Double(px - rad, py - rad, 2 * rad, 2 * rad));
		}
		gr.dispose();
		return image;
	}

	private static void png(Path file, BufferedImage image) throws IOException {
		try (OutputStream out = Files.newOutputStream(file)) {
			if (!ImageIO.write(image, "png", out)) {
				throw new IOException(file + ": no PNG writer in this Java installation");
			}
		}
	}

	static String html(Screening.Result r) {
		Screening.OperatingPoint op = r.operatingPoint();
		VolumeGeometry g = r.volume().geometry();
		StringBuilder b = new StringBuilder();
		b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Nodulab screening ").append(esc(r.seriesUid()))
				.append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
						+ "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td.l{text-align:left}"
						+ "img{image-rendering:pixelated}.note{color:#555}</style></head><body>\n");
		b.append("<h1>Screening</h1>\n<p>Series ").append(esc(r.seriesUid())).append("; ")
				.append(String.format(Locale.ROOT, "%d x %d x %d voxels of %.3f x %.3f x %.3f mm", g.size(0), g.size(1), g.size(2),
						g.spacing()[0], g.spacing()[1], g.spacing()[2]))
				.append("; screened ").append(esc(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))).append(" by Nodulab.</p>\n");
		b.append("<p class=\"note\">A research tool, not a medical device: findings are candidates for a reader to look at.</p>\n");
		b.append(String.format(Locale.ROOT,
				"<h2>%d finding%s</h2>\n<p>Candidates with a probability of at least %.4f: the operating point at which the model%s had "
						+ "%.2f false positives per scan (asked: %s) and found %.1f%% of the %d nodules on %d test scans. %d candidates from "
						+ "the detector were scored%s.</p>\n",
				r.findings().size(), r.findings().size() == 1 ? "" : "s", op.threshold(), r.models().size() == 1 ? "" : "s (averaged)",
				op.testFalsePositivesPerScan(), Formats.shortest(op.falsePositivesPerScan()), 100 * op.testSensitivity(), op.testNodules(),
				op.testScans(), r.candidates().size(), (r.tta() ? " with test-time augmentation (4 rotations)" : "")
						+ (r.precision() == org.nodulab.core.experiment.Precision.FLOAT32 ? ""
								: " in " + r.precision() + " (the operating point was chosen on float32 scores)")));
		b.append("<img src=\"images/overview.png\" alt=\"overview: the scan from the front, findings circled\">\n");
		if (!r.findings().isEmpty()) {
			b.append("<table><tr><th>#</th><th>x, y, z (mm)</th><th>voxel (x, y, z)</th><th>slice</th><th>diameter (mm)</th>"
					+ "<th>probability</th><th class=\"l\">axial, coronal, sagittal (64 mm)</th></tr>\n");
			for (Screening.Finding f : r.findings()) {
				b.append(String.format(Locale.ROOT,
						"<tr><td>%d</td><td>%.1f, %.1f, %.1f</td><td>%.0f, %.0f, %.0f</td><td>%d</td><td>%.1f</td><td>%.3f</td>"
								+ "<td class=\"l\"><img src=\"images/finding-%d.png\" alt=\"finding %d\"></td></tr>\n",
						f.rank(), f.x(), f.y(), f.z(), f.voxel()[0], f.voxel()[1], f.voxel()[2], f.slice(), f.diameter(), f.probability(),
						f.rank(), f.rank()));
			}
			b.append("</table>\n");
		}
		b.append("<h2>Models</h2>\n<table><tr><th class=\"l\">run</th><th class=\"l\">model</th><th class=\"l\">experiment</th>"
				+ "<th class=\"l\">experiment SHA-256</th><th>best epoch</th><th>test CPM</th></tr>\n");
		for (Screening.Model m : r.models()) {
			b.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td class=\"l\">%s (%s)</td><td class=\"l\">%s</td>"
					+ "<td class=\"l\"><code>%s</code></td><td>%d</td><td>%.4f</td></tr>\n", esc(m.run().toString()), esc(m.name()),
					esc(m.backend()), esc(m.experimentName()), m.experimentSha256().substring(0, 16), m.bestEpoch(), m.testCpm()));
		}
		b.append("</table>\n<h2>FROC on the test scans</h2>\n<p>").append(esc(op.froc().summary()).replace("\n", "<br>"))
				.append("</p>\n<img src=\"images/froc.png\" alt=\"FROC on the test scans\">\n");
		b.append("<h2>Candidate detection</h2>\n<table>\n");
		r.detection().facts().forEach((k, v) -> b.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">")
				.append(esc(v)).append("</td></tr>\n"));
		b.append("</table>\n<p class=\"note\">");
		r.seconds().forEach((k, v) -> b.append(esc(k)).append(String.format(Locale.ROOT, " %.1f s; ", v)));
		b.append("files: findings.csv, candidates.csv.</p>\n</body></html>\n");
		return b.toString();
	}

	private static String esc(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}
}
