package org.nodulab.volume.supplier.dicom;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.UUID;

import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeWriter;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

/**
 * Writes a volume as a DICOM CT series: a folder with one CT Image Storage file per axial slice (Explicit VR
 * Little Endian, signed 16-bit HU with slope 1 and intercept 0), each with its ImagePositionPatient,
 * ImageOrientationPatient from the direction matrix, PixelSpacing and SliceThickness, so that DICOM readers (ours,
 * and any other) rebuild the same geometry and HU. The patient module is what the settings say (anonymous by
 * default). The folder is written beside its target and moved into place when complete; an existing target is
 * never replaced.
 */
public final class DicomSeriesWriter implements VolumeWriter<DicomWriterSettings> {

	static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";

	@Override
	public void write(Path target, Volume volume, DicomWriterSettings settings) throws IOException {
		DicomWriterSettings s = settings != null ? settings : new DicomWriterSettings();
		Path dir = target.toAbsolutePath().normalize();
		if (Files.exists(dir)) {
			throw new FileAlreadyExistsException(dir.toString(), null, "exists; volumes are never overwritten");
		}
		Files.createDirectories(dir.getParent());
		Path work = dir.resolveSibling("." + dir.getFileName() + ".partial-" + Long.toUnsignedString(new java.security.SecureRandom().nextLong(), 36));
		Files.createDirectory(work);
		try {
			VolumeGeometry g = volume.geometry();
			int nx = g.size(0);
			int ny = g.size(1);
			int nz = g.size(2);
			String series = s.seriesInstanceUid.isBlank() ? newUid() : s.seriesInstanceUid;
			String study = s.studyInstanceUid.isBlank() ? newUid() : s.studyInstanceUid;
			String frame = newUid();
			double[] d = g.direction();
			double[] sp = g.spacing();
			short[] slice = new short[nx * ny];
			java.nio.ShortBuffer voxels = volume.voxels();
			for (int k = 0; k < nz; k++) {
				AttributeList list = new AttributeList();
				put(list, TagFromName.SOPClassUID, CT_IMAGE_STORAGE);
				put(list, TagFromName.SOPInstanceUID, series + "." + (k + 1));
				put(list, TagFromName.StudyInstanceUID, study);
				put(list, TagFromName.SeriesInstanceUID, series);
				put(list, TagFromName.FrameOfReferenceUID, frame);
				put(list, TagFromName.Modality, "CT");
				put(list, TagFromName.PatientName, s.patientName);
				put(list, TagFromName.PatientID, s.patientId);
				put(list, TagFromName.PatientBirthDate, s.patientBirthDate);
				put(list, TagFromName.PatientSex, "");
				put(list, TagFromName.StudyID, "1");
				put(list, TagFromName.AccessionNumber, "");
				put(list, TagFromName.ReferringPhysicianName, "");
				put(list, TagFromName.StudyDate, "");
				put(list, TagFromName.StudyTime, "");
				put(list, TagFromName.SeriesNumber, "1");
				put(list, TagFromName.SeriesDescription, s.seriesDescription);
				put(list, TagFromName.InstanceNumber, Integer.toString(k + 1));
				put(list, TagFromName.Manufacturer, "Nodulab");
				double[] position = g.voxelToWorld(new double[] { 0, 0, k });
				put(list, TagFromName.ImagePositionPatient, ds(position[0]), ds(position[1]), ds(position[2]));
				put(list, TagFromName.ImageOrientationPatient, ds(d[0]), ds(d[3]), ds(d[6]), ds(d[1]), ds(d[4]), ds(d[7]));
				put(list, TagFromName.PixelSpacing, ds(sp[1]), ds(sp[0])); // row spacing (between rows: y), column spacing (x)
				put(list, TagFromName.SliceThickness, ds(sp[2]));
				put(list, TagFromName.SamplesPerPixel, "1");
				put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
				put(list, TagFromName.Rows, Integer.toString(ny));
				put(list, TagFromName.Columns, Integer.toString(nx));
				put(list, TagFromName.BitsAllocated, "16");
				put(list, TagFromName.BitsStored, "16");
				put(list, TagFromName.HighBit, "15");
				put(list, TagFromName.PixelRepresentation, "1");
				put(list, TagFromName.RescaleIntercept, "0");
				put(list, TagFromName.RescaleSlope, "1");
				put(list, TagFromName.RescaleType, "HU");
				voxels.position(k * nx * ny);
				voxels.get(slice);
				OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
				pixels.setValues(slice);
				list.put(pixels);
				FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "NODULAB");
				Path file = work.resolve(String.format(Locale.ROOT, "slice-%04d.dcm", k + 1));
				list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
			}
			try {
				Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(work, dir);
			}
		} catch (com.pixelmed.dicom.DicomException e) {
			throw new IOException(dir + ": " + e.getMessage(), e);
		} finally {
			if (Files.exists(work)) {
				try (var files = Files.walk(work)) {
					for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
						Files.deleteIfExists(p);
					}
				}
			}
		}
	}

	private static void put(AttributeList list, AttributeTag tag, String... values) throws com.pixelmed.dicom.DicomException {
		Attribute a = list.putNewAttribute(tag);
		for (String v : values) {
			if (!v.isEmpty()) {
				a.addValue(v);
			}
		}
	}

	/** A DICOM decimal string (at most 16 characters). */
	static String ds(double v) {
		String s = Double.toString(Math.abs(v) < 1e-9 ? 0 : v);
		if (s.length() > 16) {
			s = String.format(Locale.ROOT, "%.6f", v);
			if (s.length() > 16) {
				s = String.format(Locale.ROOT, "%.8e", v);
			}
		}
		return s;
	}

	/** A UID under the 2.25 (UUID) root. */
	static String newUid() {
		UUID u = UUID.randomUUID();
		BigInteger hi = new BigInteger(Long.toUnsignedString(u.getMostSignificantBits()));
		BigInteger lo = new BigInteger(Long.toUnsignedString(u.getLeastSignificantBits()));
		return "2.25." + hi.shiftLeft(64).or(lo);
	}
}
