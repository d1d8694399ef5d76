package org.nodulab.volume;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads CT volumes from files or folders. Contributed to {@code org.nodulab.volume.readers}; the
 * contribution declares the file extensions it handles (or that it reads folders) so a reader can be
 * chosen without loading its class.
 */
public interface VolumeReader {

	/**
	 * Reads a volume.
	 *
	 * @throws IOException with a message naming the file and, for a bad header, the field and what was
	 *             expected
	 */
	Volume read(Path path) throws IOException;
}
