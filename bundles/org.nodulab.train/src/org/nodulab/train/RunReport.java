package org.nodulab.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.nodulab.core.io.AtomicFiles;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A run's {@code report.html}: one self-contained file (pictures embedded) that any browser shows
 * without Nodulab: the results, per-epoch curves of loss and CPM, the FROC plots, every epoch's
 * metrics and the resolved experiment.
 */
public final class RunReport {

	private static final Color[] COLORS = { new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
			new Color(148, 103, 189), new Color(255, 127, 14), new Color(23, 190, 207) };

	private RunReport() {
	}

	public static Path write(RunDirectory run) throws IOException {
		Path file = run.resolve(RunDirectory.REPORT);
		AtomicFiles.create(file, html(run));
		return file;
	}

	static String html(RunDirectory run) throws IOException {
		List<RunDirectory.EpochMetrics> metrics = run.metrics();
		JsonNode summary = run.readJson(RunDirectory.SUMMARY).orElse(null);
		JsonNode provenance = run.readJson(RunDirectory.PROVENANCE).orElse(null);
		StringBuilder h = new StringBuilder();
		h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(run.name()))
				.append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
						+ "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
						+ "th{background:#f3f3f3}td:first-child{text-align:left}pre{background:#f7f7f7;padding:1em;overflow:auto}"
						+ "img{max-width:100%}</style></head><body>\n");
		h.append("<h1>Run ").append(esc(run.name())).append("</h1>\n");
		if (provenance != null) {
			h.append("<p>Created ").append(esc(provenance.path("created").asText())).append(", seed ")
					.append(provenance.path("seed").asText()).append(", backend ")
					.append(esc(provenance.path("backend").path("name").asText())).append(", Java ")
					.append(esc(provenance.path("jvm").path("version").asText())).append(", ")
					.append(provenance.path("machine").path("cores").asText()).append(" cores. Training mean ")
					.append(provenance.path("trainingMean").path("mean").asText()).append(".</p>\n");
		}
		if (summary != null) {
			h.append("<h2>Results (test scans)</h2>\n<table><tr><th>model</th><th>architecture</th><th>best epoch</th>"
					+ "<th>validation CPM</th><th>test CPM</th></tr>\n");
			for (JsonNode m : summary.path("models")) {
				h.append("<tr><td>").append(esc(m.path("model").asText())).append("</td><td>")
						.append(esc(m.path("architecture").asText())).append("</td><td>").append(m.path("bestEpoch").asInt())
						.append("</td><td>").append(num(m.path("validationCpm"))).append("</td><td>")
						.append(num(m.path("testCpm"))).append("</td></tr>\n");
			}
			if (!summary.path("ensembleTestCpm").isNull() && !summary.path("ensembleTestCpm").isMissingNode()) {
				h.append("<tr><td><b>ensemble</b> (mean)</td><td></td><td></td><td></td><td><b>")
						.append(num(summary.path("ensembleTestCpm"))).append("</b></td></tr>\n");
			}
			h.append("</table>\n");
		} else {
			h.append("<p><b>The run has not finished.</b> Resume it with <code>nodulab resume ").append(esc(run.dir().toString()))
					.append("</code>.</p>\n");
		}
		if (!metrics.isEmpty()) {
			h.append("<h2>Training</h2>\n");
			h.append(img(curves(metrics, "Training loss", m -> m.trainLoss()), "training loss per epoch"));
			if (metrics.stream().anyMatch(m -> !Double.isNaN(m.validationLoss()))) {
				h.append(img(curves(metrics, "Validation loss", m -> m.validationLoss()), "validation loss per epoch"));
			}
			if (metrics.stream().anyMatch(m -> !Double.isNaN(m.trainAccuracy()))) {
				h.append(img(curves(metrics, "Training accuracy", m -> m.trainAccuracy()), "training accuracy per epoch"));
			}
			if (metrics.stream().anyMatch(m -> !Double.isNaN(m.validationAccuracy()))) {
				h.append(img(curves(metrics, "Validation accuracy", m -> m.validationAccuracy()), "validation accuracy per epoch"));
			}
			h.append(img(curves(metrics, "Validation CPM", m -> m.validationCpm()), "validation CPM per epoch"));
			h.append(img(curves(metrics, "Test CPM", m -> m.testCpm()), "test CPM per epoch"));
		}
		Path froc = run.resolve("froc");
		if (Files.isDirectory(froc)) {
			h.append("<h2>FROC (test scans)</h2>\n");
			try (Stream<Path> dirs = Files.list(froc)) {
				for (Path d : dirs.sorted().toList()) {
					try (Stream<Path> files = Files.list(d)) {
						for (Path png : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
							h.append("<h3>").append(esc(d.getFileName().toString())).append("</h3>\n");
							h.append("<img alt=\"FROC\" width=\"800\" src=\"data:image/png;base64,")
									.append(Base64.getEncoder().encodeToString(Files.readAllBytes(png))).append("\">\n");
						}
					}
				}
			}
		}
		if (!metrics.isEmpty()) {
			h.append("<h2>Every epoch</h2>\n<table><tr>");
			for (String c : RunDirectory.METRICS) {
				h.append("<th>").append(c).append("</th>");
			}
			h.append("</tr>\n");
			for (RunDirectory.EpochMetrics m : metrics) {
				h.append("<tr>");
				for (Object v : m.values()) {
					h.append("<td>").append(esc(String.valueOf(v))).append("</td>");
				}
				h.append("</tr>\n");
			}
			h.append("</table>\n");
		}
		h.append("<h2>Experiment</h2>\n<pre>").append(esc(Files.readString(run.resolve(RunDirectory.EXPERIMENT))))
				.append("</pre>\n");
		Path log = run.resolve("log.txt");
		if (Files.exists(log)) {
			h.append("<h2>Log</h2>\n<pre>").append(esc(Files.readString(log))).append("</pre>\n");
		}
		h.append("</body></html>\n");
		return h.toString();
	}

	private static String num(JsonNode n) {
		return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "-";
	}

	private static JFreeChart curves(List<RunDirectory.EpochMetrics> metrics, String title,
			java.util.function.ToDoubleFunction<RunDirectory.EpochMetrics> value) {
		Map<String, XYSeries> series = new LinkedHashMap<>();
		for (RunDirectory.EpochMetrics m : metrics) {
			double v = value.applyAsDouble(m);
			if (!Double.isNaN(v)) {
				series.computeIfAbsent(m.model(), k -> new XYSeries(k, true, false)).addOrUpdate(m.epoch(), v);
			}
		}
		XYSeriesCollection data = new XYSeriesCollection();
		series.values().forEach(data::addSeries);
		NumberAxis x = new NumberAxis("Epoch");
		x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
		NumberAxis y = new NumberAxis(title);
		y.setAutoRangeIncludesZero(false);
		XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
		for (int i = 0; i < series.size(); i++) {
			renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
			renderer.setSeriesStroke(i, new BasicStroke(2f));
		}
		XYPlot plot = new XYPlot(data, x, y, renderer);
		plot.setBackgroundPaint(Color.WHITE);
		plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
		plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
		JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
		chart.setBackgroundPaint(Color.WHITE);
		return chart;
	}

	private static String img(JFreeChart chart, String alt) throws IOException {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		ChartUtils.writeChartAsPNG(png, chart, 800, 360);
		return "<img alt=\"" + esc(alt) + "\" width=\"800\" src=\"data:image/png;base64,"
				+ Base64.getEncoder().encodeToString(png.toByteArray()) + "\">\n";
	}

	static String esc(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}
}
