package org.nodulab.luna16;

/**
 * The LUNA16 hit test, as the official evaluation script applies it: a mark hits a finding when its
 * squared distance to the finding's centre is below the squared radius; a finding without a diameter
 * (negative, as in {@code annotations_excluded.csv}) counts as 10 mm. The FROC analysis and the
 * labelling of a detector's output use this one rule.
 */
public final class HitRule {

	private HitRule() {
	}

	/** The squared radius (mm²) a mark must be within. */
	public static double radiusSquared(Annotation a) {
		double diameter = a.diameter() < 0 ? 10.0 : a.diameter();
		return Math.pow(diameter / 2.0, 2.0);
	}

	/** Whether the world position (x, y, z) hits the finding. */
	public static boolean hits(Annotation a, double x, double y, double z) {
		double dx = a.x() - x;
		double dy = a.y() - y;
		double dz = a.z() - z;
		return dx * dx + dy * dy + dz * dz < radiusSquared(a);
	}
}
