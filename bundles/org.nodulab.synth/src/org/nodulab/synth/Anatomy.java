package org.nodulab.synth;

import java.util.SplittableRandom;

/**
 * The shapes of one phantom chest in world millimetres (LPS, as LUNA16: x to the patient's left, y to
 * the back, z up): an elliptic body with subcutaneous fat, chest wall muscle, ribs and a vertebra;
 * two lungs as deformed ellipsoids closed at apex and base, the left one notched by the heart; a
 * trachea above the carina. Sizes are those of a small adult scaled down along z, so that a whole
 * chest fits a demo-sized volume; nodules and vessels keep real sizes.
 */
final class Anatomy {

	/** One lung: centre, semi-axes, shape modulation and side (-1 right, +1 left). */
	static final class Lung {
		final double cx;
		final double cy;
		final double cz;
		final double ax;
		final double ay;
		final double az;
		final int side;
		final double[] phase = new double[3];
		final double[] amplitude = new double[3];

		Lung(double cx, double cy, double cz, double ax, double ay, double az, int side, SplittableRandom r) {
			this.cx = cx;
			this.cy = cy;
			this.cz = cz;
			this.ax = ax;
			this.ay = ay;
			this.az = az;
			this.side = side;
			for (int i = 0; i < 3; i++) {
				phase[i] = r.nextDouble(0, 2 * Math.PI);
				amplitude[i] = r.nextDouble(0.02, 0.06);
			}
		}

		/** Approximate signed distance (mm) to this lung's ellipsoid surface, ignoring the heart. */
		double distance(double x, double y, double z) {
			double u = (x - cx) / ax;
			double v = (y - cy) / ay;
			double w = (z - cz) / az;
			// a smooth low-frequency deformation of the ellipsoid (no angular coordinates: no seams)
			double m = 1 + amplitude[0] * Math.sin(2.1 * u + 1.3 * v + phase[0])
					+ amplitude[1] * Math.sin(1.7 * v - 2.3 * w + phase[1])
					+ amplitude[2] * Math.sin(2.9 * w + 0.9 * u + phase[2]);
			double q = (u * u + v * v + w * w) / (m * m);
			double gx = u / ax;
			double gy = v / ay;
			double gz = w / az;
			double grad = 2 * Math.sqrt(gx * gx + gy * gy + gz * gz) / (m * m);
			return (q - 1) / Math.max(grad, 1e-3);
		}
	}

	final double bodyX;
	final double bodyY;
	final double bodyA;
	final double bodyB;
	final double fat;
	final double wall;
	final double zTop;
	final double zBottom;
	final Lung right;
	final Lung left;
	final double heartX;
	final double heartY;
	final double heartZ;
	final double heartA;
	final double heartB;
	final double heartC;
	final double tracheaX;
	final double tracheaY;
	final double tracheaR;
	final double tracheaBottom;
	final double spineY;
	final double spineR;
	final double ribPeriod;
	final double ribPhase;
	final double ribTilt;
	/** Mean HU of the lung parenchyma (depth of inspiration) and its gradient to the back (HU per mm). */
	final double parenchymaHu;
	final double dependentHuPerMm;

	/**
	 * @param centerZ z (mm) of the middle of the lungs
	 * @param lungHeight mm from apex to base
	 */
	Anatomy(SplittableRandom r, double centerX, double centerY, double centerZ, double lungHeight) {
		bodyX = centerX;
		bodyY = centerY;
		bodyA = r.nextDouble(112, 128);
		bodyB = r.nextDouble(80, 92);
		fat = r.nextDouble(6, 16);
		wall = r.nextDouble(8, 12);
		zTop = centerZ + lungHeight / 2;
		zBottom = centerZ - lungHeight / 2;
		double lx = bodyA * r.nextDouble(0.47, 0.52);
		double ax = bodyA * r.nextDouble(0.29, 0.32);
		double ay = bodyB * r.nextDouble(0.70, 0.76);
		right = new Lung(centerX - lx, centerY + r.nextDouble(-4, 4), centerZ + r.nextDouble(-3, 3), ax * r.nextDouble(0.97, 1.05),
				ay, lungHeight / 2, -1, r.split());
		left = new Lung(centerX + lx, centerY + r.nextDouble(-4, 4), centerZ + r.nextDouble(-3, 3), ax * r.nextDouble(0.92, 1.0),
				ay * r.nextDouble(0.95, 1.0), lungHeight / 2 * r.nextDouble(0.94, 1.0), 1, r.split());
		heartX = centerX + bodyA * r.nextDouble(0.05, 0.12);
		heartY = centerY - bodyB * r.nextDouble(0.15, 0.25);
		heartZ = centerZ - lungHeight * r.nextDouble(0.2, 0.3);
		heartA = bodyA * r.nextDouble(0.36, 0.42);
		heartB = bodyB * r.nextDouble(0.40, 0.48);
		heartC = lungHeight * r.nextDouble(0.35, 0.45);
		tracheaX = centerX + r.nextDouble(-3, 3);
		tracheaY = centerY - bodyB * r.nextDouble(0.05, 0.15);
		tracheaR = r.nextDouble(6.5, 8.5);
		tracheaBottom = centerZ + lungHeight * r.nextDouble(0.05, 0.15);
		spineY = centerY + bodyB - r.nextDouble(28, 34);
		spineR = r.nextDouble(14, 17);
		ribPeriod = r.nextDouble(22, 28);
		ribPhase = r.nextDouble(0, ribPeriod);
		ribTilt = r.nextDouble(0.25, 0.45);
		parenchymaHu = r.nextDouble(-880, -830);
		dependentHuPerMm = r.nextDouble(0.15, 0.5);
	}

	/**
	 * Signed distance (mm) to the lungs' surface: inside either lung, outside the heart, and under the
	 * chest wall (fat and at least 8 mm of muscle and ribs).
	 */
	double lungDistance(double x, double y, double z) {
		double lungs = Math.min(right.distance(x, y, z), left.distance(x, y, z));
		return Math.max(Math.max(lungs, -heartDistance(x, y, z) + 2), bodyDistance(x, y) + fat + wall);
	}

	/** Which lung a point is in (by its nearer surface): -1 right, +1 left. */
	int side(double x, double y, double z) {
		return right.distance(x, y, z) < left.distance(x, y, z) ? -1 : 1;
	}

	double heartDistance(double x, double y, double z) {
		double u = (x - heartX) / heartA;
		double v = (y - heartY) / heartB;
		double w = (z - heartZ) / heartC;
		double q = u * u + v * v + w * w;
		double grad = 2 * Math.sqrt(u * u / (heartA * heartA) + v * v / (heartB * heartB) + w * w / (heartC * heartC));
		return (q - 1) / Math.max(grad, 1e-3);
	}

	/** Signed distance (mm) to the skin: an elliptic cylinder. */
	double bodyDistance(double x, double y) {
		double u = (x - bodyX) / bodyA;
		double v = (y - bodyY) / bodyB;
		double q = u * u + v * v;
		double grad = 2 * Math.sqrt(u * u / (bodyA * bodyA) + v * v / (bodyB * bodyB));
		return (q - 1) / Math.max(grad, 1e-3);
	}

	/** HU of the tissue outside the lungs at a point (air, fat, muscle, bone, airway). */
	float tissue(double x, double y, double z) {
		double body = bodyDistance(x, y);
		if (body > 0) {
			return -1000;
		}
		double dx = x - tracheaX;
		double dy = y - tracheaY;
		double rt = Math.sqrt(dx * dx + dy * dy);
		if (z > tracheaBottom && rt < tracheaR + 2) {
			if (rt < tracheaR) {
				return -1000;
			}
			return 40; // wall
		}
		double sy = y - spineY;
		double sr = Math.sqrt((x - bodyX) * (x - bodyX) + sy * sy);
		if (sr < spineR) {
			return sr > spineR - 2.5 ? 650 : 250; // cortical shell, cancellous bone
		}
		if (body > -fat) {
			return -100;
		}
		// ribs: oval bars in the chest wall under the fat, running around the body and tilted along z
		double depth = -body - fat; // mm below the fat
		if (depth > 2 && depth < 14 && lungDistance(x, y, z) > 2) {
			double angle = Math.atan2(y - bodyY, x - bodyX);
			double t = z + ribTilt * Math.abs(angle) * bodyA * 0.5 - ribPhase;
			double phase = t - Math.floor(t / ribPeriod) * ribPeriod;
			double a = (phase - 4.5) / 4.5; // across the rib, along z
			double b = (depth - 7) / 4.5; // across the rib, in depth
			double e = a * a + b * b;
			if (e < 1) {
				return e > 0.45 ? 700 : 220; // cortical shell, marrow
			}
		}
		return 40;
	}
}
