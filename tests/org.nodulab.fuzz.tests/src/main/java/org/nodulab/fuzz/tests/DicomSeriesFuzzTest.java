package org.nodulab.fuzz.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nodulab.test.support.SharedData;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.supplier.dicom.DicomSeriesReader;
import org.nodulab.volume.supplier.dicom.DicomSettings;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The DICOM series arranger: five real CT slices (pydicom's CT5N, 16x16, Explicit VR Little Endian, from
 * {@code ../shared/data/dicom/pydicom-ct5n}) in a folder, each of them kept, given another value for one of the
 * elements that place and size it (ImagePositionPatient, ImageOrientationPatient, PixelSpacing, SliceThickness,
 * Rows, Columns, RescaleSlope/Intercept, SeriesInstanceUID, Modality), stripped of that element, cut short, or
 * replaced by another slice's bytes. The folder is read with and without {@code allowUnevenSpacing}: the outcome is
 * a volume whose geometry is finite, or an error naming a file of the folder or the folder.
 */
class DicomSeriesFuzzTest {

	private static final String[] NAMES = { "2062", "2392", "2693", "3023", "3353" };
	/** group, element of the elements the harness edits. */
	private static final int[][] TAGS = { { 0x20, 0x32 }, { 0x20, 0x37 }, { 0x28, 0x30 }, { 0x18, 0x50 }, { 0x28, 0x10 },
			{ 0x28, 0x11 }, { 0x28, 0x1053 }, { 0x28, 0x1052 }, { 0x20, 0x0e }, { 0x08, 0x60 } };
	private static final String[] NUMBERS = { "NaN", "nan", "Infinity", "-Infinity", "1e400", "-0", "0", "1e-320", "", " ",
			"9223372036854775807", "1\\2", "1\\2\\3\\4", "0\\0\\0", "1\\0\\0\\1\\0\\0", "0\\1\\0\\1\\0\\0", "-72.2\\-143\\8.7625",
			"-72.2\\-143\\3.7625", "0.488281\\0.488281", "1.000000\\0.000000\\0.000000\\0.000000\\1.000000\\0.000000" };

	private static List<byte[]> slices;

	private static synchronized List<byte[]> slices() throws IOException {
		if (slices == null) {
			List<byte[]> out = new ArrayList<>();
			for (String name : NAMES) {
				out.add(Files.readAllBytes(SharedData.dir("data/dicom/pydicom-ct5n").resolve(name)));
			}
			slices = out;
		}
		return slices;
	}

	@FuzzTest(maxDuration = "30s")
	void readsOrRefuses(FuzzedDataProvider data) throws IOException {
		List<byte[]> originals = slices();
		Path dir = Inputs.folder();
		try {
			List<Path> files = new ArrayList<>();
			for (int i = 0; i < NAMES.length; i++) {
				byte[] bytes = originals.get(i);
				switch (data.consumeInt(0, 5)) {
				case 1, 2 -> {
					int[] tag = TAGS[data.consumeInt(0, TAGS.length - 1)];
					String value = data.consumeBoolean() ? data.pickValue(NUMBERS) : data.consumeAsciiString(40);
					bytes = replace(bytes, tag[0], tag[1], value, tag[0] == 0x28 && (tag[1] == 0x10 || tag[1] == 0x11));
				}
				case 3 -> bytes = remove(bytes, TAGS[data.consumeInt(0, TAGS.length - 1)]);
				case 4 -> bytes = java.util.Arrays.copyOf(bytes, data.consumeInt(0, bytes.length));
				case 5 -> bytes = originals.get(data.consumeInt(0, NAMES.length - 1));
				default -> {
				}
				}
				Path file = dir.resolve(NAMES[i]);
				Files.write(file, bytes);
				files.add(file);
			}
			files.add(dir);
			Path[] named = files.toArray(Path[]::new);
			for (boolean uneven : new boolean[] { false, true }) {
				DicomSettings settings = new DicomSettings();
				settings.allowUnevenSpacing = uneven;
				try {
					Volume v = new DicomSeriesReader().read(dir, settings);
					check(v.geometry());
					v.get((int) (v.geometry().voxelCount() - 1));
				} catch (IOException e) {
					Inputs.requireNamed(e, named);
				}
			}
		} finally {
			Inputs.delete(dir);
		}
	}

	private static void check(VolumeGeometry g) {
		for (double[] values : new double[][] { g.spacing(), g.origin(), g.direction() }) {
			for (double d : values) {
				if (!Double.isFinite(d)) {
					throw new AssertionError("a volume with spacing " + java.util.Arrays.toString(g.spacing()) + ", origin "
							+ java.util.Arrays.toString(g.origin()) + ", direction " + java.util.Arrays.toString(g.direction()));
				}
			}
		}
		for (double d : g.spacing()) {
			if (!(d > 0)) {
				throw new AssertionError("a volume with spacing " + java.util.Arrays.toString(g.spacing()));
			}
		}
	}

	/** Offset of an element (group, element) in Explicit VR Little Endian data after the preamble, or -1. */
	private static int find(byte[] b, int group, int element) {
		for (int i = 132; i + 8 <= b.length; i++) {
			if ((b[i] & 0xff) == (group & 0xff) && (b[i + 1] & 0xff) == group >> 8 && (b[i + 2] & 0xff) == (element & 0xff)
					&& (b[i + 3] & 0xff) == element >> 8 && Character.isUpperCase(b[i + 4]) && Character.isUpperCase(b[i + 5])) {
				return i;
			}
		}
		return -1;
	}

	/** The element with a new value: text (padded to even length) or, for US, a 16-bit number made from the text. */
	private static byte[] replace(byte[] b, int group, int element, String value, boolean unsignedShort) {
		int at = find(b, group, element);
		if (at < 0) {
			return b;
		}
		int length = (b[at + 6] & 0xff) | (b[at + 7] & 0xff) << 8;
		byte[] v;
		if (unsignedShort) {
			v = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value.hashCode()).array();
		} else {
			byte[] text = value.getBytes(StandardCharsets.ISO_8859_1);
			v = java.util.Arrays.copyOf(text, text.length + (text.length % 2));
			if (text.length % 2 == 1) {
				v[text.length] = ' ';
			}
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(b, 0, at + 6);
		out.write(v.length & 0xff);
		out.write(v.length >> 8 & 0xff);
		out.write(v, 0, v.length);
		int end = at + 8 + length;
		out.write(b, Math.min(end, b.length), Math.max(0, b.length - end));
		return out.toByteArray();
	}

	private static byte[] remove(byte[] b, int[] tag) {
		int at = find(b, tag[0], tag[1]);
		if (at < 0) {
			return b;
		}
		int end = Math.min(b.length, at + 8 + ((b[at + 6] & 0xff) | (b[at + 7] & 0xff) << 8));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(b, 0, at);
		out.write(b, end, b.length - end);
		return out.toByteArray();
	}
}
