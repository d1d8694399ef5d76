package org.nodulab.synth;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.nodulab.augment.SpatialTransform;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.Volume;

/**
 * Pictures of what the benchmark contains: for each kind of nodule and of false positive, the first
 * examples as axial and coronal views (40 mm square, lung window) side by side, and a whole axial and
 * coronal slice of the first scan. Written as PNG with ImageIO; rendering needs no display.
 */
final class Gallery {

	static final int EXAMPLES = 6;
	static final double FIELD_MM = 40;
	static final int PIXELS = 96;
	static final HuWindow WINDOW = new HuWindow("lung", -1000, 400);

	/** Tiles collected so far, by row label. */
	private final Map<String, List<BufferedImage>> nodules = new LinkedHashMap<>();
	private final Map<String, List<BufferedImage>> falsePositives = new LinkedHashMap<>();
	private BufferedImage axial;
	private BufferedImage coronal;

	Gallery() {
		for (NoduleKind k : NoduleKind.values()) {
			nodules.put(k.id(), new ArrayList<>());
		}
		nodules.put("small-nodule (excluded)", new ArrayList<>());
		for (CandidateKind k : CandidateKind.values()) {
			if (k != CandidateKind.NODULE && k != CandidateKind.EXCLUDED_FINDING) {
				falsePositives.put(k.id(), new ArrayList<>());
			}
		}
	}

	boolean wantsMore() {
		return nodules.values().stream().anyMatch(l -> l.size() < EXAMPLES)
				|| falsePositives.values().stream().anyMatch(l -> l.size() < EXAMPLES);
	}

	/** Takes examples from a scan while rows are not full. */
	synchronized void collect(SynthScan scan) {
		PatchSampler sampler = new PatchSampler(scan.volume(), -1000);
		if (axial == null) {
			axial = slice(scan.volume(), true);
			coronal = slice(scan.volume(), false);
		}
		for (SynthScan.Finding f : scan.nodules()) {
			add(nodules.get(f.kind()), sampler, new double[] { f.x(), f.y(), f.z() });
		}
		for (SynthScan.Finding f : scan.excluded()) {
			if (f.kind().equals("small-nodule")) {
				add(nodules.get("small-nodule (excluded)"), sampler, new double[] { f.x(), f.y(), f.z() });
			}
		}
		for (SynthScan.Candidate c : scan.candidates()) {
			if (c.label() == 0 && falsePositives.containsKey(c.kind().id())) {
				add(falsePositives.get(c.kind().id()), sampler, c.position());
			}
		}
	}

	private static void add(List<BufferedImage> row, PatchSampler sampler, double[] centre) {
		if (row.size() >= EXAMPLES) {
			return;
		}
		BufferedImage tile = new BufferedImage(2 * PIXELS + 2, PIXELS, BufferedImage.TYPE_BYTE_GRAY);
		double mm = FIELD_MM / PIXELS;
		// axial: a 1-voxel-deep patch in the x-y plane; coronal: the same patch rotated to the x-z plane
		draw(tile, 0, sampler, centre, SpatialTransform.identity(), mm);
		draw(tile, PIXELS + 2, sampler, centre, SpatialTransform.rotation(0, Math.PI / 2), mm);
		row.add(tile);
	}

	private static void draw(BufferedImage image, int x0, PatchSampler sampler, double[] centre, SpatialTransform t, double mm) {
		PatchSpec spec = new PatchSpec(1, PIXELS, PIXELS, mm, mm, mm);
		float[] patch = new float[spec.voxels()];
		sampler.sample(centre, spec, t, patch, 0);
		for (int j = 0; j < PIXELS; j++) {
			for (int i = 0; i < PIXELS; i++) {
				// coronal: patch rows run along z upwards after the rotation; show the head at the top
				int row = t.isIdentity() ? j : PIXELS - 1 - j;
				image.getRaster().setSample(x0 + i, row, 0, (int) (255 * WINDOW.apply(patch[j * PIXELS + i])));
			}
		}
	}

	/** A whole slice through the middle of the volume, 0.5 mm per pixel. */
	private static BufferedImage slice(Volume volume, boolean isAxial) {
		PatchSampler sampler = new PatchSampler(volume, -1000);
		var g = volume.geometry();
		double[] size = { (g.size(0) - 1) * g.spacing()[0], (g.size(1) - 1) * g.spacing()[1], (g.size(2) - 1) * g.spacing()[2] };
		double[] centre = g.voxelToWorld(new double[] { (g.size(0) - 1) / 2.0, (g.size(1) - 1) / 2.0, (g.size(2) - 1) / 2.0 });
		double mm = 0.5;
		int w = (int) (size[0] / mm);
		int h = (int) ((isAxial ? size[1] : size[2]) / mm);
		PatchSpec spec = new PatchSpec(1, h, w, mm, mm, mm);
		float[] values = new float[spec.voxels()];
		sampler.sample(centre, spec, isAxial ? SpatialTransform.identity() : SpatialTransform.rotation(0, Math.PI / 2), values, 0);
		BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
		for (int j = 0; j < h; j++) {
			for (int i = 0; i < w; i++) {
				int row = isAxial ? j : h - 1 - j;
				image.getRaster().setSample(i, row, 0, (int) (255 * WINDOW.apply(values[j * w + i])));
			}
		}
		return image;
	}

	/** Writes gallery-nodules.png, gallery-false-positives.png, scan-axial.png and scan-coronal.png. */
	void write(Path dir) throws IOException {
		png(dir.resolve("gallery-nodules.png"), montage("Nodules (annotated) and a small excluded one", nodules));
		png(dir.resolve("gallery-false-positives.png"), montage("False-positive candidates", falsePositives));
		if (axial != null) {
			png(dir.resolve("scan-axial.png"), axial);
			png(dir.resolve("scan-coronal.png"), coronal);
		}
	}

	private static BufferedImage montage(String title, Map<String, List<BufferedImage>> rows) {
		int label = 190;
		int tileW = 2 * PIXELS + 2;
		int gap = 6;
		int header = 26;
		int width = label + EXAMPLES * (tileW + gap);
		int height = header + rows.size() * (PIXELS + gap);
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, width, height);
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
		g.drawString(title + " - each: axial | coronal, " + (int) FIELD_MM + " mm, lung window", 8, 18);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
		int y = header;
		for (Map.Entry<String, List<BufferedImage>> row : rows.entrySet()) {
			g.drawString(row.getKey(), 8, y + PIXELS / 2 + 5);
			int x = label;
			for (BufferedImage tile : row.getValue()) {
				g.drawImage(tile, x, y, null);
				x += tileW + gap;
			}
			y += PIXELS + gap;
		}
		g.dispose();
		return image;
	}

	private static void png(Path file, BufferedImage image) throws IOException {
		AtomicFiles.create(file, out -> {
			if (!ImageIO.write(image, "png", out)) {
				throw new IOException("no PNG writer");
			}
		});
	}
}
