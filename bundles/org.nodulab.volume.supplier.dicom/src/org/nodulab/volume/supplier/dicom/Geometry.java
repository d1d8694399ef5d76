package org.nodulab.volume.supplier.dicom;

/** Small vector helpers for slice geometry. */
final class Geometry {

	private Geometry() {
	}

	static double[] cross(double[] a, double[] b) {
		return new double[] { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
	}

	static double dot(double[] a, double[] b) {
		return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
	}

	static double[] normalize(double[] a) {
		double n = Math.sqrt(dot(a, a));
		return new double[] { a[0] / n, a[1] / n, a[2] / n };
	}

	static double distance(double[] a, double[] b) {
		double dx = a[0] - b[0];
		double dy = a[1] - b[1];
		double dz = a[2] - b[2];
		return Math.sqrt(dx * dx + dy * dy + dz * dz);
	}
}
