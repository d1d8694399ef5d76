package org.nodulab.preprocess;

import org.nodulab.volume.HuWindow;

/**
 * HU window to [0, 1], then the training mean subtracted (0 when mean subtraction is off). The mean
 * is computed once on the training data and recorded with the run.
 */
public record IntensityNormalizer(HuWindow window, float mean) {

	/** Normalises {@code values[offset .. offset + length)} in place. */
	public void apply(float[] values, int offset, int length) {
		float lo = (float) window.min();
		float scale = (float) (1 / (window.max() - window.min()));
		for (int i = offset; i < offset + length; i++) {
			float v = (values[i] - lo) * scale;
			values[i] = (v < 0 ? 0 : v > 1 ? 1 : v) - mean;
		}
	}
}
