package org.nodulab.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.cli.tests.CommandLineTest.Result;

/** nodulab volume, dataset, synth and the data benchmarks, as a user runs them. */
class DataCommandsTest {

	static final Path DICOM = Path.of("../../../shared/data/dicom").toAbsolutePath().normalize();

	@TempDir
	static Path dir;

	static Path synth;
	static Result generated;

	@BeforeAll
	static void open() {
		CommandLineTest.open();
		synth = dir.resolve("synth");
		generated = CommandLineTest.run("synth", "--out", synth.toString(), "--scans", "2", "--seed", "5");
	}

	@AfterAll
	static void close() {
		CommandLineTest.close();
	}

	static Result run(String... args) {
		return CommandLineTest.run(args);
	}

	@Test
	void volumeInfoPrintsGeometryAndHuOfADicomSeries() {
		Result r = run("volume", "info", DICOM.resolve("pydicom-ct5n").toString());
		assertEquals(0, r.code(), r.err());
		String out = r.out();
		assertTrue(out.contains("reader           dicom (DICOM series)"), out);
		assertTrue(out.contains("size             16 x 16 x 5 voxels"), out);
		assertTrue(out.contains("spacing          0.4883 x 0.4883 x 2.5000 mm"), out);
		assertTrue(out.contains("origin           (-72.200, -143.000, -1.238) mm"), out);
		assertTrue(out.contains("transfer syntax  1.2.840.10008.1.2.1 (Explicit VR Little Endian)"), out);
		assertTrue(out.contains("HU               min -888,"), out);

		Result one = run("volume", "info", DICOM.resolve("nema-wg04/CT1_J2KR.dcm").toString());
		assertTrue(one.out().contains("HU               min -3024, max 1254, mean -871.30"), one.out());
	}

	@Test
	void volumeErrorsNameTheProblemAndTheFixingOption() {
		Path uneven = DICOM.resolve("pydicom-ct2-77654033");
		Result r = run("volume", "info", uneven.toString());
		assertEquals(1, r.code());
		assertTrue(r.err().startsWith("nodulab volume info: " + uneven + ": uneven slice spacing"), r.err());
		Result accepted = run("volume", "info", uneven.toString(), "-o", "allowUnevenSpacing=true");
		assertEquals(0, accepted.code(), accepted.err());
		assertTrue(accepted.out().contains("16 x 16 x 165 voxels"), accepted.out());
		Result badOption = run("volume", "info", uneven.toString(), "-o", "allowUnevenSpacing=maybe");
		assertEquals(1, badOption.code());
		assertTrue(badOption.err().contains("reader 'dicom': allowUnevenSpacing: expected true or false"), badOption.err());
		Result jpegLs = run("volume", "info", DICOM.resolve("nema-wg04/CT1_JLSL.dcm").toString());
		assertTrue(jpegLs.err().contains("1.2.840.10008.1.2.4.80 (JPEG-LS Lossless) cannot be decoded"), jpegLs.err());
		Result none = run("volume", "info", dir.resolve("scan.nii").toString());
		assertTrue(none.err().contains("no installed volume reader handles"), none.err());
	}

	@Test
	void aDicomSeriesConvertsToAMetaImageWithTheSameVoxelsAndGeometry() throws Exception {
		Path mhd = dir.resolve("converted/ct.mhd");
		Result r = run("volume", "convert", DICOM.resolve("dcmqi-ct-3slice").toString(), mhd.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(Files.exists(mhd.resolveSibling("ct.raw")));
		String header = Files.readString(mhd);
		assertTrue(header.contains("ElementSpacing = 0.810547 0.810547 1"), header);
		assertTrue(header.contains("Offset = -235.199997 -226.800003 -128.690002"), header);
		assertTrue(header.contains("DimSize = 512 512 3"), header);
		Result back = run("volume", "info", mhd.toString());
		assertEquals(0, back.code(), back.err());
		String statistics = r.out().substring(r.out().indexOf("  size"));
		assertEquals(statistics, back.out().substring(back.out().indexOf("  size")), "same geometry and HU after conversion");
		Result again = run("volume", "convert", DICOM.resolve("dcmqi-ct-3slice").toString(), mhd.toString());
		assertEquals(1, again.code());
		assertTrue(again.err().contains("never overwritten"), again.err());
	}

	@Test
	void synthWritesTheBenchmarkAndPrintsTheBaseline() throws Exception {
		assertEquals(0, generated.code(), generated.err());
		String out = generated.out();
		assertTrue(out.contains("nodulab synth: 2 scans, seed 5"), out);
		assertTrue(out.contains("scan 2/2 subset1"), out);
		assertTrue(out.contains("Baseline: mean HU in a 5.0 mm sphere"), out);
		assertTrue(out.contains("baseline CPM ") && out.contains("(the target holds for the default benchmark"), out);
		Result evaluated = run("eval", synth.resolve("annotations.csv").toString(), synth.resolve("annotations_excluded.csv").toString(),
				synth.resolve("seriesuids.csv").toString(), synth.resolve("synth/baseline_meanhu.csv").toString(),
				dir.resolve("eval").toString(), "--bootstrap", "0", "--no-plot");
		String cpm = out.substring(out.indexOf("    CPM: ") + 9, out.indexOf("    CPM: ") + 15);
		assertTrue(evaluated.out().contains("CPM: " + cpm), "nodulab eval on the baseline's file gives the printed CPM "
				+ cpm + "\n" + evaluated.out());
		Result again = run("synth", "--out", synth.toString(), "--scans", "2");
		assertEquals(1, again.code());
		assertTrue(again.err().contains("never overwritten"), again.err());
		// the pooled interval says how well a benchmark of this size can rank variants
		assertTrue(out.contains("pooled over all 2 scans: baseline CPM " + cpm.strip()) && out.contains("95% bootstrap interval"), out);
		Result unknown = run("synth", "--out", dir.resolve("never").toString(), "--preset", "huge");
		assertTrue(unknown.code() != 0 && unknown.err().contains("unknown --preset 'huge': expected default or ranking"), unknown.err());
		Result both = run("synth", "--out", dir.resolve("never").toString(), "--preset", "ranking", "--settings",
				synth.resolve("synth/settings.yaml").toString());
		assertTrue(both.code() != 0 && both.err().contains("--preset ranking and --settings"), both.err());
		assertTrue(!java.nio.file.Files.exists(dir.resolve("never")), "nothing is generated after a refused option");
	}

	@Test
	void datasetLabelAddsTheClassByTheHitRuleAndPrintsWhatTheCandidatesFind() throws Exception {
		List<String> stage2 = Files.readAllLines(synth.resolve("candidates_stage2.csv"));
		List<String> stripped = new java.util.ArrayList<>();
		for (String line : stage2) {
			stripped.add(line.substring(0, line.lastIndexOf(',')));
		}
		Path detector = Files.write(dir.resolve("detector.csv"), stripped);
		Path labelled = dir.resolve("detector-labelled.csv");
		Result r = run("dataset", "label", synth.toString(), "--candidates", detector.toString(), "--out", labelled.toString());
		assertEquals(0, r.code(), r.err());
		List<String> out = Files.readAllLines(labelled);
		assertEquals("seriesuid,coordX,coordY,coordZ,probability,class,excluded", out.get(0));
		assertEquals(stage2.size(), out.size());
		for (int i = 1; i < out.size(); i++) {
			String[] f = out.get(i).split(",");
			assertEquals(stage2.get(i), String.join(",", java.util.Arrays.copyOf(f, 6)), "line " + (i + 1) + ": the benchmark's own label");
		}
		// the figures are the evaluation's candidate analysis of the same file
		Result eval = run("eval", synth.resolve("annotations.csv").toString(), synth.resolve("annotations_excluded.csv").toString(),
				synth.resolve("seriesuids.csv").toString(), detector.toString(), dir.resolve("detector-eval").toString(), "--bootstrap", "0",
				"--no-plot");
		assertEquals(0, eval.code(), eval.err());
		String cad = Files.readString(dir.resolve("detector-eval/CADAnalysis.txt"));
		String tp = cad.replaceAll("(?s).*Candidate detection results:\\s*True positives: (\\d+).*", "$1");
		String fp = cad.replaceAll("(?s).*Candidate detection results:.*?False positives: (\\d+).*", "$1");
		String nodules = cad.replaceAll("(?s).*Candidate detection results:.*?Total number of nodules: (\\d+).*", "$1");
		assertTrue(r.out().contains("hitting " + tp + " of " + nodules + " nodules"), r.out() + cad);
		assertTrue(r.out().contains(", " + fp + " false positives ("), r.out() + cad);
		assertTrue(r.out().contains("sensitivity ") && r.out().contains(" false positives per scan"), r.out());
		Result again = run("dataset", "label", synth.toString(), "--candidates", detector.toString(), "--out", labelled.toString());
		assertEquals(1, again.code());
		assertTrue(again.err().contains("never overwritten") || again.err().contains("exists"), again.err());
	}

	@Test
	void detectFindsTheBenchmarksNodulesAndEvalCountsWhatItPrints() throws Exception {
		Path detected = dir.resolve("detected.csv");
		Result r = run("detect", synth.toString(), "--out", detected.toString());
		assertEquals(0, r.code(), r.err());
		List<String> lines = Files.readAllLines(detected);
		assertEquals("seriesuid,coordX,coordY,coordZ,probability,diameter_mm", lines.get(0));
		java.util.Map<String, Long> perScan = lines.stream().skip(1).collect(
				java.util.stream.Collectors.groupingBy(l -> l.substring(0, l.indexOf(',')), java.util.stream.Collectors.counting()));
		assertEquals(2, perScan.size(), "both scans searched");
		perScan.values().forEach(n -> assertTrue(n <= 100, "at most 100 candidates per scan: " + perScan));
		// the target: at least 95% of the nodules with at most 100 candidates per scan (6 of 6 here)
		assertTrue(r.out().contains("sensitivity 1.000 (6 of 6 nodules) at "), r.out());
		Result eval = run("eval", synth.resolve("annotations.csv").toString(), synth.resolve("annotations_excluded.csv").toString(),
				synth.resolve("seriesuids.csv").toString(), detected.toString(), dir.resolve("detected-eval").toString(), "--bootstrap", "0",
				"--no-plot");
		assertEquals(0, eval.code(), eval.err());
		String cad = Files.readString(dir.resolve("detected-eval/CADAnalysis.txt"));
		assertTrue(cad.contains("True positives: 6"), cad);
		String fp = cad.replaceAll("(?s).*Candidate detection results:.*?False positives: (\\d+).*", "$1");
		assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "at %.1f false positives per scan", Integer.parseInt(fp) / 2.0)),
				r.out() + cad);
		// an experiment trains on it by labelling it (labels: annotations does the same on the fly)
		Result label = run("dataset", "label", synth.toString(), "--candidates", detected.toString(), "--out",
				dir.resolve("detected-labelled.csv").toString());
		assertEquals(0, label.code(), label.err());
		assertTrue(label.out().contains("hitting 6 of 6 nodules"), label.out());
		// one scan from its file: the dataset run's candidates of that scan, bit for bit
		String uid = perScan.keySet().stream().sorted().findFirst().orElseThrow();
		Path scan;
		try (java.util.stream.Stream<Path> files = Files.walk(synth)) {
			scan = files.filter(p -> p.getFileName().toString().equals(uid + ".mhd") && p.getParent().getFileName().toString().startsWith("subset"))
					.findFirst().orElseThrow();
		}
		Path one = dir.resolve("one-scan.csv");
		Result single = run("detect", scan.toString(), "--out", one.toString(), "-d", "maxCandidates=100");
		assertEquals(0, single.code(), single.err());
		assertEquals(lines.stream().filter(l -> l.startsWith(uid + ",")).toList(), Files.readAllLines(one).subList(1, Files.readAllLines(one).size()));
		Result again = run("detect", synth.toString(), "--out", detected.toString());
		assertEquals(1, again.code());
		assertTrue(again.err().contains("never overwritten"), again.err());
		Result badOption = run("detect", scan.toString(), "--out", dir.resolve("never.csv").toString(), "-d", "maxCandidates=lots");
		assertEquals(1, badOption.code());
		assertTrue(badOption.err().contains("detector 'blob': maxCandidates"), badOption.err());
		Path none = dir.resolve("no-lung.csv");
		Result noLung = run("detect", DICOM.resolve("pydicom-ct5n").toString(), "--out", none.toString());
		assertEquals(1, noLung.code());
		assertTrue(noLung.err().contains("no lung found"), noLung.err());
		assertTrue(!Files.exists(none) && !Files.exists(dir.resolve("never.csv")), "nothing written after a refusal");
	}

	@Test
	void datasetInfoAndTheLungFilter() throws Exception {
		Result info = run("dataset", "info", synth.toString(), "--check");
		assertEquals(0, info.code(), info.err());
		assertTrue(info.out().contains("LUNA16 dataset " + synth + " (2 of 2 scans"), info.out());
		assertTrue(info.out().contains("candidates_V2.csv: "), info.out());
		assertTrue(info.out().contains("candidates_stage2.csv: "), info.out());
		assertTrue(info.out().contains("0 candidates lie outside their scan's volume"), info.out());
		assertTrue(info.out().contains("lung masks in seg-lungs-LUNA16/"), info.out());

		Path filtered = dir.resolve("filtered.csv");
		Result filter = run("dataset", "lung-filter", synth.toString(), "--candidates", "candidates_V2.csv", "--out",
				filtered.toString());
		assertEquals(0, filter.code(), filter.err());
		assertTrue(filter.out().startsWith("lung filter over 2 scans: kept "), filter.out());
		assertTrue(Files.readString(filtered).startsWith("seriesuid,coordX,coordY,coordZ,class\n"));

		Result broken = run("dataset", "info", dir.resolve("nothing").toString());
		assertEquals(1, broken.code());
		assertTrue(broken.err().contains("not a folder"), broken.err());
	}

	@Test
	void theDataBenchmarksRunAndPrintTheirFigures() {
		Result candidates = run("bench", "candidates", "--rows", "20000", "--work", dir.resolve("bench-c").toString());
		assertEquals(0, candidates.code(), candidates.err());
		assertTrue(candidates.out().contains("rows/s); the table keeps"), candidates.out());
		Result patches = run("bench", "patches", "--dataset", synth.toString(), "--seconds", "0.5");
		assertEquals(0, patches.code(), patches.err());
		assertTrue(patches.out().contains("samples/s; heap in use after GC"), patches.out());
	}
}
