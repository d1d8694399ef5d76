package org.nodulab.eval.tests;

import org.nodulab.test.support.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;
import org.nodulab.luna16.Luna16Csv;

/** Bad input gives an error naming the file, the line and what was expected. */
class Luna16CsvTest {

	@TempDir
	Path dir;

	private Path file(String name, String content) throws IOException {
		Path f = dir.resolve(name);
		Files.writeString(f, content);
		return f;
	}

	private String error(Path results) {
		return assertThrows(Luna16Csv.CsvException.class, () -> Luna16Csv.readPredictions(results, true)).getMessage();
	}

	@Test
	void realLuna16FilesAreRead() throws Exception {
		Path luna = SharedData.dir("data/luna16");
		List<Annotation> annotations = Luna16Csv.readAnnotations(luna.resolve("annotations.csv"));
		assertEquals(1186, annotations.size());
		assertEquals("-128.6994211,-175.3192718,-298.3875064", annotations.get(0).position());
		assertEquals(5.651470635, annotations.get(0).diameter());
		assertEquals(35192, Luna16Csv.readAnnotations(luna.resolve("annotations_excluded.csv")).size());
		assertEquals(888, Luna16Csv.readSeriesUids(luna.resolve("seriesuids.csv")).size());
	}

	@Test
	void columnsAreFoundByNameAndProbabilitiesMayUseExponents() throws Exception {
		List<Prediction> p = Luna16Csv.readPredictions(
				file("r.csv", "probability,coordZ,coordY,coordX,seriesuid\n1e-04,3,2,1,s1\n"), true);
		assertEquals(new Prediction("s1", 1, 2, 3, 1e-4, Prediction.UNKNOWN), p.get(0));
	}

	@Test
	void candidateFilesWithAClassColumnHaveLabels() throws Exception {
		List<Prediction> p = Luna16Csv.readPredictions(
				file("c.csv", "seriesuid,coordX,coordY,coordZ,class\ns1,1,2,3,1\ns1,4,5,6,0\n"), false);
		assertEquals(1, p.get(0).label());
		assertEquals(0, p.get(1).label());
		assertTrue(Double.isNaN(p.get(0).probability()));
	}

	@Test
	void missingColumns() throws Exception {
		Path f = file("r.csv", "seriesuid,coordX,coordY,probability\ns1,1,2,0.5\n");
		assertEquals(f + ":1: missing column 'coordZ'; columns: seriesuid, coordX, coordY, probability", error(f));
		Path g = file("g.csv", "seriesuid,coordX,coordY,coordZ\ns1,1,2,3\n");
		assertEquals(g + ":1: missing column 'probability'; columns: seriesuid, coordX, coordY, coordZ", error(g));
	}

	@Test
	void unparsableAndMissingFieldsNameTheLine() throws Exception {
		Path f = file("r.csv", "seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3,0.5\ns1,1,two,3,0.5\n");
		assertEquals(f + ":3: column 'coordY' must be a number, got 'two'", error(f));
		Path g = file("g.csv", "seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3\n");
		assertEquals(g + ":2: missing field 'probability' (the line has 4 fields)", error(g));
	}

	@Test
	void numbersJavaReadsButACsvDoesNotWriteAreRefused() throws Exception {
		for (String text : new String[] { "0x1p-1", "0.5d", "0.5F", "1e3f", "0X.8P0" }) {
			Path f = file("j.csv", "seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3,0.5\ns1," + text + ",2,3,0.5\n");
			assertEquals(f + ":3: column 'coordX' must be a number, got '" + text + "'", error(f));
		}
		Path ok = file("k.csv", "seriesuid,coordX,coordY,coordZ,probability\ns1,+1.5e2,-.5,3.,1E-3\n");
		List<org.nodulab.luna16.Prediction> read = Luna16Csv.readPredictions(ok, true);
		assertEquals(1, read.size());
		assertEquals(150.0, read.get(0).x());
		assertEquals(0.001, read.get(0).probability());
	}

	@Test
	void probabilitiesMustBeFiniteAndBetweenZeroAndOne() throws Exception {
		Path nan = file("n.csv", "seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3,NaN\n");
		assertEquals(nan + ":2: column 'probability' must be a finite number, got 'NaN'", error(nan));
		Path lower = file("m.csv", "seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3,nan\n");
		assertEquals(lower + ":2: column 'probability' must be a number, got 'nan'", error(lower));
		Path logit = file("l.csv", "seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3,2.5\n");
		assertTrue(error(logit).startsWith(logit + ":2: probability must be between 0 and 1, got 2.5 (scores"),
				error(logit));
	}

	@Test
	void duplicateCandidatesAreRejected() throws Exception {
		Path f = file("d.csv", "seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3,0.5\ns2,1,2,3,0.5\ns1,1.0,2,3,0.7\n");
		assertEquals(f + ":4: duplicate candidate (same seriesuid and position as line 2)", error(f));
	}

	@Test
	void seriesListsAndMissingFiles() throws Exception {
		Path twice = file("s.csv", "a\nb\na\n");
		assertEquals(twice + ":3: seriesuid a is listed twice",
				assertThrows(Luna16Csv.CsvException.class, () -> Luna16Csv.readSeriesUids(twice)).getMessage());
		Path missing = dir.resolve("none.csv");
		assertEquals(missing + ": file does not exist",
				assertThrows(IOException.class, () -> Luna16Csv.readAnnotations(missing)).getMessage());
		Path empty = file("e.csv", "");
		assertTrue(assertThrows(IOException.class, () -> Luna16Csv.readAnnotations(empty)).getMessage()
				.startsWith(empty + ":1: the file is empty"));
	}
}
