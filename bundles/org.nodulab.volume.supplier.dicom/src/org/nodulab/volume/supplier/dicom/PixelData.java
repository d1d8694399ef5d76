package org.nodulab.volume.supplier.dicom;

import java.io.IOException;

import javax.imageio.spi.IIORegistry;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

/**
 * Decodes the pixel data of one slice to stored values (sign-extended or masked to BitsStored).
 * PixelMed decompresses JPEG lossless (pixelmed_imageio), RLE and JPEG 2000 (jai-imageio) while it
 * reads; their ImageIO readers are registered explicitly because ImageIO's service lookup does not see
 * jars embedded in a bundle.
 */
final class PixelData {

	static {
		IIORegistry registry = IIORegistry.getDefaultInstance();
		registry.registerServiceProvider(new com.pixelmed.imageio.JPEGLosslessImageReaderSpi());
		registry.registerServiceProvider(new com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi());
	}

	private PixelData() {
	}

	static int[] read(SliceHeader h) throws IOException {
		AttributeList list = new AttributeList();
		try {
			PixelMedOutput.during(h.file(), () -> {
				try {
					list.read(h.file().toFile());
				} catch (com.pixelmed.dicom.DicomException e) {
					throw new IOException(e.getMessage(), e);
				}
				return list;
			});
		} catch (IOException | RuntimeException | LinkageError e) {
			String message = SliceHeader.message(e);
			if (message.contains("No reader") || message.contains("reader for")) {
				throw new DicomException(h.file(), "transfer syntax " + TransferSyntaxes.describe(h.transferSyntax())
						+ " cannot be decoded: " + message, e);
			}
			throw new DicomException(h.file(), "broken DICOM file, the pixel data cannot be read ("
					+ TransferSyntaxes.describe(h.transferSyntax()) + "): " + message, e);
		}
		Attribute pixels = list.get(TagFromName.PixelData);
		if (pixels == null) {
			throw new DicomException(h.file(), "no PixelData element (truncated file?)");
		}
		long area = (long) h.rows() * h.columns();
		if (area > Integer.MAX_VALUE - 8) {
			throw new DicomException(h.file(), h.columns() + "x" + h.rows() + " pixels in one slice: more than a slice may have");
		}
		int count = (int) area;
		int[] out = new int[count];
		try {
			if (h.bitsAllocated() == 8) {
				byte[] bytes = pixels.getByteValues();
				requireLength(h, bytes.length, count);
				for (int i = 0; i < count; i++) {
					out[i] = bytes[i] & 0xff;
				}
			} else {
				short[] words = pixels.getShortValues();
				requireLength(h, words.length, count);
				for (int i = 0; i < count; i++) {
					out[i] = words[i] & 0xffff;
				}
			}
		} catch (com.pixelmed.dicom.DicomException e) {
			throw new DicomException(h.file(), "the pixel data cannot be read: " + SliceHeader.message(e), e);
		}
		int bits = h.bitsStored();
		int mask = bits >= 32 ? -1 : (1 << bits) - 1;
		boolean signed = h.pixelRepresentation() == 1;
		for (int i = 0; i < count; i++) {
			int v = out[i] & mask;
			if (signed && (v & (1 << (bits - 1))) != 0) {
				v -= 1 << bits;
			}
			out[i] = v;
		}
		return out;
	}

	private static void requireLength(SliceHeader h, int length, int count) throws DicomException {
		if (length < count) {
			throw new DicomException(h.file(), "the pixel data hold " + length + " values, " + h.columns() + "x" + h.rows()
					+ " pixels need " + count + " (truncated file?)");
		}
	}
}
