package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Scale;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.Slices;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

/**
 * One scan, axial slice by slice, with an HU window applied: annotated nodules drawn as green circles of
 * their diameter, excluded findings grey, the run's candidates as circles coloured by score (yellow low, red
 * high) with the focused candidate marked. Mouse wheel or the slider moves through the slices.
 */
public class SliceView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.slices";
	private static final double CANDIDATE_RADIUS_MM = 4;

	private Canvas canvas;
	private Scale slider;
	private Combo windows;
	private Label info;
	private Volume volume;
	private String uid;
	private double[] focus;
	private HuWindow window;
	private final List<Annotation> nodules = new ArrayList<>();
	private final List<Annotation> excluded = new ArrayList<>();
	private final List<Prediction> candidates = new ArrayList<>();
	private int z;
	private Image image;
	private int imageZ = -1;

	@Override
	public void createPartControl(Composite parent) {
		Composite top = new Composite(parent, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(3).margins(4, 4).applyTo(top);
		new Label(top, SWT.NONE).setText("Window:");
		windows = new Combo(top, SWT.READ_ONLY);
		info = new Label(top, SWT.NONE);
		GridDataFactory.fillDefaults().grab(true, false).applyTo(info);
		canvas = new Canvas(top, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
		GridDataFactory.fillDefaults().grab(true, true).span(3, 1).applyTo(canvas);
		slider = new Scale(top, SWT.HORIZONTAL);
		GridDataFactory.fillDefaults().grab(true, false).span(3, 1).applyTo(slider);
		slider.addListener(SWT.Selection, e -> setSlice(slider.getSelection()));
		canvas.addPaintListener(e -> paint(e.gc));
		canvas.addListener(SWT.MouseVerticalWheel, e -> setSlice(z + (e.count > 0 ? 1 : -1)));
		WindowRegistry registry = WorkbenchServices.of(getSite()).get(WindowRegistry.class);
		for (ContributionDescriptor d : registry.descriptors()) {
			windows.add(d.id());
		}
		windows.addListener(SWT.Selection, e -> {
			try {
				window = registry.window(windows.getText());
				imageZ = -1;
				canvas.redraw();
			} catch (Exception ex) {
				info.setText(ex.getMessage());
			}
		});
		info.setText("Open a case from the error gallery");
	}

	/**
	 * Shows a scan at the slice through {@code focus} (world mm).
	 *
	 * @param predictions the run's predictions file (its candidates for this scan are drawn), or null
	 */
	public void show(Path datasetRoot, String seriesuid, double[] focusWorld, String windowId, Path predictions) throws IOException {
		Luna16Dataset data = Luna16Dataset.open(datasetRoot);
		Volume v = new ScanVolumes(data, WorkbenchServices.of(getSite()).get(VolumeReaderRegistry.class)).volume(seriesuid);
		List<Prediction> marks = new ArrayList<>();
		if (predictions != null && Files.exists(predictions)) {
			Luna16Csv.readPredictions(predictions, true).stream().filter(p -> p.seriesuid().equals(seriesuid)).forEach(marks::add);
		}
		List<Annotation> excludedHere = data.excluded().stream().filter(a -> a.seriesuid().equals(seriesuid)).toList();
		show(v, seriesuid, focusWorld, windowId, marks, data.annotationsOf(seriesuid), excludedHere);
	}

	/**
	 * Shows a volume held in memory (a screened scan) at the slice through {@code focus} (world mm).
	 *
	 * @param marks candidates or findings drawn as circles coloured by probability
	 * @param annotated nodules drawn green (none for a new scan)
	 * @param excludedFindings findings drawn grey
	 */
	public void show(Volume v, String seriesuid, double[] focusWorld, String windowId, List<Prediction> marks, List<Annotation> annotated,
			List<Annotation> excludedFindings) throws IOException {
		volume = v;
		uid = seriesuid;
		focus = focusWorld.clone();
		try {
			window = WorkbenchServices.of(getSite()).get(WindowRegistry.class).window(windowId);
		} catch (Exception e) {
			throw new IOException("window '" + windowId + "': " + e.getMessage(), e);
		}
		windows.setText(windowId);
		nodules.clear();
		nodules.addAll(annotated);
		excluded.clear();
		excluded.addAll(excludedFindings);
		candidates.clear();
		candidates.addAll(marks);
		VolumeGeometry g = volume.geometry();
		slider.setMinimum(0);
		slider.setMaximum(g.size(2) - 1);
		imageZ = -1;
		setSlice((int) Math.round(g.worldToVoxel(focus)[2]));
		setPartName("Slices: ..." + seriesuid.substring(Math.max(0, seriesuid.length() - 12)));
	}

	/** Goes to slice {@code index} (clamped). */
	public void setSlice(int index) {
		if (volume == null) {
			return;
		}
		z = Math.max(0, Math.min(volume.geometry().size(2) - 1, index));
		slider.setSelection(z);
		double zmm = volume.geometry().voxelToWorld(new double[] { 0, 0, z })[2];
		info.setText(String.format(Locale.ROOT, "%s  slice %d/%d (z %.1f mm)  %s window  %d nodule(s), %d candidate(s) in the scan", uid, z + 1,
				volume.geometry().size(2), zmm, window.id(), nodules.size(), candidates.size()));
		info.getParent().layout();
		canvas.redraw();
	}

	/** The slice shown. */
	public int slice() {
		return z;
	}

	/** The scan shown. */
	public String uid() {
		return uid;
	}

	/** Candidates drawn on the current slice (within their radius of it), for tests. */
	public List<Prediction> candidatesOnSlice() {
		List<Prediction> out = new ArrayList<>();
		for (Prediction p : candidates) {
			if (Math.abs(sliceDistanceMm(p.x(), p.y(), p.z())) <= CANDIDATE_RADIUS_MM) {
				out.add(p);
			}
		}
		return out;
	}

	private double sliceDistanceMm(double x, double y, double zw) {
		double[] v = volume.geometry().worldToVoxel(new double[] { x, y, zw });
		return (v[2] - z) * volume.geometry().spacing()[2];
	}

	private void paint(GC gc) {
		Rectangle area = canvas.getClientArea();
		gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_BLACK));
		gc.fillRectangle(area);
		if (volume == null) {
			return;
		}
		VolumeGeometry g = volume.geometry();
		if (imageZ != z || image == null) {
			if (image != null) {
				image.dispose();
			}
			image = new Image(canvas.getDisplay(), GreyImages.of(Slices.axial(volume, window, z), g.size(0), g.size(1)));
			imageZ = z;
		}
		double wmm = g.size(0) * g.spacing()[0];
		double hmm = g.size(1) * g.spacing()[1];
		double scale = Math.min(area.width / wmm, area.height / hmm); // pixels per mm
		int w = (int) Math.round(wmm * scale);
		int h = (int) Math.round(hmm * scale);
		int ox = (area.width - w) / 2;
		int oy = (area.height - h) / 2;
		gc.drawImage(image, 0, 0, g.size(0), g.size(1), ox, oy, w, h);
		gc.setAntialias(SWT.ON);
		gc.setLineWidth(2);
		for (Annotation a : excluded) {
			circle(gc, a.x(), a.y(), a.z(), Math.max(a.diameter(), 3) / 2, canvas.getDisplay().getSystemColor(SWT.COLOR_GRAY), scale, ox, oy);
		}
		for (Annotation a : nodules) {
			circle(gc, a.x(), a.y(), a.z(), a.diameter() / 2 + 2, canvas.getDisplay().getSystemColor(SWT.COLOR_GREEN), scale, ox, oy);
		}
		gc.setLineWidth(1);
		for (Prediction p : candidates) {
			int red = 255;
			int green = (int) Math.round(255 * (1 - Math.max(0, Math.min(1, p.probability()))));
			Color c = new Color(canvas.getDisplay(), red, green, 0);
			circle(gc, p.x(), p.y(), p.z(), CANDIDATE_RADIUS_MM, c, scale, ox, oy);
			c.dispose();
		}
		if (focus != null && Math.abs(sliceDistanceMm(focus[0], focus[1], focus[2])) <= CANDIDATE_RADIUS_MM) {
			double[] v = g.worldToVoxel(focus);
			int px = ox + (int) Math.round(v[0] * g.spacing()[0] * scale);
			int py = oy + (int) Math.round(v[1] * g.spacing()[1] * scale);
			gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_CYAN));
			gc.drawLine(px - 14, py, px - 6, py);
			gc.drawLine(px + 6, py, px + 14, py);
			gc.drawLine(px, py - 14, px, py - 6);
			gc.drawLine(px, py + 6, px, py + 14);
		}
	}

	/** A circle where the sphere of {@code radius} mm around the point cuts the slice. */
	private void circle(GC gc, double x, double y, double zw, double radius, Color colour, double scale, int ox, int oy) {
		double d = sliceDistanceMm(x, y, zw);
		if (Math.abs(d) > radius) {
			return;
		}
		double r = Math.sqrt(radius * radius - d * d);
		VolumeGeometry g = volume.geometry();
		double[] v = g.worldToVoxel(new double[] { x, y, zw });
		int px = ox + (int) Math.round(v[0] * g.spacing()[0] * scale);
		int py = oy + (int) Math.round(v[1] * g.spacing()[1] * scale);
		int pr = Math.max(2, (int) Math.round(r * scale));
		gc.setForeground(colour);
		gc.drawOval(px - pr, py - pr, 2 * pr, 2 * pr);
	}

	@Override
	public void setFocus() {
		canvas.setFocus();
	}

	@Override
	public void dispose() {
		if (image != null) {
			image.dispose();
		}
		super.dispose();
	}
}
