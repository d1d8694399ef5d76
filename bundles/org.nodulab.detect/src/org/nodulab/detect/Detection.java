package org.nodulab.detect;

/**
 * One candidate found by a detector.
 *
 * @param x world position (mm), as LUNA16's coordX
 * @param y world position (mm), as coordY
 * @param z world position (mm), as coordZ
 * @param diameter estimated diameter (mm)
 * @param score the detector's own response (larger is more nodule-like; units are the detector's)
 * @param probability the score mapped monotonically into [0, 1] for LUNA16 files (not calibrated)
 */
public record Detection(double x, double y, double z, double diameter, double score, double probability) {

	public Detection {
		if (!(Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z))) {
			throw new IllegalArgumentException("a detection needs a finite position, got " + x + ", " + y + ", " + z);
		}
		if (!(probability >= 0 && probability <= 1)) {
			throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
		}
	}

	public double[] position() {
		return new double[] { x, y, z };
	}
}
