package org.nodulab.dataset.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.DatasetException;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.test.support.SharedData;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.supplier.metaimage.MetaImage;

/** The LUNA16 layout with the real annotation files, candidate files and their errors. */
class Luna16DatasetTest {

	static final Path LUNA = SharedData.dir("data/luna16");

	@TempDir
	Path root;

	/** A dataset with LUNA16's real CSVs and one tiny scan on disk, named after a real seriesuid. */
	Path realDataset() throws IOException {
		for (String f : List.of("annotations.csv", "annotations_excluded.csv", "seriesuids.csv")) {
			Files.copy(LUNA.resolve(f), root.resolve(f), StandardCopyOption.REPLACE_EXISTING);
		}
		return root;
	}

	static void scan(Path mhd, int[] size, double[] origin) throws IOException {
		Files.createDirectories(mhd.getParent());
		VolumeGeometry g = VolumeGeometry.axisAligned(size, new double[] { 1, 1, 1 }, origin);
		MetaImage.write(mhd, new Volume(g, new short[(int) g.voxelCount()]), false);
	}

	static String error(Path root, String candidates) {
		return assertThrows(IOException.class, () -> Luna16Dataset.open(root).candidates(candidates)).getMessage();
	}

	@Test
	void theRealAnnotationFilesAndSeriesListAreRead() throws Exception {
		realDataset();
		List<Annotation> annotations = Luna16Csv.readAnnotations(LUNA.resolve("annotations.csv"));
		String uid = annotations.get(0).seriesuid();
		scan(root.resolve("subset3").resolve(uid + ".mhd"), new int[] { 4, 4, 4 }, new double[3]);
		Luna16Dataset d = Luna16Dataset.open(root);
		assertEquals(1, d.scans().size());
		assertEquals(3, d.scans().get(0).subset());
		assertEquals(888, d.listedUids().size());
		assertEquals(887, d.missingScans().size());
		assertEquals(1186, d.annotations().size());
		assertEquals(35192, d.excluded().size());
		assertEquals(annotations.stream().filter(a -> a.seriesuid().equals(uid)).count(), d.annotationsOf(uid).size());
		assertEquals(List.of(3), d.subsets());
		assertTrue(d.lungMask(uid).isEmpty());
	}

	@Test
	void layoutMistakesNameTheFile() throws Exception {
		realDataset();
		String uid = Luna16Csv.readSeriesUids(LUNA.resolve("seriesuids.csv")).get(5);
		scan(root.resolve("subset0").resolve(uid + ".mhd"), new int[] { 2, 2, 2 }, new double[3]);
		scan(root.resolve("subset1").resolve(uid + ".mhd"), new int[] { 2, 2, 2 }, new double[3]);
		String twice = assertThrows(DatasetException.class, () -> Luna16Dataset.open(root)).getMessage();
		assertTrue(twice.startsWith(root.resolve("subset1").resolve(uid + ".mhd") + ": scan " + uid + " is also in "), twice);

		Files.delete(root.resolve("subset1").resolve(uid + ".mhd"));
		scan(root.resolve("subset1").resolve("1.2.3.mhd"), new int[] { 2, 2, 2 }, new double[3]);
		assertEquals(root.resolve("subset1/1.2.3.mhd") + ": scan 1.2.3 is not listed in " + root.resolve("seriesuids.csv"),
				assertThrows(DatasetException.class, () -> Luna16Dataset.open(root)).getMessage());
		Files.walk(root.resolve("subset1")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

		Files.writeString(root.resolve("annotations.csv"), "seriesuid,coordX,coordY,coordZ,diameter_mm\n" + uid
				+ ",1,2,3,4\n9.9.9,1,2,3,4\n");
		assertEquals(root.resolve("annotations.csv") + ":3: unknown seriesuid '9.9.9': not in " + root.resolve("seriesuids.csv"),
				assertThrows(IOException.class, () -> Luna16Dataset.open(root)).getMessage());
		Files.delete(root.resolve("annotations.csv"));
		assertTrue(assertThrows(DatasetException.class, () -> Luna16Dataset.open(root)).getMessage()
				.startsWith(root.resolve("annotations.csv") + ": missing"));
		assertTrue(assertThrows(DatasetException.class, () -> Luna16Dataset.open(root.resolve("nope"))).getMessage()
				.contains("not a folder"));
	}

	@Test
	void candidateRowsAreCheckedWithFileAndLine() throws Exception {
		realDataset();
		List<String> uids = Luna16Csv.readSeriesUids(LUNA.resolve("seriesuids.csv"));
		String a = uids.get(0);
		String header = "seriesuid,coordX,coordY,coordZ,class\n";
		Files.writeString(root.resolve("candidates.csv"), header + a + ",1,2,3,0\n" + a + ",1,2,x,0\n");
		assertEquals(root.resolve("candidates.csv") + ":3: column 'coordZ' must be a number, got 'x'", error(root, "candidates.csv"));
		Files.writeString(root.resolve("candidates.csv"), header + a + ",1,2,3,0\n" + a + ",1,2\n");
		assertEquals(root.resolve("candidates.csv") + ":3: missing field 'coordZ' (the line has 3 fields)",
				error(root, "candidates.csv"));
		Files.writeString(root.resolve("candidates.csv"), header + a + ",1,2,3,0\nnot.a.scan,1,2,3,0\n");
		assertEquals(root.resolve("candidates.csv") + ":3: unknown seriesuid 'not.a.scan': not in " + root.resolve("seriesuids.csv")
				+ " and no subset*/<seriesuid>.mhd in " + root, error(root, "candidates.csv"));
		Files.writeString(root.resolve("candidates.csv"), header + a + ",1,2,3,0\n" + a + ",4,5,6,1\n" + a + ",1,2,3,0\n");
		assertEquals(root.resolve("candidates.csv") + ":4: duplicate candidate (same seriesuid and position as line 2)",
				error(root, "candidates.csv"));
		Files.writeString(root.resolve("candidates.csv"), header + a + ",1,2,3,2\n");
		assertEquals(root.resolve("candidates.csv") + ":2: column 'class' must be 0 or 1, got '2'", error(root, "candidates.csv"));
		assertEquals(root.resolve("candidates_V2.csv") + ": candidate file does not exist; the dataset has candidates.csv",
				error(root, "candidates_V2.csv"));
	}

	@Test
	void aDetectorsOutputWithProbabilitiesIsACandidateFileToo() throws Exception {
		realDataset();
		List<String> uids = Luna16Csv.readSeriesUids(LUNA.resolve("seriesuids.csv"));
		Files.writeString(root.resolve("detector.csv"), "seriesuid,coordX,coordY,coordZ,probability\n" + uids.get(1)
				+ ",1.5,-2.25,3,0.9\n" + uids.get(0) + ",4,5,6,0.1\n" + uids.get(1) + ",7,8,9,1e-3\n");
		CandidateTable t = Luna16Dataset.open(root).candidates("detector.csv");
		assertEquals(3, t.size());
		assertTrue(t.hasProbabilities() && !t.hasLabels());
		assertEquals(List.of(uids.get(1), uids.get(0)), t.scans());
		assertArrayEquals(new int[] { 0, 2 }, t.rowsOf(uids.get(1)));
		assertEquals(1e-3, t.probability(2));
		assertEquals(-1, t.label(0));
		Path copy = root.resolve("copy.csv");
		t.write(copy, new int[] { 2, 0 });
		assertEquals("seriesuid,coordX,coordY,coordZ,probability\n" + uids.get(1) + ",7,8,9,0.001\n" + uids.get(1)
				+ ",1.5,-2.25,3,0.9\n", Files.readString(copy));
		assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> t.write(copy, new int[] { 0 }));
	}

	/** 754,975 rows over LUNA16's 888 seriesuids, the size of candidates_V2.csv, read streaming. */
	@Test
	void aCandidatesV2SizedFileIsStreamedIntoColumns() throws Exception {
		realDataset();
		List<String> uids = Luna16Csv.readSeriesUids(LUNA.resolve("seriesuids.csv"));
		int rows = 754_975;
		SplittableRandom random = new SplittableRandom(3);
		int[] perScan = new int[uids.size()];
		int positives = 0;
		try (BufferedWriter w = Files.newBufferedWriter(root.resolve("candidates_V2.csv"), StandardCharsets.UTF_8)) {
			w.write("seriesuid,coordX,coordY,coordZ,class\n");
			for (int i = 0; i < rows; i++) {
				int s = random.nextInt(uids.size());
				int label = random.nextInt(500) == 0 ? 1 : 0;
				perScan[s]++;
				positives += label;
				w.write(String.format(Locale.ROOT, "%s,%d.%02d,%.2f,%.2f,%d%n", uids.get(s), i, s % 100,
						random.nextDouble(-250, 100), random.nextDouble(-350, 0), label));
			}
		}
		CandidateTable t = Luna16Dataset.open(root).candidates("candidates_V2.csv");
		assertEquals(rows, t.size());
		assertEquals(positives, t.positives());
		for (int s = 0; s < uids.size(); s += 37) {
			int[] r = t.rowsOf(uids.get(s));
			assertEquals(perScan[s], r.length);
			for (int k = 1; k < r.length; k++) {
				assertTrue(r[k] > r[k - 1], "file order within a scan");
				assertEquals(uids.get(s), t.uid(r[k]));
			}
		}
		assertTrue(Luna16Dataset.open(root).candidates("candidates_V2.csv") != t, "a new dataset reads again");
	}
}
