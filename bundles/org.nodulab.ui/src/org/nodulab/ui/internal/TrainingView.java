package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swtchart.Chart;
import org.eclipse.swtchart.IAxis;
import org.eclipse.swtchart.ILineSeries;
import org.eclipse.swtchart.LineStyle;
import org.eclipse.swtchart.Range;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.train.CrossValidation;
import org.nodulab.train.RunDirectory;

/**
 * Training curves of a run: training and validation loss (left axis), validation and test CPM and training and
 * validation accuracy (right axis) per epoch, for each
 * model. Live: it re-reads the run's metrics.csv when it grows, and follows the job that is running.
 */
public class TrainingView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.training";
	private static final int POLL_MILLIS = 2000;

	private Chart chart;
	private Path run;
	private long seenSize = -1;
	private int cpmAxis;
	private final List<Color> colours = new ArrayList<>();
	private IAction follow;
	private JobQueue queue;
	private final JobQueue.Listener listener = new JobQueue.Listener() {
		@Override
		public void changed(JobRecord job) {
			if (job.state() == JobRecord.State.RUNNING && job.runDir() != null && follow.isChecked()) {
				Path dir = Path.of(job.runDir());
				chart.getDisplay().asyncExec(() -> {
					if (!chart.isDisposed()) {
						show(dir);
					}
				});
			}
		}
	};
	private final Runnable poll = new Runnable() {
		@Override
		public void run() {
			if (chart.isDisposed()) {
				return;
			}
			if (run != null) {
				Path csv = metricsFile();
				long size = csv == null ? -1 : csv.toFile().length();
				if (size != seenSize) {
					reload();
				}
			}
			chart.getDisplay().timerExec(POLL_MILLIS, this);
		}
	};

	@Override
	public void createPartControl(Composite parent) {
		chart = new Chart(parent, SWT.NONE);
		chart.getTitle().setText("Training");
		IAxis x = chart.getAxisSet().getXAxis(0);
		x.getTitle().setText("Epoch");
		IAxis loss = chart.getAxisSet().getYAxis(0);
		loss.getTitle().setText("Training loss");
		cpmAxis = chart.getAxisSet().createYAxis();
		IAxis cpm = chart.getAxisSet().getYAxis(cpmAxis);
		cpm.setPosition(IAxis.Position.Secondary);
		cpm.getTitle().setText("CPM (validation dashed, test dotted)");
		chart.getLegend().setPosition(SWT.BOTTOM);
		follow = new Action("Follow running job", IAction.AS_CHECK_BOX) {
		};
		follow.setChecked(true);
		follow.setToolTipText("Show the run of the job that is training now");
		getViewSite().getActionBars().getToolBarManager().add(follow);
		getViewSite().getActionBars().updateActionBars();
		queue = WorkbenchServices.of(getSite()).queue();
		queue.addListener(listener);
		queue.jobs().stream().filter(r -> r.state() == JobRecord.State.RUNNING && r.runDir() != null).findFirst()
				.ifPresent(r -> show(Path.of(r.runDir())));
		Display.getCurrent().timerExec(POLL_MILLIS, poll);
	}

	/** Shows a run (or a cross-validation's latest fold) and keeps it current. */
	public void show(Path dir) {
		run = dir;
		seenSize = -2;
		reload();
	}

	/** The run shown. */
	public Path run() {
		return run;
	}

	/** The chart (for tests). */
	public Chart chart() {
		return chart;
	}

	private Path runFolder() {
		if (run != null && CrossValidation.isCrossValidation(run)) {
			Path latest = null;
			for (int k = 0; Files.isDirectory(run.resolve("fold-" + k)); k++) {
				latest = run.resolve("fold-" + k);
			}
			return latest;
		}
		return run;
	}

	private Path metricsFile() {
		Path r = runFolder();
		return r == null ? null : r.resolve("metrics.csv");
	}

	private void reload() {
		Path folder = runFolder();
		Charts.clear(chart);
		colours.forEach(Color::dispose);
		colours.clear();
		if (folder == null || !RunDirectory.isRun(folder)) {
			setContentDescription(run == null ? "No run: select one in Runs (Training), or start a job" : run + " has no training yet");
			chart.redraw();
			return;
		}
		List<RunDirectory.EpochMetrics> metrics;
		try {
			metrics = RunDirectory.open(folder).metrics();
			Path csv = folder.resolve("metrics.csv");
			seenSize = Files.exists(csv) ? Files.size(csv) : -1;
		} catch (IOException | RuntimeException e) {
			setContentDescription(folder + ": " + e.getMessage());
			return;
		}
		Map<String, List<RunDirectory.EpochMetrics>> byModel = new LinkedHashMap<>();
		for (RunDirectory.EpochMetrics m : metrics) {
			byModel.computeIfAbsent(m.model(), k -> new ArrayList<>()).add(m);
		}
		int i = 0;
		int epochs = 1;
		for (Map.Entry<String, List<RunDirectory.EpochMetrics>> e : byModel.entrySet()) {
			List<RunDirectory.EpochMetrics> rows = e.getValue();
			epochs = Math.max(epochs, rows.size());
			// no training loss for a model evaluated as it is (0 epochs) or where the loss diverged: left out, not plotted as NaN
			int[] trained = java.util.stream.IntStream.range(0, rows.size()).filter(k -> !Double.isNaN(rows.get(k).trainLoss())).toArray();
			double[] x = java.util.Arrays.stream(trained).mapToDouble(k -> k + 1).toArray();
			double[] loss = java.util.Arrays.stream(trained).mapToDouble(k -> rows.get(k).trainLoss()).toArray();
			Color colour = Charts.colour(chart.getDisplay(), i++);
			colours.add(colour);
			if (trained.length > 0) {
				Charts.line(chart, e.getKey() + " loss", x, loss, colour);
			}
			series(e.getKey() + " validation loss", rows, RunDirectory.EpochMetrics::validationLoss, false, colour, LineStyle.DASHDOT);
			series(e.getKey() + " validation CPM", rows, RunDirectory.EpochMetrics::validationCpm, true, colour, LineStyle.DASH);
			series(e.getKey() + " test CPM", rows, RunDirectory.EpochMetrics::testCpm, true, colour, LineStyle.DOT);
			series(e.getKey() + " training accuracy", rows, RunDirectory.EpochMetrics::trainAccuracy, true, colour, LineStyle.SOLID);
			series(e.getKey() + " validation accuracy", rows, RunDirectory.EpochMetrics::validationAccuracy, true, colour,
					LineStyle.DASHDOTDOT);
		}
		chart.getAxisSet().getXAxis(0).setRange(new Range(0.5, epochs + 0.5));
		chart.getAxisSet().getYAxis(0).adjustRange();
		chart.getAxisSet().getYAxis(cpmAxis).setRange(new Range(0, 1.02));
		setContentDescription(folder + ": " + metrics.size() + " epoch(s)" + (Files.exists(folder.resolve(RunDirectory.SUMMARY)) ? ", finished" : ", live"));
		chart.redraw();
	}

	/** A per-epoch figure as a series with symbols: on the 0..1 axis (CPM, accuracy) or the loss axis. */
	private void series(String id, List<RunDirectory.EpochMetrics> rows, java.util.function.ToDoubleFunction<RunDirectory.EpochMetrics> value,
			boolean unitAxis, Color colour, LineStyle style) {
		List<double[]> points = new ArrayList<>();
		for (int k = 0; k < rows.size(); k++) {
			double v = value.applyAsDouble(rows.get(k));
			if (!Double.isNaN(v)) {
				points.add(new double[] { k + 1, v });
			}
		}
		if (points.isEmpty()) {
			return;
		}
		ILineSeries<?> s = Charts.line(chart, id, points.stream().mapToDouble(p -> p[0]).toArray(),
				points.stream().mapToDouble(p -> p[1]).toArray(), colour);
		s.setLineStyle(style);
		if (unitAxis) {
			s.setYAxisId(cpmAxis);
		}
		s.setSymbolType(ILineSeries.PlotSymbolType.CIRCLE);
		s.setSymbolSize(3);
		s.setSymbolColor(colour);
	}

	@Override
	public void setFocus() {
		chart.setFocus();
	}

	@Override
	public void dispose() {
		if (queue != null) {
			queue.removeListener(listener);
		}
		colours.forEach(Color::dispose);
		super.dispose();
	}
}
