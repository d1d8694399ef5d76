package org.nodulab.volume.supplier.metaimage;

import java.io.IOException;
import java.nio.file.Path;

import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeWriter;

/** Writes volumes as MET_SHORT and label images as MET_UCHAR MetaImage ({@link MetaImage#write}). */
public final class MetaImageWriter implements VolumeWriter<MetaImageWriterSettings> {

	@Override
	public void write(Path target, Volume volume, MetaImageWriterSettings settings) throws IOException {
		MetaImage.write(target, volume, settings != null && settings.compress);
	}

	@Override
	public void writeLabels(Path target, VolumeGeometry geometry, byte[] labels, MetaImageWriterSettings settings) throws IOException {
		MetaImage.writeMask(target, geometry, labels, settings != null && settings.compress);
	}
}
