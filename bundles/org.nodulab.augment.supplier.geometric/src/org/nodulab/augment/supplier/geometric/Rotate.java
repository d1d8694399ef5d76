package org.nodulab.augment.supplier.geometric;

import java.util.random.RandomGenerator;

import org.nodulab.augment.Augmentation;
import org.nodulab.augment.SpatialTransform;

/** Rotation by a random angle about z or about a random axis uniform on the sphere (Rodrigues' formula). */
public class Rotate implements Augmentation<RotateSettings> {

	@Override
	public int variants(RotateSettings settings) {
		return 0;
	}

	@Override
	public SpatialTransform variant(RotateSettings settings, int k) {
		throw new UnsupportedOperationException("rotate draws continuous angles and has no variants");
	}

	@Override
	public SpatialTransform draw(RotateSettings settings, RandomGenerator random) {
		double max = Math.toRadians(settings.maxDegrees);
		double angle = max == 0 ? 0 : random.nextDouble(-max, Math.nextUp(max));
		if (settings.axialOnly) {
			return SpatialTransform.rotation(2, angle);
		}
		double uz = random.nextDouble(-1, 1);
		double phi = random.nextDouble(0, 2 * Math.PI);
		double r = Math.sqrt(1 - uz * uz);
		return rotation(r * Math.cos(phi), r * Math.sin(phi), uz, angle);
	}

	/** Rotation matrix about the unit axis (x, y, z) by {@code angle} radians. */
	static SpatialTransform rotation(double x, double y, double z, double angle) {
		double c = Math.cos(angle);
		double s = Math.sin(angle);
		double t = 1 - c;
		double[] m = { t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c,
				t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c };
		return new SpatialTransform(m, new double[3]);
	}
}
