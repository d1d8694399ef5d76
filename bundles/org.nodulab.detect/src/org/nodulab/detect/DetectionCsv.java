package org.nodulab.detect;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.luna16.Formats;

/**
 * Writes detections as a LUNA16 candidate file: {@code seriesuid,coordX,coordY,coordZ,probability} (the
 * results format that {@code nodulab eval}, {@code nodulab dataset label} and experiments read) and
 * {@code diameter_mm}, the detector's size estimate, which those readers ignore. Coordinates are rounded to
 * 0.01 mm as in candidates_V2.csv. The file is written atomically and never replaces an existing one.
 */
public final class DetectionCsv {

	/** The header line. */
	public static final String HEADER = "seriesuid,coordX,coordY,coordZ,probability,diameter_mm";

	private DetectionCsv() {
	}

	/** The file's text for the scans in the given order, each scan's detections in theirs. */
	public static String text(Map<String, List<Detection>> byScan) {
		StringBuilder b = new StringBuilder(HEADER).append('\n');
		for (Map.Entry<String, List<Detection>> e : byScan.entrySet()) {
			for (Detection d : e.getValue()) {
				b.append(e.getKey()).append(',').append(round(d.x(), 2)).append(',').append(round(d.y(), 2)).append(',')
						.append(round(d.z(), 2)).append(',').append(round(d.probability(), 6)).append(',')
						.append(round(d.diameter(), 1)).append('\n');
			}
		}
		return b.toString();
	}

	/** Writes the file (atomically; an existing file is never replaced). */
	public static void write(Path file, Map<String, List<Detection>> byScan) throws IOException {
		AtomicFiles.create(file, text(byScan));
	}

	private static String round(double v, int digits) {
		return Formats.shortest(new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).doubleValue());
	}
}
