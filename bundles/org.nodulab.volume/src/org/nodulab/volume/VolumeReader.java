package org.nodulab.volume;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads CT volumes from files or folders. Contributed to {@code org.nodulab.volume.readers}; the
 * contribution declares the file extensions it handles (or that it reads folders) so a reader can be
 * chosen without loading its class.
 *
 * @param <S> the settings class declared in the contribution ({@code Void} and {@code null} settings
 *            for a reader that has none)
 */
public interface VolumeReader<S> {

	/**
	 * Reads a volume in HU.
	 *
	 * @param settings the reader's settings, or {@code null} for a reader that declares none
	 * @throws IOException with a message naming the file and, for a bad header, the field and what was
	 *             expected
	 */
	Volume read(Path path, S settings) throws IOException;

	/**
	 * The geometry of a volume without reading its voxels where the format allows it (headers only), so
	 * that datasets can check candidates against hundreds of scans cheaply.
	 */
	default VolumeGeometry geometry(Path path, S settings) throws IOException {
		return read(path, settings).geometry();
	}
}
