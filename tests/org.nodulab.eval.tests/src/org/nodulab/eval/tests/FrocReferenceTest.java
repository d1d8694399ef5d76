package org.nodulab.eval.tests;

import org.nodulab.test.support.SharedData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.eval.froc.FrocAnalysis;
import org.nodulab.eval.froc.FrocBootstrap;
import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.eval.froc.Luna16Evaluation;

/**
 * Reproduces the reference case computed by the official LUNA16 evaluation script
 * ({@code shared/data/froc-reference}): every file it wrote, byte for byte, and the CPM.
 */
class FrocReferenceTest {

	static Path reference;
	static Path expected;
	static FrocResult result;

	@TempDir
	static Path out;

	@BeforeAll
	static void evaluate() throws Exception {
		reference = SharedData.dir("data/froc-reference");
		expected = reference.resolve("out_seeded");
		Luna16Evaluation.Options options = Luna16Evaluation.Options.of("results_example")
				.withBootstrapIndices(expected.resolve("bootstrap_indices_seed12345.txt"));
		result = Luna16Evaluation.evaluate(reference.resolve("annotations.csv"),
				reference.resolve("annotations_excluded.csv"), reference.resolve("seriesuids.csv"),
				reference.resolve("results_example.csv"), options);
		FrocReport.write(result, out, true);
	}

	private static void assertSameFile(String name) throws Exception {
		assertEquals(Files.readString(expected.resolve(name)), Files.readString(out.resolve(name)), name);
	}

	@Test
	void counts() {
		FrocAnalysis a = result.analysis();
		assertEquals(6, a.truePositives());
		assertEquals(106, a.falsePositives());
		assertEquals(2, a.falseNegatives());
		assertEquals(117, a.candidates());
		assertEquals(8, a.totalNodules());
		assertEquals(3, a.ignoredOnExcluded());
		assertEquals(3, a.doubleDetections());
		assertEquals(0.75, a.sensitivity());
		assertEquals(19.5, a.candidatesPerScan());
		assertEquals(6, a.scans());
	}

	@Test
	void sensitivitiesAndCpm() {
		assertArrayEquals(new double[] { 0.125, 0.25, 0.375, 0.5, 0.5, 0.625, 0.75 }, result.sensitivities(), 1e-12);
		assertEquals(0.446428571, result.cpm(), 1e-9);
		assertEquals(3.125 / 7, result.cpm(), 1e-15);
	}

	@Test
	void cadAnalysisIsIdentical() throws Exception {
		assertSameFile("CADAnalysis.txt");
	}

	@Test
	void frocPointsAreIdentical() throws Exception {
		assertSameFile("froc_results_example.txt");
	}

	@Test
	void frocVectorsAreIdentical() throws Exception {
		assertSameFile("froc_gt_prob_vectors_results_example.csv");
	}

	@Test
	void nodulesWithoutCandidateAreIdentical() throws Exception {
		assertSameFile("nodulesWithoutCandidate_results_example.txt");
	}

	@Test
	void replayedBootstrapIsIdenticalIncludingNaN() throws Exception {
		assertSameFile("froc_results_example_bootstrapping.csv");
	}

	@Test
	void theSeedDrawsTheSameResamplesAsNumpy() throws Exception {
		List<int[]> replayed = FrocBootstrap.readResamples(expected.resolve("bootstrap_indices_seed12345.txt"), 6);
		List<int[]> seeded = FrocBootstrap.resamples(12345, 1000, 6);
		assertEquals(1000, replayed.size());
		for (int i = 0; i < 1000; i++) {
			assertArrayEquals(replayed.get(i), seeded.get(i), "resample " + i);
		}
	}

	@Test
	void aSeededBootstrapEqualsTheReferenceRun() throws Exception {
		FrocResult seeded = Luna16Evaluation.evaluate(reference.resolve("annotations.csv"),
				reference.resolve("annotations_excluded.csv"), reference.resolve("seriesuids.csv"),
				reference.resolve("results_example.csv"),
				Luna16Evaluation.Options.of("results_example").withBootstrap(1000, 12345));
		Path dir = out.resolve("seeded");
		FrocReport.write(seeded, dir, false);
		assertEquals(Files.readString(expected.resolve("froc_results_example_bootstrapping.csv")),
				Files.readString(dir.resolve("froc_results_example_bootstrapping.csv")));
	}

	@Test
	void thePlotIsAPng() throws Exception {
		byte[] png = Files.readAllBytes(out.resolve("froc_results_example.png"));
		assertTrue(png.length > 20_000, "png of " + png.length + " bytes");
		assertEquals((byte) 0x89, png[0]);
		assertEquals('P', png[1]);
	}

	@Test
	void resultsAreNeverOverwritten() {
		FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
				() -> FrocReport.write(result, out, true));
		assertTrue(e.getMessage().contains("CADAnalysis.txt"), e.getMessage());
	}
}
