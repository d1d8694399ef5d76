package org.nodulab.synth;

import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * The one-feature scorer that pins the benchmark's hardness: the mean HU of the voxels whose centres
 * lie in a sphere of 5 mm diameter around the candidate. Its CPM must stay between 0.40 and 0.60 on
 * the default benchmark: high enough that the data carry signal, low enough that a network has to
 * learn more than density.
 */
public final class MeanHuBaseline {

	/** Diameter of the sphere (mm). */
	public static final double DIAMETER = 5.0;

	private MeanHuBaseline() {
	}

	/** Mean HU in the sphere; the nearest voxel when no voxel centre lies inside it. */
	public static double meanHu(Volume volume, double[] world) {
		VolumeGeometry g = volume.geometry();
		double[] c = g.worldToVoxel(world);
		double r = DIAMETER / 2;
		double[] s = g.spacing();
		int[] n = g.size();
		int[] lo = new int[3];
		int[] hi = new int[3];
		for (int a = 0; a < 3; a++) {
			// the direction matrix is orthonormal: r mm are at most r / spacing voxels along any index axis
			lo[a] = Math.max(0, (int) Math.floor(c[a] - r / s[a]));
			hi[a] = Math.min(n[a] - 1, (int) Math.ceil(c[a] + r / s[a]));
		}
		double sum = 0;
		int count = 0;
		for (int z = lo[2]; z <= hi[2]; z++) {
			for (int y = lo[1]; y <= hi[1]; y++) {
				for (int x = lo[0]; x <= hi[0]; x++) {
					double[] w = g.voxelToWorld(new double[] { x, y, z });
					double dx = w[0] - world[0];
					double dy = w[1] - world[1];
					double dz = w[2] - world[2];
					if (dx * dx + dy * dy + dz * dz <= r * r) {
						sum += volume.get(x, y, z);
						count++;
					}
				}
			}
		}
		if (count > 0) {
			return sum / count;
		}
		int x = (int) Math.max(0, Math.min(n[0] - 1, Math.round(c[0])));
		int y = (int) Math.max(0, Math.min(n[1] - 1, Math.round(c[1])));
		int z = (int) Math.max(0, Math.min(n[2] - 1, Math.round(c[2])));
		return volume.get(x, y, z);
	}

	/** The score as a probability (a monotone map of the mean HU; FROC only uses the order). */
	public static double probability(double meanHu) {
		return 1 / (1 + Math.exp(-(meanHu + 500) / 150));
	}
}
