package org.nodulab.preprocess;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.volume.VolumeGeometry;

/** A lung mask on a volume's grid, and the candidate filter built on it. */
public final class LungMask {

	private final VolumeGeometry geometry;
	private final byte[] mask;

	public LungMask(VolumeGeometry geometry, byte[] mask) {
		if (mask.length != geometry.voxelCount()) {
			throw new IllegalArgumentException("mask has " + mask.length + " voxels, the volume " + geometry.voxelCount());
		}
		this.geometry = geometry;
		this.mask = mask;
	}

	public VolumeGeometry geometry() {
		return geometry;
	}

	/** The mask values (1 = lung), x fastest. */
	public byte[] values() {
		return mask.clone();
	}

	/** The mask grown by {@code radius} mm. */
	public LungMask dilated(double radius) {
		return radius <= 0 ? this
				: new LungMask(geometry, DistanceTransform.dilate(mask, geometry.size(), geometry.spacing(), radius));
	}

	/** Whether the voxel nearest to a world position is in the mask (false outside the volume). */
	public boolean contains(double[] world) {
		double[] idx = geometry.worldToVoxel(world);
		int x = (int) Math.round(idx[0]);
		int y = (int) Math.round(idx[1]);
		int z = (int) Math.round(idx[2]);
		if (x < 0 || y < 0 || z < 0 || x >= geometry.size(0) || y >= geometry.size(1) || z >= geometry.size(2)) {
			return false;
		}
		return mask[(z * geometry.size(1) + y) * geometry.size(0) + x] != 0;
	}

	/** Dice overlap with another mask on the same grid. */
	public double dice(byte[] other) {
		long both = 0;
		long a = 0;
		long b = 0;
		for (int i = 0; i < mask.length; i++) {
			boolean x = mask[i] != 0;
			boolean y = other[i] != 0;
			a += x ? 1 : 0;
			b += y ? 1 : 0;
			both += x && y ? 1 : 0;
		}
		return a + b == 0 ? 1 : 2.0 * both / (a + b);
	}

	/** The outcome of filtering candidates with a mask. */
	public record FilterReport(List<Integer> kept, int dropped, int nodulesOutside) {
	}

	/**
	 * Keeps the candidates inside the mask and counts the annotated nodules the filter would lose.
	 *
	 * @param candidates world positions
	 * @param nodules world positions of annotated nodules on this scan
	 */
	public FilterReport filter(List<double[]> candidates, List<double[]> nodules) {
		List<Integer> kept = new ArrayList<>();
		for (int i = 0; i < candidates.size(); i++) {
			if (contains(candidates.get(i))) {
				kept.add(i);
			}
		}
		int lost = 0;
		for (double[] n : nodules) {
			if (!contains(n)) {
				lost++;
			}
		}
		return new FilterReport(kept, candidates.size() - kept.size(), lost);
	}
}
