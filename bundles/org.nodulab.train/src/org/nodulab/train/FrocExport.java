package org.nodulab.train;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.eval.froc.FrocCurve;

/** The FROC view's export: every plotted series of the curves as one CSV. */
public final class FrocExport {

	private FrocExport() {
	}

	/** Columns run, curve, cpm, series (curve, operating-point, band-mean, band-low, band-high), fps, sensitivity. */
	public static AtomicFiles.Content csv(List<RunFroc.Curve> curves) {
		return out -> {
			Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
			try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n')
					.setHeader("run", "curve", "cpm", "series", "fps", "sensitivity").get())) {
				for (RunFroc.Curve c : curves) {
					rows(p, c, "curve", c.fps(), c.sensitivity());
					rows(p, c, "operating-point", FrocCurve.CPM_RATES, c.operatingPoints());
					rows(p, c, "band-mean", c.bandFps(), c.bandMean());
					rows(p, c, "band-low", c.bandFps(), c.bandLow());
					rows(p, c, "band-high", c.bandFps(), c.bandHigh());
				}
			}
		};
	}

	private static void rows(CSVPrinter p, RunFroc.Curve c, String series, double[] x, double[] y) throws IOException {
		for (int i = 0; i < x.length; i++) {
			p.printRecord(c.run(), c.name(), c.cpm(), series, x[i], y[i]);
		}
	}
}
