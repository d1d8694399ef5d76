package org.nodulab.detect;

import java.util.List;
import java.util.Map;

/**
 * What a detector found in one scan.
 *
 * @param detections the candidates, best first
 * @param facts what the detector measured on the way, in the order to show them (lung volume, grid,
 *            maxima before merging, seconds per step), for logs and reports
 */
public record DetectionResult(List<Detection> detections, Map<String, String> facts) {

	public DetectionResult {
		detections = List.copyOf(detections);
		facts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
	}
}
