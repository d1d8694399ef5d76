package org.nodulab.volume;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes CT volumes and label images. Contributed to {@code org.nodulab.volume.writers}; the contribution declares
 * the file extensions it writes (or that it writes folders) so a writer can be chosen without loading its class.
 * Framework code writes through {@link VolumeWriterRegistry}, never through a supplier's classes.
 *
 * @param <S> the settings class declared in the contribution ({@code null} settings for a writer that has none)
 */
public interface VolumeWriter<S> {

	/**
	 * Writes a volume in HU; an existing target is never replaced (results are immutable).
	 *
	 * @throws IOException naming the file and what went wrong
	 */
	void write(Path target, Volume volume, S settings) throws IOException;

	/**
	 * Writes a label image (a mask: 0, 1, or small labels) on a volume's grid; an existing target is never replaced.
	 *
	 * @throws UnsupportedOperationException when the format holds no label images (the default)
	 */
	default void writeLabels(Path target, VolumeGeometry geometry, byte[] labels, S settings) throws IOException {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " writes no label images");
	}
}
