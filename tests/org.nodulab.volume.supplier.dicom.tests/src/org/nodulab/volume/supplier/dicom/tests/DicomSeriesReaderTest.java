package org.nodulab.volume.supplier.dicom.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.test.support.Osgi;
import org.nodulab.test.support.SharedData;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.supplier.dicom.DicomException;
import org.nodulab.volume.supplier.dicom.DicomSeriesReader;
import org.nodulab.volume.supplier.dicom.DicomSettings;
import org.nodulab.volume.supplier.metaimage.MetaImage;

/** The DICOM fixtures in ../shared/data/dicom and the values their README documents. */
class DicomSeriesReaderTest {

	static final Path DICOM = SharedData.dir("data/dicom");
	static final DicomSeriesReader READER = new DicomSeriesReader();

	@TempDir
	Path dir;

	static Volume read(Path path) throws IOException {
		return READER.read(path, new DicomSettings());
	}

	static Volume read(Path path, DicomSettings settings) throws IOException {
		return READER.read(path, settings);
	}

	static String error(Path path, DicomSettings settings) {
		return assertThrows(DicomException.class, () -> READER.read(path, settings)).getMessage();
	}

	static double[] stats(Volume v) {
		double min = Double.MAX_VALUE;
		double max = -Double.MAX_VALUE;
		double sum = 0;
		int n = (int) v.geometry().voxelCount();
		for (int i = 0; i < n; i++) {
			short s = v.get(i);
			min = Math.min(min, s);
			max = Math.max(max, s);
			sum += s;
		}
		return new double[] { min, max, sum / n };
	}

	@Test
	void ct1InEveryLosslessTransferSyntaxGivesTheDocumentedHu() throws Exception {
		Volume unc = read(DICOM.resolve("nema-wg04/CT1_UNC.dcm"));
		double[] s = stats(unc);
		assertEquals(-3024, s[0]);
		assertEquals(1254, s[1]);
		assertEquals(-871.30, s[2], 0.005);
		assertEquals(-59, unc.get(256, 256, 0));
		assertArrayEquals(new int[] { 512, 512, 1 }, unc.geometry().size());
		for (String ts : List.of("JPLL", "RLE", "J2KR")) {
			Volume v = read(DICOM.resolve("nema-wg04/CT1_" + ts + ".dcm"));
			assertArrayEquals(unc.toArray(), v.toArray(), ts + " decodes to the uncompressed pixels");
		}
		assertEquals(-871.20, stats(read(DICOM.resolve("nema-wg04/CT1_J2KI.dcm")))[2], 0.005, "lossy JPEG 2000");
		Volume ct2 = read(DICOM.resolve("nema-wg04/CT2_UNC.dcm"));
		for (String ts : List.of("JPLL", "RLE", "J2KR")) {
			assertArrayEquals(ct2.toArray(), read(DICOM.resolve("nema-wg04/CT2_" + ts + ".dcm")).toArray(), ts);
		}
		assertTrue(read(DICOM.resolve("nema-wg04/CT1_JPLL.dcm")).metadata().get("transfer syntax")
				.contains("1.2.840.10008.1.2.4.70 (JPEG Lossless, first-order prediction (SV1))"));
	}

	@Test
	void ctSmallHasItsSpacingPositionAndHu() throws Exception {
		Volume v = read(DICOM.resolve("pydicom/CT_small.dcm"));
		assertEquals(904, v.get(64, 64, 0));
		VolumeGeometry g = v.geometry();
		assertArrayEquals(new int[] { 128, 128, 1 }, g.size());
		assertEquals(0.661468, g.spacing()[0], 1e-9);
		assertEquals(0.661468, g.spacing()[1], 1e-9);
		assertArrayEquals(new double[] { -158.1358, -179.0358, -75.7 }, g.origin(), 1e-4);
		// the centre of pixel (column 64, row 64) in the world
		assertArrayEquals(new double[] { -158.1358 + 64 * 0.661468, -179.0358 + 64 * 0.661468, -75.7 },
				g.voxelToWorld(new double[] { 64, 64, 0 }), 1e-4);
	}

	@Test
	void slicesAreSortedAlongTheNormalWithSpacingFromPositions() throws Exception {
		Path folder = DICOM.resolve("pydicom-ct5n");
		Volume v = read(folder);
		VolumeGeometry g = v.geometry();
		assertArrayEquals(new int[] { 16, 16, 5 }, g.size());
		assertEquals(2.5, g.spacing()[2], 1e-6);
		assertEquals(-1.2375, g.origin()[2], 1e-4, "the lowest slice comes first although its file name sorts last");
		assertEquals(8.7625, g.voxelToWorld(new double[] { 0, 0, 4 })[2], 1e-4);
		// slice k is the file at z = -1.2375 + 2.5 k
		String[] byZ = { "3353", "3023", "2693", "2392", "2062" };
		for (int k = 0; k < 5; k++) {
			Volume slice = read(folder.resolve(byZ[k]));
			for (int i = 0; i < 256; i++) {
				assertEquals(slice.get(i), v.get(k * 256 + i), "slice " + k);
			}
		}
		assertArrayEquals(v.toArray(), read(DICOM.resolve("derived/ct5n-jpll")).toArray(), "JPEG lossless series");
		assertArrayEquals(v.toArray(), read(DICOM.resolve("derived/ct5n-rle")).toArray(), "RLE series");
		assertTrue(v.metadata().get("slice spacing").startsWith("2.500 mm from the positions"), v.metadata().toString());
	}

	@Test
	void implicitVrFullSizeSlicesOneMillimetreApart() throws Exception {
		Volume v = read(DICOM.resolve("dcmqi-ct-3slice"));
		assertArrayEquals(new int[] { 512, 512, 3 }, v.geometry().size());
		assertEquals(1.0, v.geometry().spacing()[2], 1e-6);
		assertEquals(-128.69, v.geometry().origin()[2], 1e-4, "01..03 descend in z: 03 is the first slice");
		assertEquals(0.810547, v.geometry().spacing()[0], 1e-9);
		Volume first = read(DICOM.resolve("dcmqi-ct-3slice/03.dcm"));
		for (int i = 0; i < 512 * 512; i += 997) {
			assertEquals(first.get(i), v.get(i));
		}
		assertEquals(-3024, stats(v)[0], "padding is kept as stored (PixelPaddingValue -2000 + intercept -1024)");
	}

	@Test
	void anUnevenGapIsNamedOrInterpolatedOnRequest() throws Exception {
		Path folder = DICOM.resolve("pydicom-ct2-77654033");
		String message = error(folder, new DicomSettings());
		assertTrue(message.contains("uneven slice spacing in series 1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.2: "
				+ "gap of 202.500 mm between " + folder.resolve("17106") + " (at -99.480 mm) and " + folder.resolve("17136")
				+ " (at 103.020 mm), the median gap is 1.250 mm"), message);
		assertTrue(message.contains("allowUnevenSpacing=true"), message);

		DicomSettings accept = new DicomSettings();
		accept.allowUnevenSpacing = true;
		Volume v = read(folder, accept);
		assertArrayEquals(new int[] { 16, 16, 165 }, v.geometry().size(), "(105.52 + 99.48) / 1.25 + 1 slices");
		assertEquals(1.25, v.geometry().spacing()[2], 1e-9);
		Volume bottom = read(folder.resolve("17106"));
		Volume upper = read(folder.resolve("17136"));
		Volume top = read(folder.resolve("17196"));
		for (int i = 0; i < 256; i++) {
			assertEquals(bottom.get(i), v.get(i), "first slice kept");
			assertEquals(top.get(i), v.get(164 * 256 + i), "last slice kept");
			// slice 81 lies at 1.77 mm, halfway through the 202.5 mm gap: the mean of its two slices
			assertEquals(bottom.get(i) + 0.5 * (upper.get(i) - bottom.get(i)), v.get(81 * 256 + i), 0.51);
		}
		assertTrue(v.metadata().get("slice spacing").contains("4 slices interpolated linearly onto 165 of 1.250 mm"));
	}

	@Test
	void jpegLsIsRefusedNamingTheTransferSyntax() {
		String message = error(DICOM.resolve("nema-wg04/CT1_JLSL.dcm"), new DicomSettings());
		assertTrue(message.startsWith(DICOM.resolve("nema-wg04/CT1_JLSL.dcm") + ": transfer syntax 1.2.840.10008.1.2.4.80 "
				+ "(JPEG-LS Lossless) cannot be decoded by this reader"), message);
	}

	@Test
	void severalSeriesAreListedAndOneCanBeChosen() throws Exception {
		copy(DICOM.resolve("pydicom-ct5n"), dir.resolve("a"));
		copy(DICOM.resolve("pydicom-ct2-77654033"), dir.resolve("b"));
		String message = error(dir, new DicomSettings());
		assertTrue(message.contains("the folder holds 2 series; choose one with the reader option series=<SeriesInstanceUID>: "
				+ "1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6 (5 files, CT"), message);
		assertTrue(message.contains("1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.2 (4 files, CT"), message);
		DicomSettings choose = new DicomSettings();
		choose.series = "1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6";
		assertArrayEquals(read(DICOM.resolve("pydicom-ct5n")).toArray(), read(dir, choose).toArray());
		assertEquals(2, DicomSeriesReader.listSeries(dir, true).size());
		choose.series = "1.2.3";
		assertTrue(error(dir, choose).contains("no series 1.2.3; the folder holds: "));
		DicomSettings flat = new DicomSettings();
		flat.recursive = false;
		assertTrue(error(dir, flat).contains("no DICOM image files"));
	}

	@Test
	void duplicatesAreDroppedWhenIdenticalAndRefusedOtherwise() throws Exception {
		copy(DICOM.resolve("pydicom-ct5n"), dir);
		Files.copy(dir.resolve("2693"), dir.resolve("2693-copy"));
		Files.writeString(dir.resolve("README.txt"), "exported by a PACS\n");
		Volume v = read(dir);
		assertArrayEquals(read(DICOM.resolve("pydicom-ct5n")).toArray(), v.toArray());
		assertTrue(v.metadata().get("duplicates").startsWith("1 file(s) at the position of another slice"));
		assertTrue(v.metadata().get("skipped").startsWith("1 file(s)"));

		byte[] bytes = Files.readAllBytes(dir.resolve("2693-copy"));
		bytes[bytes.length - 1] ^= 0x01; // the last pixel differs
		Files.write(dir.resolve("2693-copy"), bytes);
		String message = error(dir, new DicomSettings());
		assertTrue(message.contains("same slice position 3.763 mm as") && message.contains("different pixel data"), message);
	}

	/** Puts another value (same length, padded) into a DS/UI element of an Explicit VR Little Endian file. */
	static void setText(Path file, int group, int element, String value) throws IOException {
		byte[] b = Files.readAllBytes(file);
		int at = indexOf(b, new byte[] { (byte) group, (byte) (group >> 8), (byte) element, (byte) (element >> 8) });
		assertTrue(at > 0, "element found");
		int length = (b[at + 6] & 0xff) | (b[at + 7] & 0xff) << 8;
		byte[] v = java.util.Arrays.copyOf(value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), length);
		for (int i = value.length(); i < length; i++) {
			v[i] = ' ';
		}
		System.arraycopy(v, 0, b, at + 8, length);
		Files.write(file, b);
	}

	@Test
	void aSliceWithoutAFinitePlaceOrSpacingIsRefusedByName() throws Exception {
		copy(DICOM.resolve("pydicom-ct5n"), dir);
		Path slice = dir.resolve("2693");
		setText(slice, 0x20, 0x32, "NaN\\-143\\3.7625");
		for (boolean uneven : new boolean[] { false, true }) {
			String message = error(dir, settings(uneven));
			assertTrue(message.startsWith(slice + ": ImagePositionPatient is missing, does not have 3 values or is not finite ([NaN, -143.0, 3.7625])"), message);
		}
		copy(DICOM.resolve("pydicom-ct5n"), dir = Files.createTempDirectory(dir, "b"));
		setText(dir.resolve("3023"), 0x28, 0x30, "Infinity\\0.488281");
		assertTrue(error(dir, settings(true)).startsWith(dir.resolve("3023") + ": PixelSpacing is missing or not two positive numbers"),
				error(dir, settings(true)));
		copy(DICOM.resolve("pydicom-ct5n"), dir = Files.createTempDirectory(dir, "c"));
		setText(dir.resolve("3023"), 0x20, 0x37, "1\\0\\0\\0\\0.8\\0.6");
		assertTrue(error(dir, settings(true)).contains(dir.resolve("3023") + ": ImageOrientationPatient [1.0, 0.0, 0.0, 0.0, 0.8, 0.6] differs from"),
				error(dir, settings(true)));
	}

	@Test
	void aSliceCutShortIsAnErrorNeverPassedOverOrInterpolated() throws Exception {
		copy(DICOM.resolve("pydicom-ct5n"), dir);
		Path slice = dir.resolve("2693");
		Files.write(slice, java.util.Arrays.copyOf(Files.readAllBytes(slice), 100)); // not even the DICM preamble
		for (boolean uneven : new boolean[] { false, true }) {
			String message = error(dir, settings(uneven));
			assertTrue(message.startsWith(slice + ": not a DICOM file (no DICM preamble and no DICOM data set at its start): only 100 bytes, truncated?"),
					message);
		}
		// cut inside the header, before Rows: an image without its size, not "no image"
		copy(DICOM.resolve("pydicom-ct5n"), dir = Files.createTempDirectory(dir, "b"));
		byte[] b = Files.readAllBytes(dir.resolve("2693"));
		int rows = indexOf(b, new byte[] { 0x28, 0x00, 0x10, 0x00, 'U', 'S' });
		Files.write(dir.resolve("2693"), java.util.Arrays.copyOf(b, rows));
		for (boolean uneven : new boolean[] { false, true }) {
			String message = error(dir, settings(uneven));
			assertTrue(message.startsWith(dir.resolve("2693") + ": "), message);
		}
	}

	@Test
	void pixelMedsOwnRemarksGoToTheLogNotTheTerminal() throws Exception {
		Path logs = Files.createDirectory(dir.resolve("logs"));
		String previous = System.getProperty("nodulab.logs");
		System.setProperty("nodulab.logs", logs.toString());
		try {
			Path slice = dir.resolve("2062.dcm");
			Files.copy(DICOM.resolve("pydicom-ct5n/2062"), slice);
			byte[] b = Files.readAllBytes(slice);
			int at = indexOf(b, new byte[] { 0x02, 0x00, 0x10, 0x00, 'U', 'I' });
			java.util.Arrays.fill(b, at + 8, at + 8 + ((b[at + 6] & 0xff) | (b[at + 7] & 0xff) << 8), (byte) 0);
			Files.write(slice, b);
			java.io.ByteArrayOutputStream terminal = new java.io.ByteArrayOutputStream();
			java.io.PrintStream stderr = System.err;
			System.setErr(new java.io.PrintStream(terminal, true));
			String message;
			try {
				message = error(slice, new DicomSettings());
			} finally {
				System.setErr(stderr);
			}
			assertEquals(slice + ": no TransferSyntaxUID in the file meta information: the pixel data cannot be decoded reliably", message);
			String log = Files.readString(logs.resolve("dicom.log"));
			assertTrue(log.contains("PixelMed reading " + slice + ": ") && log.contains("Transfer Syntax UID was not specified"), log);
			assertEquals("", terminal.toString(), "nothing of PixelMed's on the terminal");

			// many damaged files (a screening queue, a fuzzer): the log is rotated at its size limit, never unbounded
			System.setProperty("nodulab.logs.maxBytes", "4096");
			long before = Files.size(logs.resolve("dicom.log"));
			assertTrue(before > 0 && before < 4096, "one read's remarks: " + before + " bytes");
			int reads = (int) (3 * 4096 / before) + 2;
			for (int i = 0; i < reads; i++) {
				error(slice, new DicomSettings());
			}
			assertTrue(Files.exists(logs.resolve("dicom.log.1")), "rotated after " + reads + " reads");
			assertTrue(Files.size(logs.resolve("dicom.log")) <= 4096 && Files.size(logs.resolve("dicom.log.1")) <= 4096,
					Files.size(logs.resolve("dicom.log")) + " and " + Files.size(logs.resolve("dicom.log.1")) + " bytes");
			try (var files = Files.list(logs)) {
				assertEquals(List.of("dicom.log", "dicom.log.1"), files.map(f -> f.getFileName().toString()).sorted().toList());
			}
			assertTrue(Files.readString(logs.resolve("dicom.log")).contains("Transfer Syntax UID was not specified"));
		} finally {
			System.clearProperty("nodulab.logs.maxBytes");
			if (previous == null) {
				System.clearProperty("nodulab.logs");
			} else {
				System.setProperty("nodulab.logs", previous);
			}
		}
	}

	@Test
	void nonCtAndBrokenFilesAreNamed() throws Exception {
		byte[] ct = Files.readAllBytes(DICOM.resolve("pydicom/CT_small.dcm"));
		int at = indexOf(ct, new byte[] { 0x08, 0x00, 0x60, 0x00, 'C', 'S', 0x02, 0x00, 'C', 'T' });
		assertTrue(at > 0);
		ct[at + 8] = 'M';
		ct[at + 9] = 'R';
		Path mr = dir.resolve("mr.dcm");
		Files.write(mr, ct);
		assertEquals(mr + ": modality is 'MR', expected CT (set the reader option allowNonCt=true to read it anyway, without HU)",
				error(mr, new DicomSettings()));
		DicomSettings any = new DicomSettings();
		any.allowNonCt = true;
		assertEquals("MR", read(mr, any).metadata().get("modality"));

		byte[] full = Files.readAllBytes(DICOM.resolve("nema-wg04/CT1_UNC.dcm"));
		Path truncated = dir.resolve("truncated.dcm");
		Files.write(truncated, java.util.Arrays.copyOf(full, full.length / 2));
		String message = error(truncated, new DicomSettings());
		assertTrue(message.startsWith(truncated + ": "), message);
		assertTrue(message.contains("truncated") || message.contains("broken DICOM"), message);

		Path text = dir.resolve("notes.dcm");
		Files.writeString(text, "not an image");
		assertTrue(error(text, new DicomSettings()).startsWith(text + ": not a DICOM file"));
		assertTrue(error(dir.resolve("missing"), new DicomSettings()).endsWith("missing: does not exist"));
	}

	@Test
	void theReaderIsContributedForFoldersAndDcmFilesWithCheckedOptions() throws Exception {
		VolumeReaderRegistry registry = Osgi.service(VolumeReaderRegistry.class);
		assertEquals("dicom", registry.readerFor(DICOM.resolve("pydicom-ct5n")).orElseThrow().id());
		assertEquals("dicom", registry.readerFor(DICOM.resolve("pydicom/CT_small.dcm")).orElseThrow().id());
		Path folder = DICOM.resolve("pydicom-ct2-77654033");
		assertEquals(165, registry.read(folder, Map.of("allowUnevenSpacing", "true")).geometry().size(2));
		assertEquals(165, new DicomSeriesReader().geometry(folder, settings(true)).size(2), "from headers alone");
		String bad = assertThrows(ContributionException.class,
				() -> registry.read(folder, Map.of("gapTolerance", "2"))).getMessage();
		assertTrue(bad.startsWith("reader 'dicom': gapTolerance: must be between 0.001 and 0.5, got 2"), bad);
		String unknown = assertThrows(ContributionException.class,
				() -> registry.read(folder, Map.of("seires", "1.2"))).getMessage();
		assertTrue(unknown.contains("seires: unknown key 'seires'"), unknown);
	}

	@Test
	void aConvertedSeriesReadsBackAsMetaImageWithTheSameGeometry() throws Exception {
		Volume v = read(DICOM.resolve("dcmqi-ct-3slice"));
		Path mhd = dir.resolve("ct.mhd");
		MetaImage.write(mhd, v, false);
		Volume back = MetaImage.read(mhd);
		assertArrayEquals(v.toArray(), back.toArray());
		assertArrayEquals(v.geometry().origin(), back.geometry().origin(), 1e-9);
		assertArrayEquals(v.geometry().spacing(), back.geometry().spacing(), 1e-9);
		assertArrayEquals(v.geometry().direction(), back.geometry().direction(), 1e-12);
	}

	static DicomSettings settings(boolean uneven) {
		DicomSettings s = new DicomSettings();
		s.allowUnevenSpacing = uneven;
		return s;
	}

	static void copy(Path from, Path to) throws IOException {
		Files.createDirectories(to);
		try (var files = Files.list(from)) {
			for (Path f : files.toList()) {
				Files.copy(f, to.resolve(f.getFileName()));
			}
		}
	}

	static int indexOf(byte[] data, byte[] pattern) {
		outer: for (int i = 0; i <= data.length - pattern.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (data[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}
}
