package org.nodulab.ui.internal;

import java.text.FieldPosition;
import java.text.Format;
import java.text.ParsePosition;
import java.util.Locale;

import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swtchart.Chart;
import org.eclipse.swtchart.ILineSeries;
import org.eclipse.swtchart.ISeries;
import org.eclipse.swtchart.ISeries.SeriesType;
import org.eclipse.swtchart.LineStyle;

/** What the workbench's SWTChart charts share: colours and series helpers. */
final class Charts {

	private static final RGB[] PALETTE = { new RGB(31, 119, 180), new RGB(214, 39, 40), new RGB(44, 160, 44), new RGB(255, 127, 14),
			new RGB(148, 103, 189), new RGB(140, 86, 75), new RGB(227, 119, 194), new RGB(127, 127, 127), new RGB(188, 189, 34),
			new RGB(23, 190, 207) };

	private Charts() {
	}

	static Color colour(Display display, int i) {
		return new Color(display, PALETTE[i % PALETTE.length]);
	}

	static ILineSeries<?> line(Chart chart, String id, double[] x, double[] y, Color colour) {
		ILineSeries<?> s = (ILineSeries<?>) chart.getSeriesSet().createSeries(SeriesType.LINE, id);
		s.setXSeries(x);
		s.setYSeries(y);
		s.setLineColor(colour);
		s.setSymbolType(ILineSeries.PlotSymbolType.NONE);
		s.setLineWidth(2);
		s.setAntialias(org.eclipse.swt.SWT.ON);
		return s;
	}

	static ILineSeries<?> points(Chart chart, String id, double[] x, double[] y, Color colour) {
		ILineSeries<?> s = (ILineSeries<?>) chart.getSeriesSet().createSeries(SeriesType.LINE, id);
		s.setXSeries(x);
		s.setYSeries(y);
		s.setLineStyle(LineStyle.NONE);
		s.setSymbolType(ILineSeries.PlotSymbolType.CIRCLE);
		s.setSymbolSize(4);
		s.setSymbolColor(colour);
		return s;
	}

	static void clear(Chart chart) {
		for (ISeries<?> s : chart.getSeriesSet().getSeries()) {
			chart.getSeriesSet().deleteSeries(s.getId());
		}
	}

	/** Tick labels of a log2 FP axis: 1/8, 1/4, 1/2, 1, 2, 4, 8. */
	static final class FpsFormat extends Format {
		private static final long serialVersionUID = 1L;

		@Override
		public StringBuffer format(Object value, StringBuffer to, FieldPosition pos) {
			double v = ((Number) value).doubleValue();
			if (v > 0 && v < 1) {
				double inverse = 1 / v;
				return Math.abs(inverse - Math.rint(inverse)) < 1e-6 ? to.append("1/").append((long) Math.rint(inverse))
						: to.append(String.format(Locale.ROOT, "%.3g", v));
			}
			return Math.abs(v - Math.rint(v)) < 1e-6 ? to.append((long) Math.rint(v)) : to.append(String.format(Locale.ROOT, "%.3g", v));
		}

		/** Reads what {@link #format} writes (SWTChart parses its tick labels back). */
		@Override
		public Object parseObject(String source, ParsePosition pos) {
			String s = source.substring(pos.getIndex()).strip();
			try {
				double v;
				int slash = s.indexOf('/');
				if (slash > 0) {
					v = Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1));
				} else {
					v = Double.parseDouble(s);
				}
				pos.setIndex(source.length());
				return v;
			} catch (NumberFormatException e) {
				pos.setErrorIndex(pos.getIndex());
				return null;
			}
		}
	}
}
