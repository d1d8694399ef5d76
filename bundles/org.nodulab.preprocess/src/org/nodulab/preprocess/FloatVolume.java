package org.nodulab.preprocess;

import org.nodulab.volume.VolumeGeometry;

/** A volume of float values (resampled HU, or windowed intensities), x fastest, then y, then z. */
public record FloatVolume(VolumeGeometry geometry, float[] values) {

	public FloatVolume {
		if (values.length != geometry.voxelCount()) {
			throw new IllegalArgumentException("expected " + geometry.voxelCount() + " values, got " + values.length);
		}
	}

	public float get(int x, int y, int z) {
		return values[(z * geometry.size(1) + y) * geometry.size(0) + x];
	}
}
