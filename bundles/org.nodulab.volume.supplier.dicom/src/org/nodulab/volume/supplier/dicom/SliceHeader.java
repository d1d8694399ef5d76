package org.nodulab.volume.supplier.dicom;

import java.io.IOException;
import java.nio.file.Path;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

/**
 * What one DICOM image file says about itself, read without its pixel data (PixelMed stops at the
 * PixelData element, so sorting a series of hundreds of files is cheap).
 */
record SliceHeader(Path file, String seriesUid, String seriesDescription, String modality, String transferSyntax,
		int rows, int columns, double[] position, double[] orientation, double[] pixelSpacing, int instance,
		int samplesPerPixel, int bitsAllocated, int bitsStored, int pixelRepresentation, int frames,
		double sliceThickness, String photometric, double slope, double intercept) {

	/** Reads the header of a file PixelMed recognised as DICOM; null when it holds no image. */
	static SliceHeader read(Path file) throws IOException {
		AttributeList list = new AttributeList();
		PixelMedOutput.during(file, () -> {
			try {
				list.read(file.toFile(), TagFromName.PixelData);
			} catch (IOException | com.pixelmed.dicom.DicomException | RuntimeException e) {
				throw new DicomException(file, "broken DICOM file, the header cannot be read: " + message(e), e);
			}
			return list;
		});
		String seriesUid = text(list, TagFromName.SeriesInstanceUID);
		int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
		int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
		if (!isImage(list)) {
			return null; // DICOMDIR, structured report, presentation state...: not an image
		}
		if (rows <= 0 || columns <= 0) {
			throw new DicomException(file, "an image (" + describeSopClass(list) + ") with Rows " + text(list, TagFromName.Rows)
					+ " and Columns " + text(list, TagFromName.Columns) + ": both must be at least 1 (a broken or truncated file?)");
		}
		return new SliceHeader(file, seriesUid, text(list, TagFromName.SeriesDescription),
				text(list, TagFromName.Modality), text(list, TagFromName.TransferSyntaxUID), rows, columns,
				Attribute.getDoubleValues(list, TagFromName.ImagePositionPatient),
				Attribute.getDoubleValues(list, TagFromName.ImageOrientationPatient),
				Attribute.getDoubleValues(list, TagFromName.PixelSpacing),
				Attribute.getSingleIntegerValueOrDefault(list, TagFromName.InstanceNumber, 0),
				Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1),
				Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16),
				Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored,
						Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16)),
				Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0),
				Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1),
				Attribute.getSingleDoubleValueOrDefault(list, TagFromName.SliceThickness, 0),
				text(list, TagFromName.PhotometricInterpretation),
				Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1),
				Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0));
	}

	/**
	 * Whether a file holds an image: its SOP class is an image storage class, or, where it names none (a truncated
	 * meta header), it carries any attribute only images have. Only files that are not images are passed over.
	 */
	private static boolean isImage(AttributeList list) {
		String sopClass = text(list, TagFromName.SOPClassUID);
		if (sopClass.isEmpty()) {
			sopClass = text(list, TagFromName.MediaStorageSOPClassUID);
		}
		if (!sopClass.isEmpty()) {
			return com.pixelmed.dicom.SOPClass.isImageStorage(sopClass);
		}
		for (AttributeTag tag : new AttributeTag[] { TagFromName.Rows, TagFromName.Columns, TagFromName.BitsAllocated,
				TagFromName.PixelSpacing, TagFromName.ImagePositionPatient, TagFromName.ImageOrientationPatient,
				TagFromName.PhotometricInterpretation }) {
			if (list.get(tag) != null) {
				return true;
			}
		}
		return false;
	}

	private static String describeSopClass(AttributeList list) {
		String sopClass = text(list, TagFromName.SOPClassUID);
		return sopClass.isEmpty() ? "no SOP class" : "SOP class " + sopClass;
	}

	static String text(AttributeList list, AttributeTag tag) {
		return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
	}

	static String message(Throwable e) {
		return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
	}

	/** Unit normal of the slice plane: row direction x column direction. */
	double[] normal() {
		double[] o = orientation;
		return Geometry.normalize(Geometry.cross(new double[] { o[0], o[1], o[2] }, new double[] { o[3], o[4], o[5] }));
	}
}
