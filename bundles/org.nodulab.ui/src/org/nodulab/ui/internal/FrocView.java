package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.events.PaintEvent;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swtchart.Chart;
import org.eclipse.swtchart.IAxis;
import org.eclipse.swtchart.ICustomPaintListener;
import org.eclipse.swtchart.ILegend;
import org.eclipse.swtchart.Range;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.eval.froc.FrocCurve;
import org.nodulab.train.FrocExport;
import org.nodulab.train.RunFroc;

/**
 * FROC curves of one or more runs (every model and the ensemble) on a log2 axis from 1/8 to 8 false
 * positives per scan, with the bootstrap bands shaded, the seven operating points marked and the CPM in
 * the legend. Exports the picture (PNG) and the plotted series (CSV).
 */
public class FrocView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.froc";
	static final double MIN_FPS = 0.125;
	static final double MAX_FPS = 8;

	private Chart chart;
	private final List<RunFroc.Curve> curves = new ArrayList<>();
	private final List<Color> colours = new ArrayList<>();

	@Override
	public void createPartControl(Composite parent) {
		chart = new Chart(parent, SWT.NONE);
		chart.getTitle().setText("FROC (test scans)");
		IAxis x = chart.getAxisSet().getXAxis(0);
		x.getTitle().setText("Average number of false positives per scan");
		x.enableLogScale(true);
		x.setLogScaleBase(2);
		x.getTick().setFormat(new Charts.FpsFormat());
		IAxis y = chart.getAxisSet().getYAxis(0);
		y.getTitle().setText("Sensitivity");
		chart.getLegend().setPosition(SWT.BOTTOM);
		chart.getPlotArea().addCustomPaintListener(new ICustomPaintListener() {
			@Override
			public void paintControl(PaintEvent e) {
				paintBands(e);
			}

			@Override
			public boolean drawBehindSeries() {
				return true;
			}
		});
		IToolBarManager toolbar = getViewSite().getActionBars().getToolBarManager();
		toolbar.add(new Action("Export PNG...") {
			@Override
			public void run() {
				String f = ask("*.png");
				if (f != null) {
					exportPng(Path.of(f));
				}
			}
		});
		toolbar.add(new Action("Export CSV...") {
			@Override
			public void run() {
				String f = ask("*.csv");
				if (f != null) {
					try {
						exportCsv(Path.of(f));
					} catch (IOException e) {
						MessageDialog.openError(getSite().getShell(), "Export CSV", e.getMessage());
					}
				}
			}
		});
		getViewSite().getActionBars().updateActionBars();
		axes();
	}

	/** Shows the test FROC curves of these runs (or the FROC of 'nodulab eval' output folders). */
	public void show(List<Path> runs) {
		curves.clear();
		List<String> problems = new ArrayList<>();
		for (Path run : runs) {
			try {
				List<RunFroc.Curve> c = RunFroc.readAny(run);
				if (c.isEmpty()) {
					problems.add(run.getFileName() + " has no FROC yet");
				}
				curves.addAll(c);
			} catch (IOException e) {
				problems.add(e.getMessage());
			}
		}
		Charts.clear(chart);
		colours.forEach(Color::dispose);
		colours.clear();
		for (int i = 0; i < curves.size(); i++) {
			RunFroc.Curve c = curves.get(i);
			Color colour = Charts.colour(chart.getDisplay(), i);
			colours.add(colour);
			double[][] xy = plotted(c.fps(), c.sensitivity());
			Charts.line(chart, c.label(), xy[0], xy[1], colour);
			Charts.points(chart, c.label() + " operating points", FrocCurve.CPM_RATES.clone(), c.operatingPoints().clone(), colour)
					.setVisibleInLegend(false);
		}
		setContentDescription(curves.size() + " curve(s) of " + runs.size() + " run(s)" + (problems.isEmpty() ? "" : "; " + problems));
		axes();
		chart.redraw();
	}

	/**
	 * The points drawn for a curve: its points strictly between 1/8 and 8 FPs per scan, and the curve's
	 * interpolated values at 1/8 and 8 (as the CPM reads them).
	 */
	static double[][] plotted(double[] fps, double[] sensitivity) {
		List<double[]> points = new ArrayList<>();
		if (fps.length == 0) {
			return new double[2][0];
		}
		points.add(new double[] { MIN_FPS, FrocCurve.interp(MIN_FPS, fps, sensitivity) });
		for (int i = 0; i < fps.length; i++) {
			if (fps[i] > MIN_FPS && fps[i] < MAX_FPS) {
				points.add(new double[] { fps[i], sensitivity[i] });
			}
		}
		points.add(new double[] { MAX_FPS, FrocCurve.interp(MAX_FPS, fps, sensitivity) });
		double[][] out = new double[2][points.size()];
		for (int i = 0; i < points.size(); i++) {
			out[0][i] = points.get(i)[0];
			out[1][i] = points.get(i)[1];
		}
		return out;
	}

	private void axes() {
		chart.getAxisSet().getXAxis(0).setRange(new Range(MIN_FPS / 1.1, MAX_FPS * 1.1));
		chart.getAxisSet().getYAxis(0).setRange(new Range(0, 1.02));
	}

	private void paintBands(PaintEvent e) {
		IAxis x = chart.getAxisSet().getXAxis(0);
		IAxis y = chart.getAxisSet().getYAxis(0);
		int alpha = e.gc.getAlpha();
		for (int i = 0; i < curves.size(); i++) {
			RunFroc.Curve c = curves.get(i);
			if (!c.hasBands()) {
				continue;
			}
			List<Integer> upper = new ArrayList<>();
			List<Integer> lower = new ArrayList<>();
			double[] f = c.bandFps();
			int step = Math.max(1, f.length / 400);
			for (int k = 0; k < f.length; k += step) {
				if (f[k] < MIN_FPS || f[k] > MAX_FPS) {
					continue;
				}
				int px = x.getPixelCoordinate(f[k]);
				upper.add(px);
				upper.add(y.getPixelCoordinate(c.bandHigh()[k]));
				lower.add(0, y.getPixelCoordinate(c.bandLow()[k]));
				lower.add(0, px);
			}
			if (upper.size() < 4) {
				continue;
			}
			List<Integer> polygon = new ArrayList<>(upper);
			polygon.addAll(lower);
			e.gc.setBackground(colours.get(i));
			e.gc.setAlpha(45);
			e.gc.fillPolygon(polygon.stream().mapToInt(Integer::intValue).toArray());
		}
		e.gc.setAlpha(alpha);
	}

	/** The curves shown (for tests and the export). */
	public List<RunFroc.Curve> curves() {
		return List.copyOf(curves);
	}

	/** The chart (for tests). */
	public Chart chart() {
		return chart;
	}

	/** The legend. */
	public ILegend legend() {
		return chart.getLegend();
	}

	/** Writes what the view shows as a PNG. */
	public void exportPng(Path file) {
		Screenshots.save(chart, file);
	}

	/** Writes the plotted series (curves, operating points, bands) as a CSV file (replacing one the user chose to overwrite). */
	public void exportCsv(Path file) throws IOException {
		AtomicFiles.replace(file, FrocExport.csv(curves));
	}

	private String ask(String extension) {
		FileDialog d = new FileDialog(getSite().getShell(), SWT.SAVE);
		d.setFilterExtensions(new String[] { extension });
		d.setOverwrite(true);
		return d.open();
	}

	@Override
	public void setFocus() {
		chart.setFocus();
	}

	@Override
	public void dispose() {
		colours.forEach(Color::dispose);
		super.dispose();
	}
}
