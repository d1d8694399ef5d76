package org.nodulab.synth;

import java.util.SplittableRandom;

/** 3-vectors. */
final class Geometry {

	private Geometry() {
	}

	static double[] add(double[] a, double[] b) {
		return new double[] { a[0] + b[0], a[1] + b[1], a[2] + b[2] };
	}

	static double[] sub(double[] a, double[] b) {
		return new double[] { a[0] - b[0], a[1] - b[1], a[2] - b[2] };
	}

	static double[] scale(double[] a, double s) {
		return new double[] { a[0] * s, a[1] * s, a[2] * s };
	}

	static double dot(double[] a, double[] b) {
		return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
	}

	static double[] cross(double[] a, double[] b) {
		return new double[] { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
	}

	static double norm(double[] a) {
		return Math.sqrt(dot(a, a));
	}

	static double[] normalize(double[] a) {
		double n = norm(a);
		return n == 0 ? new double[] { 1, 0, 0 } : scale(a, 1 / n);
	}

	static double distance(double[] a, double[] b) {
		return norm(sub(a, b));
	}

	/** A random unit vector. */
	static double[] randomDirection(SplittableRandom r) {
		while (true) {
			double[] v = { r.nextDouble(-1, 1), r.nextDouble(-1, 1), r.nextDouble(-1, 1) };
			double n = norm(v);
			if (n > 0.1 && n <= 1) {
				return scale(v, 1 / n);
			}
		}
	}

	/** A random unit vector perpendicular to {@code d}. */
	static double[] perpendicular(double[] d, SplittableRandom r) {
		while (true) {
			double[] c = cross(d, randomDirection(r));
			if (norm(c) > 0.1) {
				return normalize(c);
			}
		}
	}

	/** {@code v} rotated by {@code angle} about the unit axis {@code k} (Rodrigues). */
	static double[] rotate(double[] v, double[] k, double angle) {
		double c = Math.cos(angle);
		double s = Math.sin(angle);
		double[] kxv = cross(k, v);
		double kv = dot(k, v);
		return new double[] { v[0] * c + kxv[0] * s + k[0] * kv * (1 - c), v[1] * c + kxv[1] * s + k[1] * kv * (1 - c),
				v[2] * c + kxv[2] * s + k[2] * kv * (1 - c) };
	}
}
