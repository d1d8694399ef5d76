package org.nodulab.volume.supplier.metaimage;

import java.io.IOException;
import java.nio.file.Path;

import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReader;

/** The MetaImage contribution to {@code org.nodulab.volume.readers}; it has no settings. */
public class MetaImageReader implements VolumeReader<Void> {

	@Override
	public Volume read(Path path, Void settings) throws IOException {
		return MetaImage.read(path);
	}

	/** From the header alone. */
	@Override
	public VolumeGeometry geometry(Path path, Void settings) throws IOException {
		return MetaImage.readGeometry(path);
	}
}
