package org.nodulab.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nodulab eval, ensemble and bench eval on the reference case. */
class EvalCommandsTest {

	@org.junit.jupiter.api.BeforeAll
	static void open() {
		CommandLineTest.open(); // this class's own services: it does not depend on another class having run first
	}

	@org.junit.jupiter.api.AfterAll
	static void close() {
		CommandLineTest.close();
	}

	static final Path REFERENCE = Path.of("../../../shared/data/froc-reference").toAbsolutePath().normalize();

	static String ref(String name) {
		return REFERENCE.resolve(name).toString();
	}

	@Test
	void evalReproducesTheReferenceAndNeverOverwrites(@TempDir Path out) throws Exception {
		CommandLineTest.Result r = CommandLineTest.run("eval", ref("annotations.csv"), ref("annotations_excluded.csv"),
				ref("seriesuids.csv"), ref("results_example.csv"), out.toString(), "--bootstrap-indices",
				ref("out_seeded/bootstrap_indices_seed12345.txt"));
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("sensitivity at     1 FP/scan: 0.5000"), r.out());
		assertTrue(r.out().contains("CPM: 0.4464"), r.out());
		assertEquals(Files.readString(REFERENCE.resolve("out_seeded/froc_results_example_bootstrapping.csv")),
				Files.readString(out.resolve("froc_results_example_bootstrapping.csv")));
		assertTrue(Files.size(out.resolve("froc_results_example.png")) > 20_000);

		CommandLineTest.Result again = CommandLineTest.run("eval", ref("annotations.csv"), ref("annotations_excluded.csv"),
				ref("seriesuids.csv"), ref("results_example.csv"), out.toString());
		assertEquals(1, again.code());
		assertTrue(again.err().contains("CADAnalysis.txt") && again.err().contains("never overwritten"), again.err());
	}

	@Test
	void evalNamesTheBadLine(@TempDir Path dir) throws Exception {
		Path results = dir.resolve("bad.csv");
		Files.writeString(results, "seriesuid,coordX,coordY,coordZ,probability\nx,1,2,3,0.5\nx,1,2,oops,0.5\n");
		CommandLineTest.Result r = CommandLineTest.run("eval", ref("annotations.csv"), ref("annotations_excluded.csv"),
				ref("seriesuids.csv"), results.toString(), dir.resolve("out").toString());
		assertEquals(1, r.code());
		assertEquals("nodulab eval: " + results + ":3: column 'coordZ' must be a number, got 'oops'", r.err().trim());
	}

	@Test
	void ensembleCombinesAndRefusesLeakyWeightSearch(@TempDir Path dir) throws Exception {
		Path a = dir.resolve("a.csv");
		Path b = dir.resolve("b.csv");
		Files.writeString(a, "seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3,0.2\ns2,4,5,6,0.8\n");
		Files.writeString(b, "seriesuid,coordX,coordY,coordZ,probability\ns2,4,5,6,0.4\ns1,1,2,3,0.6\n");
		Path mean = dir.resolve("mean.csv");
		CommandLineTest.Result r = CommandLineTest.run("ensemble", "--combine", "mean", "--inputs", a.toString(),
				b.toString(), "--out", mean.toString());
		assertEquals(0, r.code(), r.err());
		assertEquals("seriesuid,coordX,coordY,coordZ,probability\ns1,1,2,3,0.4\ns2,4,5,6,0.6000000000000001\n",
				Files.readString(mean));
		String report = Files.readString(dir.resolve("mean.csv.ensemble.yaml"));
		assertTrue(report.contains("combine: mean") && report.contains("sha256:"), report);

		CommandLineTest.Result leaky = CommandLineTest.run("ensemble", "--combine", "weighted", "--inputs", a.toString(),
				b.toString(), "--search-on", a.toString(), b.toString(), "--annotations", ref("annotations.csv"),
				"--excluded", ref("annotations_excluded.csv"), "--seriesuids", ref("seriesuids.csv"), "--out",
				dir.resolve("w.csv").toString());
		assertEquals(1, leaky.code());
		assertTrue(leaky.err().contains("weights must be chosen on validation predictions only"), leaky.err());
		assertTrue(Files.notExists(dir.resolve("w.csv")), "nothing is written when the search is refused");

		CommandLineTest.Result again = CommandLineTest.run("ensemble", "--combine", "max", "--inputs", a.toString(),
				b.toString(), "--out", mean.toString());
		assertEquals(1, again.code());
		assertTrue(again.err().contains("never overwritten"), again.err());
	}

	@Test
	void exploratoryWeightSearchIsAllowedAndSaysSo(@TempDir Path dir) throws Exception {
		Path a = dir.resolve("a.csv");
		Path b = dir.resolve("b.csv");
		Files.writeString(a, Files.readString(REFERENCE.resolve("results_example.csv")));
		Files.writeString(b, Files.readString(REFERENCE.resolve("results_example.csv")).replace(",0.9\n", ",0.1\n"));
		Path out = dir.resolve("w.csv");
		CommandLineTest.Result r = CommandLineTest.run("ensemble", "--combine", "weighted", "--inputs", a.toString(),
				b.toString(), "--search-on", a.toString(), b.toString(), "--annotations", ref("annotations.csv"),
				"--excluded", ref("annotations_excluded.csv"), "--seriesuids", ref("seriesuids.csv"), "--exploratory",
				"--out", out.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("warning: exploratory run"), r.out());
		String report = Files.readString(dir.resolve("w.csv.ensemble.yaml"));
		assertTrue(report.contains("exploratory: true") && report.contains("EXPLORATORY"), report);
		assertTrue(report.contains("combinations: 11"), report);
	}

	@Test
	void benchEvalPrintsItsFigures(@TempDir Path dir) {
		CommandLineTest.Result r = CommandLineTest.run("bench", "eval", "--luna16",
				Path.of("../../../shared/data/luna16").toString(), "--marks", "3000", "--bootstrap", "20", "--repeat", "1",
				"--work", dir.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("over 888 scans and 1186 nodules; best"), r.out());
	}
}
