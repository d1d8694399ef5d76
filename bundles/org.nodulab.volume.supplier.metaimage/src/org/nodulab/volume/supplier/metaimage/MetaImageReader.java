package org.nodulab.volume.supplier.metaimage;

import java.io.IOException;
import java.nio.file.Path;

import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeReader;

/** The MetaImage contribution to {@code org.nodulab.volume.readers}. */
public class MetaImageReader implements VolumeReader {

	@Override
	public Volume read(Path path) throws IOException {
		return MetaImage.read(path);
	}
}
