package org.nodulab.volume.supplier.dicom.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.test.support.Osgi;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.VolumeWriterRegistry;

/** The DICOM series writer: what it writes reads back as the same volume, here and for the reader's checks. */
class DicomSeriesWriterTest {

	@Test
	void aVolumeWrittenAsASeriesReadsBackWithTheSameVoxelsAndGeometry(@TempDir Path dir) throws Exception {
		double c = Math.cos(0.3);
		double s = Math.sin(0.3);
		// oblique in-plane: rows and columns rotated about the patient axis, slices along z
		VolumeGeometry g = new VolumeGeometry(new int[] { 23, 17, 9 }, new double[] { 0.68, 0.71, 2.5 },
				new double[] { -120.25, 33.5, -310.125 }, new double[] { c, -s, 0, s, c, 0, 0, 0, 1 });
		short[] hu = new short[23 * 17 * 9];
		SplittableRandom r = new SplittableRandom(4);
		for (int i = 0; i < hu.length; i++) {
			hu[i] = (short) r.nextInt(-1024, 3072);
		}
		Path series = dir.resolve("series");
		VolumeWriterRegistry writers = Osgi.service(VolumeWriterRegistry.class);
		assertEquals("dicom", writers.requireWriterFor(series).id(), "a target without an extension is a DICOM folder");
		writers.write(series, new Volume(g, hu), Map.of("patientId", "MARKER-ID-9", "seriesInstanceUid", "1.2.826.0.1.3680043.2.1125.9"));
		List<Path> files;
		try (Stream<Path> list = Files.list(series)) {
			files = list.sorted().toList();
		}
		assertEquals(9, files.size(), "one file per slice");
		assertTrue(new String(Files.readAllBytes(files.get(0)), StandardCharsets.ISO_8859_1).contains("MARKER-ID-9"));
		Volume back = Osgi.service(VolumeReaderRegistry.class).read(series);
		assertArrayEquals(hu, back.toArray(), "the same HU");
		VolumeGeometry h = back.geometry();
		assertArrayEquals(g.size(), h.size());
		assertArrayEquals(g.spacing(), h.spacing(), 1e-6);
		assertArrayEquals(g.origin(), h.origin(), 1e-6);
		assertArrayEquals(g.direction(), h.direction(), 1e-6);
		assertTrue(back.metadata().get("series").startsWith("1.2.826.0.1.3680043.2.1125.9"), back.metadata().toString());
		assertEquals("CT", back.metadata().get("modality"));
		assertThrows(FileAlreadyExistsException.class, () -> writers.write(series, new Volume(g, hu), Map.of()));
		try (Stream<Path> list = Files.list(dir)) {
			assertEquals(List.of(series), list.toList(), "no partial folder left behind");
		}
	}
}
