package org.nodulab.volume;

import java.nio.ShortBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CT volume in Hounsfield units with its world geometry. Voxels are signed 16-bit values (the range
 * of CT and of LUNA16's MET_SHORT files) stored x fastest, then y, then z, in a buffer that is either
 * on the heap or memory-mapped from an uncompressed data file (then the operating system's page cache
 * holds it and the JVM's memory stays flat however many scans are open).
 */
public final class Volume {

	private final VolumeGeometry geometry;
	private final ShortBuffer voxels;
	private final int nx;
	private final int nxy;
	private final Map<String, String> metadata;

	public Volume(VolumeGeometry geometry, ShortBuffer voxels) {
		this(geometry, voxels, Map.of());
	}

	/**
	 * @param metadata facts about the source, in the order a reader wants them shown (format, data
	 *            file, series, transfer syntaxes, notes about what was done while reading)
	 */
	public Volume(VolumeGeometry geometry, ShortBuffer voxels, Map<String, String> metadata) {
		if (voxels.capacity() != geometry.voxelCount()) {
			throw new IllegalArgumentException(
					"expected " + geometry.voxelCount() + " voxels for " + geometry + ", got " + voxels.capacity());
		}
		this.geometry = geometry;
		this.voxels = voxels.asReadOnlyBuffer();
		this.nx = geometry.size(0);
		this.nxy = geometry.size(0) * geometry.size(1);
		this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

	public Volume(VolumeGeometry geometry, short[] voxels) {
		this(geometry, ShortBuffer.wrap(voxels));
	}

	public VolumeGeometry geometry() {
		return geometry;
	}

	/** Facts about the source recorded by the reader (format, files, what was done while reading). */
	public Map<String, String> metadata() {
		return metadata;
	}

	/** Whether the voxels are memory-mapped from a file rather than held on the heap. */
	public boolean isMapped() {
		return voxels.isDirect();
	}

	/** A read-only view of the voxels (absolute indexing: {@code (z * ny + y) * nx + x}). */
	public ShortBuffer voxels() {
		return voxels.duplicate();
	}

	/** HU at integer index (x, y, z). */
	public short get(int x, int y, int z) {
		return voxels.get(z * nxy + y * nx + x);
	}

	/** HU at a linear index. */
	public short get(int index) {
		return voxels.get(index);
	}

	/** This volume with its voxels copied onto the heap (itself when they are there already); the metadata says so. */
	public Volume onHeap() {
		if (!isMapped()) {
			return this;
		}
		Map<String, String> m = new LinkedHashMap<>(metadata);
		m.put("memory", "heap (copied from the mapped data file)");
		return new Volume(geometry, ShortBuffer.wrap(toArray()), m);
	}

	/** The voxels copied into a new array. */
	public short[] toArray() {
		short[] copy = new short[voxels.capacity()];
		voxels.duplicate().position(0).get(copy);
		return copy;
	}
}
