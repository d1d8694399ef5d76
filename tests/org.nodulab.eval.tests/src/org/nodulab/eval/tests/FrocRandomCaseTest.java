package org.nodulab.eval.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.eval.froc.Luna16Evaluation;

/**
 * A random 40-scan case whose expected files the official script wrote with numpy seed 4242
 * (data/froc-random/README.md): ties, capped scans, excluded findings, unlisted scans and bootstrap
 * means that are all defined.
 */
class FrocRandomCaseTest {

	static final Path CASE = Path.of("data/froc-random");

	@Test
	void everyFileEqualsTheOfficialScriptsOutput(@TempDir Path out) throws Exception {
		FrocResult result = Luna16Evaluation.evaluate(CASE.resolve("annotations.csv"),
				CASE.resolve("annotations_excluded.csv"), CASE.resolve("seriesuids.csv"), CASE.resolve("results_random.csv"),
				Luna16Evaluation.Options.of("results_random").withBootstrap(1000, 4242));
		FrocReport.write(result, out, false);
		Path expected = CASE.resolve("expected");
		for (String name : new String[] { "CADAnalysis.txt", "froc_results_random.txt",
				"froc_gt_prob_vectors_results_random.csv", "nodulesWithoutCandidate_results_random.txt" }) {
			assertEquals(Files.readString(expected.resolve(name)), Files.readString(out.resolve(name)), name);
		}
		String bootstrapping;
		try (InputStream in = new GZIPInputStream(
				Files.newInputStream(expected.resolve("froc_results_random_bootstrapping.csv.gz")))) {
			bootstrapping = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertFalse(bootstrapping.contains("nan"), "this case must exercise defined means");
		assertEquals(bootstrapping, Files.readString(out.resolve("froc_results_random_bootstrapping.csv")));
		assertEquals(1, result.analysis().marksOnUnlistedScans());
	}
}
