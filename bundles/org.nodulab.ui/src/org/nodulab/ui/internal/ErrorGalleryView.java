package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.train.ErrorCases;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.Slices;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

/**
 * What a model gets most wrong on a run's test scans: the lowest-scored positives and the highest-scored
 * negatives, each as axial, coronal and sagittal thumbnails through the candidate (the run's HU window,
 * 48 mm field) with score, nodule diameter and scan. A click opens the slice viewer on that scan.
 */
public class ErrorGalleryView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.errors";
	static final int COUNT = 8;
	static final int PIXELS = 64;
	static final double FIELD_MM = 48;

	/** A case with its three thumbnails (axial, coronal, sagittal; grey bytes). */
	public record Thumbnail(ErrorCases.Case item, byte[][] planes) {
	}

	private ScrolledComposite scroller;
	private Composite content;
	private Combo models;
	private Label status;
	private Path run;
	private Path dataset;
	private String windowId = "lung";
	private final List<Thumbnail> thumbnails = new ArrayList<>();
	private final List<Image> images = new ArrayList<>();
	private final List<Canvas> canvases = new ArrayList<>();
	private volatile boolean loading;

	@Override
	public void createPartControl(Composite parent) {
		Composite top = new Composite(parent, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(3).margins(4, 4).applyTo(top);
		new Label(top, SWT.NONE).setText("Predictions:");
		models = new Combo(top, SWT.READ_ONLY);
		models.addListener(SWT.Selection, e -> {
			if (run != null) {
				show(run, models.getText());
			}
		});
		status = new Label(top, SWT.NONE);
		GridDataFactory.fillDefaults().grab(true, false).applyTo(status);
		scroller = new ScrolledComposite(top, SWT.V_SCROLL | SWT.H_SCROLL);
		GridDataFactory.fillDefaults().grab(true, true).span(3, 1).applyTo(scroller);
		scroller.setExpandHorizontal(true);
		content = new Composite(scroller, SWT.NONE);
		content.setLayout(new GridLayout(3, true));
		scroller.setContent(content);
		status.setText("Select a run in Runs and choose Errors");
	}

	/** Loads the gallery of a run's model ({@code null}: the ensemble when there is one) in the background. */
	public void show(Path runDir, String model) {
		run = runDir;
		List<String> available;
		try {
			available = ErrorCases.models(runDir);
		} catch (IOException e) {
			status.setText(e.getMessage());
			return;
		}
		if (available.isEmpty()) {
			status.setText(runDir.getFileName() + " has no test predictions yet");
			clear();
			return;
		}
		String chosen = model != null && available.contains(model) ? model : available.contains("ensemble") ? "ensemble" : available.get(0);
		models.setItems(available.toArray(String[]::new));
		models.select(available.indexOf(chosen));
		status.setText("loading " + chosen + " of " + runDir.getFileName() + "...");
		status.getParent().layout();
		loading = true;
		Display display = Display.getCurrent();
		Job job = new Job("Error gallery of " + runDir.getFileName()) {
			@Override
			protected IStatus run(IProgressMonitor monitor) {
				try {
					List<Thumbnail> loaded = load(runDir, chosen);
					display.asyncExec(() -> shown(runDir, loaded, null));
				} catch (IOException | RuntimeException e) {
					display.asyncExec(() -> shown(runDir, List.of(), e.getMessage()));
				}
				return Status.OK_STATUS;
			}
		};
		job.setSystem(true);
		job.schedule();
	}

	private List<Thumbnail> load(Path runDir, String model) throws IOException {
		Path root = ErrorCases.datasetOf(runDir);
		Luna16Dataset data = Luna16Dataset.open(root);
		ErrorCases.Errors errors = ErrorCases.find(runDir, model, data.annotations(), data.excluded(), COUNT);
		String window = windowOf(runDir);
		HuWindow hu;
		try {
			hu = WorkbenchServices.of(getSite()).get(WindowRegistry.class).window(window);
		} catch (org.nodulab.core.registry.ContributionException e) {
			throw new IOException("the run's HU window: " + e.getMessage(), e);
		}
		ScanVolumes volumes = new ScanVolumes(data, WorkbenchServices.of(getSite()).get(VolumeReaderRegistry.class));
		List<Thumbnail> out = new ArrayList<>();
		List<ErrorCases.Case> all = new ArrayList<>(errors.missedPositives());
		all.addAll(errors.falsePositives());
		for (ErrorCases.Case c : all) {
			Volume v = volumes.volume(c.seriesuid());
			double[] centre = { c.x(), c.y(), c.z() };
			byte[][] planes = new byte[3][];
			for (Slices.Plane p : Slices.Plane.values()) {
				planes[p.ordinal()] = Slices.render(v, hu, p, centre, FIELD_MM, PIXELS);
			}
			out.add(new Thumbnail(c, planes));
		}
		synchronized (this) {
			dataset = root;
			windowId = window;
		}
		return out;
	}

	static String windowOf(Path runDir) {
		try {
			return org.nodulab.train.RunDirectory.experimentTree(runDir).path("preprocessing").path("window").asText("lung");
		} catch (IOException e) {
			return "lung";
		}
	}


	private void shown(Path runDir, List<Thumbnail> loaded, String problem) {
		loading = false;
		if (content.isDisposed() || !runDir.equals(run)) {
			return;
		}
		clear();
		thumbnails.addAll(loaded);
		if (problem != null) {
			status.setText(problem);
			return;
		}
		long positives = loaded.stream().filter(t -> t.item().positive()).count();
		status.setText(String.format(Locale.ROOT, "%s: %d lowest-scored positives, %d highest-scored negatives (axial | coronal | sagittal, %s window, %.0f mm)",
				runDir.getFileName(), positives, loaded.size() - positives, windowId, FIELD_MM));
		heading("Lowest-scored positives (missed nodules)");
		loaded.stream().filter(t -> t.item().positive()).forEach(this::tile);
		heading("Highest-scored negatives (false positives)");
		loaded.stream().filter(t -> !t.item().positive()).forEach(this::tile);
		content.setSize(content.computeSize(scroller.getClientArea().width, SWT.DEFAULT));
		content.layout(true, true);
		status.getParent().layout();
	}

	private void heading(String text) {
		Label l = new Label(content, SWT.NONE);
		l.setText(text);
		l.setFont(org.eclipse.jface.resource.JFaceResources.getBannerFont());
		GridDataFactory.fillDefaults().span(3, 1).applyTo(l);
	}

	private void tile(Thumbnail t) {
		Composite cell = new Composite(content, SWT.BORDER);
		GridLayoutFactory.fillDefaults().margins(2, 2).applyTo(cell);
		Canvas canvas = new Canvas(cell, SWT.NONE);
		int size = 96; // pixels a plane on screen
		GridDataFactory.swtDefaults().hint(3 * (size + 2), size).applyTo(canvas);
		Image[] planes = new Image[3];
		for (int p = 0; p < 3; p++) {
			planes[p] = new Image(canvas.getDisplay(), GreyImages.of(t.planes()[p], PIXELS, PIXELS));
			images.add(planes[p]);
		}
		canvas.addPaintListener(e -> {
			for (int p = 0; p < 3; p++) {
				e.gc.drawImage(planes[p], 0, 0, PIXELS, PIXELS, p * (size + 2), 0, size, size);
			}
			e.gc.setForeground(e.display.getSystemColor(t.item().positive() ? SWT.COLOR_GREEN : SWT.COLOR_RED));
			for (int p = 0; p < 3; p++) { // the candidate at the centre
				int cx = p * (size + 2) + size / 2;
				e.gc.drawLine(cx - 6, size / 2, cx - 2, size / 2);
				e.gc.drawLine(cx + 2, size / 2, cx + 6, size / 2);
			}
		});
		canvas.addListener(SWT.MouseDown, e -> open(thumbnails.indexOf(t)));
		canvas.setToolTipText("Open the slice viewer on this scan");
		canvases.add(canvas);
		Label l = new Label(cell, SWT.WRAP);
		ErrorCases.Case c = t.item();
		String uid = c.seriesuid();
		l.setText(String.format(Locale.ROOT, "#%d score %.4f%s%n...%s", c.rank(), c.score(),
				c.positive() ? String.format(Locale.ROOT, ", nodule %.1f mm", c.diameter()) : "", uid.substring(Math.max(0, uid.length() - 18))));
		l.setToolTipText(uid + String.format(Locale.ROOT, " (%.1f, %.1f, %.1f)", c.x(), c.y(), c.z()));
		GridDataFactory.fillDefaults().hint(size * 3, SWT.DEFAULT).applyTo(l);
	}

	/** Opens the slice viewer on thumbnail {@code index} (what a click does). */
	public SliceView open(int index) {
		Thumbnail t = thumbnails.get(index);
		try {
			SliceView v = (SliceView) getSite().getPage().showView(SliceView.ID, null, IWorkbenchPage.VIEW_ACTIVATE);
			v.show(dataset, t.item().seriesuid(), new double[] { t.item().x(), t.item().y(), t.item().z() }, windowId,
					run.resolve("predictions/" + models.getText() + "-test.csv"));
			return v;
		} catch (PartInitException | IOException e) {
			MessageDialog.openError(getSite().getShell(), "Slice viewer", e.getMessage());
			return null;
		}
	}

	/** The thumbnails shown, positives first (for tests). */
	public List<Thumbnail> thumbnails() {
		return List.copyOf(thumbnails);
	}

	/** Whether it is still loading. */
	public boolean loading() {
		return loading;
	}

	/** The tile canvases, in the order of {@link #thumbnails()}. */
	public List<Canvas> canvases() {
		return List.copyOf(canvases);
	}

	private void clear() {
		for (Control c : content.getChildren()) {
			c.dispose();
		}
		images.forEach(Image::dispose);
		images.clear();
		thumbnails.clear();
		canvases.clear();
	}

	@Override
	public void setFocus() {
		content.setFocus();
	}

	@Override
	public void dispose() {
		images.forEach(Image::dispose);
		super.dispose();
	}
}
