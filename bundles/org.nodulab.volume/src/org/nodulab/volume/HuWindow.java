package org.nodulab.volume;

/**
 * An intensity window in Hounsfield units: values below {@code min} map to 0, above {@code max} to 1,
 * linear in between.
 */
public record HuWindow(String id, double min, double max) {

	public HuWindow {
		if (!(Double.isFinite(min) && Double.isFinite(max) && min < max)) {
			throw new IllegalArgumentException("window " + id + ": need finite min < max, got " + min + ".." + max);
		}
	}

	/** A window given as level (centre) and width, as radiologists state them. */
	public static HuWindow ofLevelWidth(String id, double level, double width) {
		return new HuWindow(id, level - width / 2, level + width / 2);
	}

	public double level() {
		return (min + max) / 2;
	}

	public double width() {
		return max - min;
	}

	/** The HU value scaled to [0, 1]. */
	public float apply(double hu) {
		if (hu <= min) {
			return 0f;
		}
		if (hu >= max) {
			return 1f;
		}
		return (float) ((hu - min) / (max - min));
	}
}
