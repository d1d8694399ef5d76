package org.nodulab.detect.supplier.blob;

/** Eigenvalues of a symmetric 3x3 matrix (the Hessian of a smoothed volume at one voxel). */
public final class Hessian {

	private Hessian() {
	}

	/**
	 * The eigenvalues in ascending order, by the closed form for symmetric matrices (Smith 1961).
	 */
	public static double[] eigenvalues(double xx, double yy, double zz, double xy, double xz, double yz) {
		double p1 = xy * xy + xz * xz + yz * yz;
		if (p1 <= 1e-30 * (xx * xx + yy * yy + zz * zz)) { // diagonal
			double[] d = { xx, yy, zz };
			java.util.Arrays.sort(d);
			return d;
		}
		double q = (xx + yy + zz) / 3;
		double p2 = (xx - q) * (xx - q) + (yy - q) * (yy - q) + (zz - q) * (zz - q) + 2 * p1;
		double p = Math.sqrt(p2 / 6);
		double bxx = (xx - q) / p;
		double byy = (yy - q) / p;
		double bzz = (zz - q) / p;
		double bxy = xy / p;
		double bxz = xz / p;
		double byz = yz / p;
		double det = bxx * (byy * bzz - byz * byz) - bxy * (bxy * bzz - byz * bxz) + bxz * (bxy * byz - byy * bxz);
		double r = Math.max(-1, Math.min(1, det / 2));
		double phi = Math.acos(r) / 3;
		double e1 = q + 2 * p * Math.cos(phi); // largest
		double e3 = q + 2 * p * Math.cos(phi + 2 * Math.PI / 3); // smallest
		double e2 = 3 * q - e1 - e3;
		return new double[] { e3, e2, e1 };
	}

	/**
	 * How round a bright spot is: the ratio of the weakest to the strongest curvature, both negative, in
	 * [0, 1] (1 for a ball, about 0 for a vessel, whose curvature along its axis is nearly 0; 0 where any
	 * curvature is not negative, i.e. not a bright spot).
	 */
	public static double roundness(double[] ascending) {
		return ascending[2] >= 0 || ascending[0] >= 0 ? 0 : ascending[2] / ascending[0];
	}
}
