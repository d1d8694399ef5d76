package org.nodulab.volume.supplier.metaimage;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a volume is written as MetaImage. */
public class MetaImageWriterSettings {

	@JsonPropertyDescription("Compress the data with zlib (.zraw, CompressedDataSize in the header)")
	public boolean compress = false;
}
