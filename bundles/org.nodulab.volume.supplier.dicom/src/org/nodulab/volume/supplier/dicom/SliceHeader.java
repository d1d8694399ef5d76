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
	static SliceHeader read(Path file) throws DicomException {
		AttributeList list = new AttributeList();
		try {
			list.read(file.toFile(), TagFromName.PixelData);
		} catch (IOException | com.pixelmed.dicom.DicomException | RuntimeException e) {
			throw new DicomException(file, "broken DICOM file, the header cannot be read: " + message(e), e);
		}
		String seriesUid = text(list, TagFromName.SeriesInstanceUID);
		int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
		int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
		if (rows == 0 && columns == 0) {
			return null; // DICOMDIR, structured report, presentation state...: not an image
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
