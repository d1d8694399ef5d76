package org.nodulab.eval.froc;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The FROC plot, rendered without a display: FPs per scan on a log2 axis from 1/8 to 8, sensitivity
 * 0..1, the curve with the CPM in its legend, the seven operating points marked, and the bootstrap
 * band with its mean when there is one. Several results can share one plot.
 */
public final class FrocPlot {

	private static final Color[] COLORS = { new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
			new Color(148, 103, 189), new Color(255, 127, 14), new Color(23, 190, 207) };

	private FrocPlot() {
	}

	/** Writes one result as PNG. */
	public static void write(FrocResult result, OutputStream out, int width, int height) throws IOException {
		write(List.of(result), "FROC performance - " + result.name(), out, width, height);
	}

	/** Writes several results on one plot as PNG. */
	public static void write(List<FrocResult> results, String title, OutputStream out, int width, int height)
			throws IOException {
		LogAxis x = new LogAxis("Average number of false positives per scan");
		x.setBase(2);
		x.setRange(0.125, 8);
		x.setTickUnit(new NumberTickUnit(1, new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT))));
		x.setNumberFormatOverride(new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
		x.setSmallestValue(1e-3);
		NumberAxis y = new NumberAxis("Sensitivity");
		y.setRange(0, 1);
		y.setTickUnit(new NumberTickUnit(0.1));

		XYPlot plot = new XYPlot();
		plot.setDomainAxis(x);
		plot.setRangeAxis(y);
		plot.setBackgroundPaint(Color.WHITE);
		plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
		plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

		int dataset = 0;
		for (int k = 0; k < results.size(); k++) {
			FrocResult r = results.get(k);
			Color color = COLORS[k % COLORS.length];
			FrocBootstrap bs = r.bootstrap();
			if (bs != null) {
				double[] grid = bs.grid();
				float[] mean = bs.mean();
				float[] lower = bs.lower();
				float[] upper = bs.upper();
				YIntervalSeries band = new YIntervalSeries(r.name() + " bootstrap " + Math.round(100 * r.confidence())
						+ "% band");
				XYSeries meanLine = new XYSeries(r.name() + " bootstrap mean", false, true);
				for (int i = 0; i < grid.length; i += 10) {
					if (Float.isFinite(lower[i]) && Float.isFinite(upper[i])) {
						band.add(grid[i], lower[i], lower[i], upper[i]);
					}
					if (Float.isFinite(mean[i])) {
						meanLine.add(grid[i], mean[i]);
					}
				}
				YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
				bands.addSeries(band);
				DeviationRenderer bandRenderer = new DeviationRenderer(false, false);
				bandRenderer.setSeriesFillPaint(0, color);
				bandRenderer.setSeriesPaint(0, color);
				bandRenderer.setAlpha(0.15f);
				plot.setDataset(dataset, bands);
				plot.setRenderer(dataset, bandRenderer);
				dataset++;
				if (!meanLine.isEmpty()) {
					XYLineAndShapeRenderer meanRenderer = new XYLineAndShapeRenderer(true, false);
					meanRenderer.setSeriesPaint(0, color);
					meanRenderer.setSeriesStroke(0, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
							new float[] { 6f, 4f }, 0f));
					plot.setDataset(dataset, new XYSeriesCollection(meanLine));
					plot.setRenderer(dataset, meanRenderer);
					dataset++;
				}
			}
			XYSeries curve = new XYSeries(String.format(Locale.ROOT, "%s (CPM %.3f)", r.name(), r.cpm()), false, true);
			double[] fps = r.curve().fps();
			double[] sens = r.curve().sensitivity();
			for (double rate : FrocBootstrap.linspace(0.125, 8, 2001)) {
				double s = FrocCurve.interp(rate, fps, sens);
				curve.add(rate, Double.isNaN(s) ? 0 : s);
			}
			XYSeries points = new XYSeries(r.name() + " at 1/8..8 FP/scan", false, true);
			double[] at = r.sensitivities();
			for (int i = 0; i < at.length; i++) {
				points.add(FrocCurve.CPM_RATES[i], at[i]);
			}
			XYSeriesCollection lines = new XYSeriesCollection();
			lines.addSeries(curve);
			lines.addSeries(points);
			XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
			renderer.setSeriesPaint(0, color);
			renderer.setSeriesStroke(0, new BasicStroke(2.5f));
			renderer.setSeriesShapesVisible(0, false);
			renderer.setSeriesPaint(1, color);
			renderer.setSeriesLinesVisible(1, false);
			renderer.setSeriesShapesVisible(1, true);
			renderer.setSeriesVisibleInLegend(1, false);
			plot.setDataset(dataset, lines);
			plot.setRenderer(dataset, renderer);
			dataset++;
		}
		JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
		chart.setBackgroundPaint(Color.WHITE);
		ChartUtils.writeChartAsPNG(out, chart, width, height);
	}
}
