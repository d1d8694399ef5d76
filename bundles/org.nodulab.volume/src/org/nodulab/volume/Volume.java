package org.nodulab.volume;

/**
 * A CT volume in Hounsfield units with its world geometry. Voxels are stored x fastest, then y,
 * then z, as signed 16-bit values (the range of CT and of LUNA16's MET_SHORT files).
 */
public final class Volume {

	private final VolumeGeometry geometry;
	private final short[] voxels;

	public Volume(VolumeGeometry geometry, short[] voxels) {
		if (voxels.length != geometry.voxelCount()) {
			throw new IllegalArgumentException(
					"expected " + geometry.voxelCount() + " voxels for " + geometry + ", got " + voxels.length);
		}
		this.geometry = geometry;
		this.voxels = voxels;
	}

	public VolumeGeometry geometry() {
		return geometry;
	}

	/** The voxel array itself (not a copy): x fastest, then y, then z. */
	public short[] voxels() {
		return voxels;
	}

	/** HU at integer index (x, y, z). */
	public short get(int x, int y, int z) {
		return voxels[(z * geometry.size(1) + y) * geometry.size(0) + x];
	}
}
