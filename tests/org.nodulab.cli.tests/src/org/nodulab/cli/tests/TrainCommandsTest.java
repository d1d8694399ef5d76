package org.nodulab.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nodulab.cli.tests.CommandLineTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.cli.tests.CommandLineTest.Result;

/**
 * The experiment commands as a user runs them: the shipped experiments validate against a synthetic
 * benchmark in their expected place, missing data fail in validate, and train, runs, runs compare,
 * models, predict and demo --print work on a 10-scan benchmark.
 */
class TrainCommandsTest {

	@TempDir
	static Path dir;

	static Path experiments;
	static Path data;

	@BeforeAll
	static void benchmark() throws Exception {
		CommandLineTest.open(); // this class's own services: it does not depend on another class having run first
		data = dir.resolve("data/synthetic");
		Result r = run("synth", "--out", data.toString(), "--scans", "10");
		assertEquals(0, r.code(), r.err());
		experiments = dir.resolve("experiments");
		Files.createDirectories(experiments);
		try (Stream<Path> files = Files.list(CommandLineTest.EXPERIMENTS)) {
			for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
				Files.copy(f, experiments.resolve(f.getFileName()));
			}
		}
	}

	/**
	 * The quick scale of `bench examples` on the smallest example, briefly: it trains the shipped file with fewer
	 * epochs and samples, compares the test CPM with the baseline on the same candidates and says whether it learns
	 * (whether it does after one tiny epoch is not the point here; the exit code must agree with the verdict).
	 */
	@org.junit.jupiter.api.AfterAll
	static void close() {
		CommandLineTest.close();
	}

	@Test
	void benchExamplesTrainsAnExampleAtAQuickScaleAndComparesItWithTheBaseline() throws Exception {
		// the example's own quick scale (one epoch here) replaces the benchmark's default epochs; its other keys stay
		Path own = dir.resolve("examples-with-scale");
		Files.createDirectories(own);
		Files.writeString(own.resolve("vgg-quickstart.yaml"), Files.readString(experiments.resolve("vgg-quickstart.yaml")) + """

						scales:
						  quick:
						    description: one epoch
						    overrides:
						      training.epochs: 1
						""");
		Result r = run("bench", "examples", "--experiments", own.toString(), "--only", "vgg-quickstart", "--epoch-size", "0.05", "--runs",
				dir.resolve("bench-examples").toString());
		String out = r.out();
		assertTrue(out.contains("nodulab bench examples: 1 experiment(s)") && out.contains("4 epochs (or an example's own quick scale's) of at most 0.05 x negatives"), out);
		assertTrue(out.contains("vgg-quickstart: 1 model(s) on libtorch, 1 epochs (its quick scale's), test subsets [9]"), out);
		String row = out.lines().filter(l -> l.startsWith("vgg-quickstart.yaml ")).findFirst().orElseThrow(() -> new AssertionError(out));
		String[] f = row.trim().split("\\s+");
		assertEquals("1", f[2], row);
		double cpm = Double.parseDouble(f[3]);
		double baseline = Double.parseDouble(f[4]);
		assertTrue(baseline > 0 && baseline < 1, row);
		assertEquals(cpm >= baseline + 0.05 ? 0 : 1, r.code(), row);
		assertTrue(row.endsWith(r.code() == 0 ? "yes" : "NO (not 0.05 above the baseline)"), row);
		try (Stream<Path> runs = Files.list(dir.resolve("bench-examples"))) {
			Path run = runs.findFirst().orElseThrow();
			String experiment = Files.readString(run.resolve("experiment.yaml"));
			assertTrue(experiment.contains("epochs: 1") && experiment.contains("epochSize: 0.05") && experiment.contains("bootstrap: 0"), experiment);
			assertTrue(experiment.lines().noneMatch(l -> l.startsWith("scales:")), "the run records what it ran: " + experiment);
			assertTrue(experiment.contains("learningRate: 3.0E-4") || experiment.contains("learningRate: 0.0003"), experiment);
		}
		Result none = run("bench", "examples", "--experiments", experiments.toString(), "--only", "no-such-example");
		assertTrue(none.code() != 0 && none.err().contains("no example experiment no-such-example in " + experiments), none.err());
		Result noScale = run("train", experiments.resolve("vgg-quickstart.yaml").toString(), "--scale", "quick");
		assertEquals(1, noScale.code(), noScale.out());
		assertTrue(noScale.err().contains("vgg-quickstart.yaml:") && noScale.err().contains("name: no scale 'quick'; the experiment has no scales"),
				noScale.err());
	}

	@Test
	void everyShippedExperimentValidatesAgainstTheBenchmark() throws Exception {
		List<String> args = new ArrayList<>(List.of("validate"));
		try (Stream<Path> files = Files.list(experiments)) {
			files.sorted().forEach(f -> args.add(f.toString()));
		}
		assertTrue(args.size() >= 8, "the shipped experiments: " + args);
		Result r = run(args.toArray(String[]::new));
		assertEquals(0, r.code(), r.err());
		assertEquals(args.size() - 1, r.out().lines().filter(l -> l.contains(": valid experiment '")).count(), r.out());
		assertTrue(r.out().contains("valid experiment 'vgg-quickstart': 1 architecture (vgg), 3 augmentations"), r.out());

		Result printed = run("validate", "--print", experiments.resolve("vgg-three-branch.yaml").toString());
		assertTrue(printed.out().contains("batchSize: 16"), printed.out()); // a default made explicit
		assertTrue(printed.out().contains("learningRate: 1.0E-4"), printed.out()); // the file's own value
		assertTrue(printed.out().contains("- size:"), printed.out());

		// an example with a scale: listed, and described and printed at that scale
		assertTrue(r.out().contains("valid experiment 'densenet-three-branch': 1 architecture (densenet), 2 augmentations (translate, rotate90), window lung, 10 epoch(s); scales: quick"),
				r.out());
		Result quick = run("validate", "--scale", "quick", "--print", experiments.resolve("densenet-three-branch.yaml").toString());
		assertEquals(0, quick.code(), quick.err());
		assertTrue(quick.out().contains("valid experiment 'densenet-three-branch' at scale 'quick': 1 architecture (densenet), 2 augmentations (translate, rotate90), window lung, 6 epoch(s)"),
				quick.out());
		assertTrue(quick.out().contains("  epochs: 6") && quick.out().contains("  lrDecay: 0.9"), quick.out());
		Result none = run("validate", "--scale", "full", experiments.resolve("densenet-three-branch.yaml").toString());
		assertEquals(1, none.code());
		assertTrue(none.err().contains("densenet-three-branch.yaml:") && none.err().contains("scales: no scale 'full'; scales: [quick]"), none.err());
	}

	@Test
	void validateNamesDataThatDoNotExist() throws Exception {
		Path file = dir.resolve("other/nodata.yaml"); // beside experiments/: ../data resolves into the test folder
		Files.createDirectories(file.getParent());
		Files.writeString(file, Files.readString(experiments.resolve("vgg-quickstart.yaml")).replace("../data/synthetic",
				"../data/elsewhere"));
		Result r = run("validate", file.toString());
		assertEquals(1, r.code());
		assertTrue(r.err().contains("dataset.path: folder " + dir.resolve("data/elsewhere") + " does not exist"), r.err());
		Files.writeString(file, Files.readString(experiments.resolve("vgg-quickstart.yaml")).replace("candidates: candidates_V2.csv",
				"candidates: stage1.csv"));
		Result c = run("validate", file.toString());
		assertEquals(1, c.code());
		assertTrue(c.err().contains("dataset.candidates: file " + data.resolve("stage1.csv") + " does not exist"), c.err());
	}

	@Test
	void trainListCompareModelsAndPredict() throws Exception {
		Path file = dir.resolve("tiny.yaml");
		Files.writeString(file, """
				name: tiny
				seed: 4
				dataset:
				  path: data/synthetic
				  predictCandidates: candidates_stage2.csv
				  split: {mode: subsets, train: [0, 1, 2, 3, 4, 5], validation: [6], test: [7, 8]}
				sampling: {positiveFactor: 108, epochSize: 0.1}
				augmentations: [{id: translate}, {id: rotate90}]
				architectures:
				  - id: vgg
				    settings: {branches: [{size: [12, 12, 12]}], filters: [4, 8], convsPerStage: 1, denseUnits: 8}
				training: {epochs: 2, batchSize: 8}
				evaluation: {testTimeAugmentation: true, bootstrap: 10}
				output: {runs: runs}
				""");
		Result a = run("train", file.toString());
		assertEquals(0, a.code(), a.err() + a.out());
		assertTrue(a.out().contains("m0-vgg epoch 2: loss "), a.out());
		assertTrue(a.out().contains("report: "), a.out());
		Result b = run("train", file.toString(), "--seed", "9", "--epochs", "1");
		assertEquals(0, b.code(), b.err());
		Path runs = dir.resolve("runs");
		List<Path> runDirs;
		try (Stream<Path> s = Files.list(runs)) {
			runDirs = s.sorted().toList();
		}
		assertEquals(2, runDirs.size());
		Result list = run("runs", "--dir", runs.toString());
		assertEquals(0, list.code(), list.err());
		assertEquals(2, list.out().lines().filter(l -> l.contains(" finished ") && l.contains("vgg")).count(), list.out());
		Result compare = run("runs", "compare", runDirs.get(0).toString(), runDirs.get(1).toString());
		assertEquals(0, compare.code(), compare.err());
		assertTrue(compare.out().contains("seed") && compare.out().contains("training.epochs"), compare.out());
		assertTrue(compare.out().contains("delta"), compare.out());
		Result froc = run("runs", "froc", runDirs.get(0).toString(), "--csv", dir.resolve("froc.csv").toString());
		assertEquals(0, froc.code(), froc.err());
		assertTrue(froc.out().lines().anyMatch(l -> l.startsWith("m0-vgg ") && l.trim().endsWith("yes")), froc.out());
		assertTrue(Files.readAllLines(dir.resolve("froc.csv")).stream().anyMatch(l -> l.contains(",m0-vgg,") && l.contains(",operating-point,")));
		Result errors = run("runs", "errors", runDirs.get(0).toString(), "--count", "3");
		assertEquals(0, errors.code(), errors.err());
		assertTrue(errors.out().contains("lowest-scored positives of ") && errors.out().contains("highest-scored negatives:"), errors.out());
		assertEquals(3, errors.out().lines().filter(l -> l.contains(" score ") && !l.contains("diameter")).count(), errors.out());
		Result models = run("models", runDirs.get(0).toString());
		assertTrue(models.out().contains("/m0-vgg@2 "), models.out());
		Path out = dir.resolve("predicted.csv");
		Result p = run("predict", runDirs.get(0).toString(), data.resolve("candidates_stage2.csv").toString(), "--out", out.toString());
		assertEquals(0, p.code(), p.err());
		assertEquals(Files.readAllLines(data.resolve("candidates_stage2.csv")).size(), Files.readAllLines(out).size());
		Result again = run("predict", runDirs.get(0).toString(), data.resolve("candidates_stage2.csv").toString(), "--out", out.toString());
		assertEquals(1, again.code());
		Result resume = run("resume", runDirs.get(0).toString());
		assertEquals(1, resume.code());
		assertTrue(resume.err().contains("has finished"), resume.err());
		// issue 15: the syntax README and user guide give, and a checkpoints.csv that points outside the run
		Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
		Result usage = run("models", "delete", runDirs.get(1) + "/m0-vgg@1");
		assertEquals(2, usage.code(), "--reason is required: " + usage.err());
		Result deleted = run("models", "delete", runDirs.get(1) + "/m0-vgg@1", "--reason", "superseded by the second epoch");
		assertEquals(0, deleted.code(), deleted.err());
		assertTrue(deleted.out().startsWith("deleted " + runDirs.get(1).resolve("checkpoints/m0-vgg")), deleted.out());
		Result listed = run("models", runDirs.get(1).toString());
		assertTrue(listed.out().contains("/m0-vgg@1 on ") && listed.out().contains(": superseded by the second epoch"), listed.out());
		assertTrue(listed.out().lines().filter(l -> !l.startsWith("deleted ")).noneMatch(l -> l.contains("/m0-vgg@1 ")), listed.out());
		// the first run trained two epochs; its index row of epoch 1 now names a file outside the run
		Path index = runDirs.get(0).resolve("checkpoints.csv");
		List<String> rows = new java.util.ArrayList<>(Files.readAllLines(index));
		String row = rows.stream().filter(l -> l.startsWith("m0-vgg,0,1,0,")).findFirst().orElseThrow(() -> new AssertionError(rows));
		String recorded = row.split(",")[6];
		rows.set(rows.indexOf(row), row.replace("," + recorded + ",", ",../../victim.txt,"));
		Files.write(index, rows);
		Result escape = run("models", "delete", runDirs.get(0) + "/m0-vgg@1", "--reason", "test");
		assertEquals(1, escape.code());
		assertTrue(escape.err().contains(index + ":") && escape.err().contains("file: '../../victim.txt' is not a file below"), escape.err());
		assertEquals("keep me", Files.readString(victim));
		Result demo = run("demo", "--print");
		assertTrue(demo.out().contains("name: demo") && demo.out().contains("id: densenet"), demo.out());
	}

	/**
	 * Issue 20: a test scan of a trained run, written as a DICOM series with markers in its patient tags, screened to a
	 * report; the markers appear nowhere; the refusals come before any work.
	 */
	@Test
	void screenTurnsADicomSeriesIntoAFindingsReportAndNeverWritesPatientData() throws Exception {
		Path file = dir.resolve("screen.yaml");
		Files.writeString(file, """
				name: screen
				seed: 6
				dataset:
				  path: data/synthetic
				  split: {mode: subsets, train: [0, 1, 2, 3, 4, 6], validation: [5], test: [7, 8]}
				sampling: {positiveFactor: 108, epochSize: 3.0}
				augmentations: [{id: translate}, {id: rotate90}]
				architectures:
				  - id: vgg
				    settings: {branches: [{size: [24, 24, 24]}], filters: [16, 32], convsPerStage: 1, batchNorm: true, poolings: 2, head: flatten, denseUnits: 32}
				training: {epochs: 1, batchSize: 16, learningRate: 0.001}
				evaluation: {testTimeAugmentation: true, bootstrap: 0}
				output: {runs: runs-screen}
				""");
		Result trained = run("train", file.toString());
		assertEquals(0, trained.code(), trained.err() + trained.out());
		Path runDir;
		try (Stream<Path> s = Files.list(dir.resolve("runs-screen"))) {
			runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
		}
		// the test scan with the largest nodule, as a DICOM series whose patient tags carry markers
		List<String> annotations = Files.readAllLines(data.resolve("annotations.csv"));
		Path mhd = null;
		String uid = null;
		double[] largest = null;
		for (String line : annotations.subList(1, annotations.size())) {
			String[] a = line.split(",");
			for (String subset : new String[] { "subset7", "subset8" }) {
				Path f = data.resolve(subset).resolve(a[0] + ".mhd");
				double d = Double.parseDouble(a[4]);
				if (Files.exists(f) && (largest == null || d > largest[3])) {
					mhd = f;
					uid = a[0];
					largest = new double[] { Double.parseDouble(a[1]), Double.parseDouble(a[2]), Double.parseDouble(a[3]), d };
				}
			}
		}
		assertTrue(mhd != null, "a test scan with a nodule");
		Path series = dir.resolve("dicom/series");
		Result converted = run("volume", "convert", mhd.toString(), series.toString(), "-w", "patientName=PHI^MARKERNAME", "-w",
				"patientId=PHIMARKERID42", "-w", "patientBirthDate=19010203", "-w", "seriesInstanceUid=1.2.826.0.1.3680043.2.1125.7");
		assertEquals(0, converted.code(), converted.err());
		assertTrue(new String(Files.readAllBytes(Files.list(series).sorted().findFirst().orElseThrow()), java.nio.charset.StandardCharsets.ISO_8859_1)
				.contains("PHIMARKERID42"), "the marker is in the files");
		Path report = dir.resolve("screening");
		Result screened = run("screen", series.toString(), "--model", runDir.toString(), "--out", report.toString(), "--fps", "4");
		assertEquals(0, screened.code(), screened.err() + screened.out());
		assertTrue(screened.out().contains("1.2.826.0.1.3680043.2.1125.7: "), screened.out());
		assertTrue(screened.out().contains("operating point: probability "), screened.out());
		List<String> findings = Files.readAllLines(report.resolve("findings.csv"));
		List<String> candidates = Files.readAllLines(report.resolve("candidates.csv"));
		assertEquals("rank,seriesuid,coordX,coordY,coordZ,voxelX,voxelY,voxelZ,slice,diameter_mm,probability", findings.get(0));
		assertTrue(candidates.size() > 1 && candidates.size() <= 101, candidates.size() + " candidates");
		assertTrue(candidates.subList(1, candidates.size()).containsAll(findings.subList(1, findings.size())), "findings are scored candidates");
		// the scan's largest planted nodule is among the findings (this one-epoch model finds a third of the test nodules
		// at 4 false positives per scan; the detector's candidates hold them all)
		double[] n = largest;
		java.util.function.Predicate<String[]> onNodule = f -> Math.pow(Double.parseDouble(f[2]) - n[0], 2)
				+ Math.pow(Double.parseDouble(f[3]) - n[1], 2) + Math.pow(Double.parseDouble(f[4]) - n[2], 2) <= n[3] * n[3] / 4;
		assertTrue(findings.stream().skip(1).map(l -> l.split(",")).anyMatch(onNodule),
				"the " + n[3] + " mm nodule is a finding:\n" + String.join("\n", findings) + "\n" + screened.out());
		assertTrue(screened.out().contains("operating point: probability ") && screened.out().contains(", 4.00 false positives per scan"),
				screened.out());
		String html = Files.readString(report.resolve("report.html"));
		assertTrue(html.contains(runDir.toString()) && html.contains("FROC on the test scans") && html.contains("images/finding-1.png"), html);
		for (String image : new String[] { "overview.png", "froc.png", "finding-1.png" }) {
			assertTrue(javax.imageio.ImageIO.read(report.resolve("images").resolve(image).toFile()) != null, image);
		}
		// patient name, ID and birth date: never printed or written
		List<String> everything = new java.util.ArrayList<>(List.of(screened.out(), screened.err()));
		try (Stream<Path> files = Files.walk(report)) {
			for (Path f : files.filter(Files::isRegularFile).toList()) {
				everything.add(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
			}
		}
		for (String text : everything) {
			for (String marker : new String[] { "MARKERNAME", "PHIMARKERID42", "19010203" }) {
				assertTrue(!text.contains(marker), "patient data '" + marker + "' leaked");
			}
		}
		// refusals before any work
		Result again = run("screen", series.toString(), "--model", runDir.toString(), "--out", report.toString());
		assertTrue(again.code() == 1 && again.err().contains("never overwritten"), again.err());
		Result tiny = run("screen", DataCommandsTest.DICOM.resolve("pydicom-ct5n").toString(), "--model", runDir.toString(), "--out",
				dir.resolve("never-1").toString());
		assertTrue(tiny.code() == 1 && tiny.err().contains("cannot be applied to this scan: its input covers"), tiny.err());
		Path mask = data.resolve("seg-lungs-LUNA16").resolve(uid + ".mhd");
		Result noLung = run("screen", mask.toString(), "--model", runDir.toString(), "--out", dir.resolve("never-2").toString());
		assertTrue(noLung.code() == 1 && noLung.err().contains("no lung found"), noLung.err());
		Result nonCt = run("screen", series.toString(), "--model", runDir.toString(), "-o", "allowNonCt=true", "--out",
				dir.resolve("never-3").toString());
		assertTrue(nonCt.code() == 1 && nonCt.err().contains("screening needs a CT"), nonCt.err());
		Result noModel = run("screen", series.toString(), "--model", runDir.resolve("m7-none").toString(), "--out", dir.resolve("never-4").toString());
		assertTrue(noModel.code() == 1 && noModel.err().contains("has no model 'm7-none'"), noModel.err());
		Path two = Files.createDirectories(dir.resolve("dicom/two"));
		try (Stream<Path> files = Files.list(series)) {
			for (Path f : files.toList()) {
				Files.copy(f, two.resolve("a-" + f.getFileName()));
			}
		}
		Result other = run("volume", "convert", mhd.toString(), dir.resolve("dicom/other").toString());
		assertEquals(0, other.code(), other.err());
		try (Stream<Path> files = Files.list(dir.resolve("dicom/other"))) {
			for (Path f : files.toList()) {
				Files.copy(f, two.resolve("b-" + f.getFileName()));
			}
		}
		Result several = run("screen", two.toString(), "--model", runDir.toString(), "--out", dir.resolve("never-5").toString());
		assertTrue(several.code() == 1 && several.err().contains("the folder holds 2 series; choose one with the reader option series="),
				several.err());
		for (int i = 1; i <= 5; i++) {
			assertTrue(!Files.exists(dir.resolve("never-" + i)), "nothing written after a refusal");
		}
		// the real DICOM files (tiny, single-slice, several series, uneven, JPEG-LS): each is screened or refused with its
		// reason in one line, never with an internal error
		List<Path> real = new java.util.ArrayList<>();
		try (Stream<Path> files = Files.walk(DataCommandsTest.DICOM)) {
			files.filter(p -> Files.isDirectory(p) || p.toString().endsWith(".dcm")).sorted().forEach(real::add);
		}
		real.remove(DataCommandsTest.DICOM.resolve("derived"));
		int k = 0;
		for (Path p : real) {
			Path to = dir.resolve("real-" + k++);
			Result r = run("screen", p.toString(), "--model", runDir.toString(), "--out", to.toString());
			String known = "cannot be applied to this scan|no lung found|holds \\d+ series|uneven slice spacing|cannot be decoded|expected CT"
					+ "|no DICOM";
			assertTrue(r.code() == 0 ? Files.exists(to.resolve("report.html"))
					: r.code() == 1 && r.err().strip().lines().count() == 1 && java.util.regex.Pattern.compile(known).matcher(r.err()).find()
							&& !r.err().contains("Exception"),
					p + ": " + r.code() + "\n" + r.err());
		}
		assertTrue(real.size() >= 15, real.toString());
	}

	@Test
	void theLibtorchBackendTrainsRepeatablyPredictsAndRefusesTheOtherBackendsCheckpoints() throws Exception {
		Path file = dir.resolve("torch.yaml");
		Files.writeString(file, """
				name: torch
				seed: 4
				dataset:
				  path: data/synthetic
				  split: {mode: subsets, train: [0, 1, 2, 3, 4, 5], validation: [6], test: [7, 8]}
				sampling: {positiveFactor: 108, epochSize: 0.1}
				augmentations: [{id: translate}, {id: rotate90}]
				architectures:
				  - id: vgg
				    settings: {branches: [{size: [12, 12, 12]}], filters: [4, 8], convsPerStage: 1, denseUnits: 8, dropout: 0.3}
				training: {epochs: 2, batchSize: 8}
				evaluation: {testTimeAugmentation: true, bootstrap: 0}
				output: {runs: torch-runs}
				""");
		Result a = run("train", file.toString(), "--backend", "libtorch");
		assertEquals(0, a.code(), a.err() + a.out());
		Result b = run("train", file.toString(), "--backend", "libtorch");
		assertEquals(0, b.code(), b.err());
		List<Path> runDirs;
		try (Stream<Path> s = Files.list(dir.resolve("torch-runs"))) {
			runDirs = s.sorted().toList();
		}
		assertEquals(2, runDirs.size());
		List<String> hashes = new ArrayList<>();
		for (Path r : runDirs) {
			String index = Files.readString(r.resolve("checkpoints.csv"));
			hashes.add(index.lines().filter(l -> l.startsWith("m0-vgg,0,2,0,")).findFirst().orElseThrow().split(",")[7]);
			assertTrue(Files.readString(r.resolve("provenance.json")).contains("\"id\" : \"libtorch\""), "provenance names the backend");
			assertTrue(Files.readString(r.resolve("experiment.yaml")).contains("backend: libtorch"));
			List<String> metrics = Files.readAllLines(r.resolve("metrics.csv"));
			assertTrue(metrics.get(0).endsWith(",train_accuracy,validation_loss,validation_accuracy"), metrics.get(0));
			for (String row : metrics.subList(1, metrics.size())) {
				double accuracy = Double.parseDouble(row.split(",")[9]);
				assertTrue(accuracy >= 0 && accuracy <= 1, "libtorch reports the training accuracy of each epoch: " + row);
			}
		}
		assertEquals(hashes.get(0), hashes.get(1), "the same experiment and seed give the same libtorch model");
		Path out = dir.resolve("torch-predicted.csv");
		Result p = run("predict", runDirs.get(0).toString(), data.resolve("candidates_stage2.csv").toString(), "--out", out.toString());
		assertEquals(0, p.code(), p.err());
		assertEquals(Files.readAllLines(data.resolve("candidates_stage2.csv")).size(), Files.readAllLines(out).size());
		// the resident process serves predict (libtorch loaded once): the same file, written in the client's folder
		Path client = Files.createDirectories(dir.resolve("client"));
		Path socket = dir.resolve("d.sock");
		org.nodulab.cli.internal.Resident resident = new org.nodulab.cli.internal.Resident(CommandLineTest.services(), socket,
				java.time.Duration.ofMinutes(5), null, err -> {
				});
		java.util.concurrent.Future<String> served = ResidentTest.serve(resident);
		try {
			ResidentTest.Answer viaDaemon = ResidentTest.run(socket, client, "predict", runDirs.get(0).toString(),
					data.resolve("candidates_stage2.csv").toString(), "--out", "served.csv");
			assertEquals(0, viaDaemon.code(), viaDaemon.err());
			assertEquals(Files.readString(out), Files.readString(client.resolve("served.csv")), "the daemon's prediction is the process's");
		} finally {
			org.nodulab.cli.resident.Client.stop(socket);
			served.get(60, java.util.concurrent.TimeUnit.SECONDS);
		}
		Result info = run("info");
		assertTrue(info.out().contains("libtorch: libtorch 2.10.0") && info.out().contains("dl4j: "), info.out());
		// a DL4J run fine-tuned from a libtorch model: refused with the reason
		Files.writeString(dir.resolve("cross.yaml"), Files.readString(file).replace("name: torch", "name: cross")
				.replace("training: {epochs: 2, batchSize: 8}", "training: {backend: dl4j, epochs: 1, batchSize: 8, initFrom: '" + runDirs.get(0) + "'}"));
		Result cross = run("train", dir.resolve("cross.yaml").toString());
		assertTrue(cross.code() != 0, cross.out());
		assertTrue((cross.err() + cross.out()).contains("libtorch checkpoint"), cross.err() + cross.out());
	}

	/**
	 * Issue 21: a two-branch model exported as ONNX carries its provenance and preprocessing; ONNX Runtime scores a
	 * candidate file as the run's own backend does; an existing file, another format and a missing epoch are refused.
	 */
	@Test
	void modelsExportWritesAnOnnxModelThatOnnxRuntimeScoresAsTheRunDoes() throws Exception {
		Path file = dir.resolve("onnx.yaml");
		Files.writeString(file, """
				name: onnx
				seed: 5
				dataset:
				  path: data/synthetic
				  split: {mode: subsets, train: [0, 1, 2, 3, 4, 5], validation: [6], test: [7, 8]}
				sampling: {positiveFactor: 108, epochSize: 0.1}
				augmentations: [{id: translate}, {id: rotate90}]
				architectures:
				  - id: vgg
				    settings: {branches: [{size: [12, 12, 12]}, {size: [16, 16, 16]}], filters: [4, 8], convsPerStage: 1, batchNorm: true, denseUnits: 8, dropout: 0.3}
				training: {epochs: 1, batchSize: 8}
				evaluation: {testTimeAugmentation: true, bootstrap: 0}
				output: {runs: onnx-runs}
				""");
		Result trained = run("train", file.toString());
		assertEquals(0, trained.code(), trained.err() + trained.out());
		Path runDir;
		try (Stream<Path> s = Files.list(dir.resolve("onnx-runs"))) {
			runDir = s.findFirst().orElseThrow();
		}
		String sha = Files.readAllLines(runDir.resolve("checkpoints.csv")).stream().filter(l -> l.startsWith("m0-vgg,0,1,0,")).findFirst()
				.orElseThrow().split(",")[7];
		Path onnx = dir.resolve("exported/m0.onnx");
		Files.createDirectories(onnx.getParent());
		Result x = run("models", "export", runDir + "/m0-vgg@1", "--out", onnx.toString());
		assertEquals(0, x.code(), x.err());
		assertTrue(x.out().contains("exported " + runDir.getFileName() + "/m0-vgg@1 (") && x.out().contains("as ONNX opset 17 -> " + onnx),
				x.out());
		String bytes = new String(Files.readAllBytes(onnx), java.nio.charset.StandardCharsets.ISO_8859_1);
		for (String expected : List.of("nodulab.checkpoint.sha256", sha, "nodulab.trained.backend", "libtorch", "preprocessing.window_hu",
				"-1000..400", "x = clip((HU + 1000) / 1400, 0, 1) - preprocessing.training_mean", "probability")) {
			assertTrue(bytes.contains(expected), "the ONNX model's metadata holds " + expected);
		}
		Result again = run("models", "export", runDir + "/m0-vgg@1", "--out", onnx.toString());
		assertEquals(1, again.code());
		assertTrue(again.err().contains(onnx + ": exists already (exports are never overwritten)"), again.err());
		Result format = run("models", "export", runDir + "/m0-vgg@1", "--format", "tflite", "--out", dir.resolve("m0.tflite").toString());
		assertEquals(1, format.code());
		assertTrue(format.err().contains("--format tflite: the exchange format is onnx"), format.err());
		assertTrue(Files.notExists(dir.resolve("m0.tflite")));
		Result epoch = run("models", "export", runDir + "/m0-vgg@7", "--out", dir.resolve("m7.onnx").toString());
		assertEquals(1, epoch.code());
		assertTrue(epoch.err().contains("m0-vgg@7"), epoch.err());
		Result best = run("models", "export", runDir.toString(), "--out", dir.resolve("exported/best.onnx").toString());
		assertEquals(0, best.code(), best.err());
		assertTrue(best.out().contains("/m0-vgg@1 ("), best.out());

		Path candidates = data.resolve("candidates_stage2.csv");
		Path own = dir.resolve("onnx-own.csv");
		Path ort = dir.resolve("onnx-ort.csv");
		assertEquals(0, run("predict", runDir.toString(), candidates.toString(), "--out", own.toString()).code());
		Result p = run("predict", runDir.toString(), candidates.toString(), "--backend", "onnxruntime", "--out", ort.toString());
		assertEquals(0, p.code(), p.err());
		assertTrue(p.out().contains(" on onnxruntime -> " + ort), p.out());
		assertEquals(Files.readAllLines(candidates).size(), Files.readAllLines(own).size());
		double worst = farthest(own, ort);
		assertTrue(worst < 1e-5, "ONNX Runtime and libtorch differ by " + worst);
		// bfloat16 prediction (libtorch on the CPU): the same candidates, scores close to float32's but not the same; onnxruntime
		// and unknown precisions refused by name, nothing written
		Path narrow = dir.resolve("bf16.csv");
		Result bf = run("predict", runDir.toString(), candidates.toString(), "--precision", "bfloat16", "--out", narrow.toString());
		assertEquals(0, bf.code(), bf.err());
		assertTrue(bf.out().contains(" on libtorch in bfloat16 -> " + narrow), bf.out());
		double apart = farthest(own, narrow);
		assertTrue(apart > 0 && apart < 0.02, "bfloat16 and float32 scores differ by " + apart);
		Result ortNarrow = run("predict", runDir.toString(), candidates.toString(), "--backend", "onnxruntime", "--precision", "bfloat16",
				"--out", dir.resolve("ort-bf16.csv").toString());
		assertTrue(ortNarrow.code() != 0 && ortNarrow.err().contains("backend 'onnxruntime' cannot predict in bfloat16"), ortNarrow.err());
		assertTrue(Files.notExists(dir.resolve("ort-bf16.csv")));
		Result half = run("predict", runDir.toString(), candidates.toString(), "--precision", "half", "--out", dir.resolve("half.csv").toString());
		assertTrue(half.code() == 2 && half.err().contains("unknown precision 'half'; known: float32, bfloat16"), half.err());
		Result unknown = run("predict", runDir.toString(), candidates.toString(), "--backend", "tensorflow", "--out",
				dir.resolve("onnx-tf.csv").toString());
		assertTrue(unknown.code() != 0 && unknown.err().contains("tensorflow"), unknown.err());
		assertTrue(Files.notExists(dir.resolve("onnx-tf.csv")));
		Result train = run("train", file.toString(), "--backend", "onnxruntime", "--epochs", "1");
		assertTrue(train.code() != 0 && (train.err() + train.out()).contains("predicts only"), train.err() + train.out());
	}

	/** The largest difference of probability between two submissions of the same candidates, in the same order. */
	private static double farthest(Path a, Path b) throws java.io.IOException {
		List<String> x = Files.readAllLines(a);
		List<String> y = Files.readAllLines(b);
		assertEquals(x.size(), y.size(), a + " and " + b);
		double far = 0;
		for (int i = 1; i < x.size(); i++) {
			String[] fx = x.get(i).split(",");
			String[] fy = y.get(i).split(",");
			assertEquals(fx[0] + fx[1] + fx[2] + fx[3], fy[0] + fy[1] + fy[2] + fy[3], "row " + i + " is the same candidate");
			far = Math.max(far, Math.abs(Double.parseDouble(fx[4]) - Double.parseDouble(fy[4])));
		}
		return far;
	}

	@Test
	void jobsQueueRunsHeadlessInPriorityOrder() throws Exception {
		Path file = dir.resolve("queued.yaml");
		Files.writeString(file, """
				name: queued
				seed: 4
				dataset:
				  path: data/synthetic
				  split: {mode: subsets, train: [0, 1, 2, 3, 4, 5], validation: [6], test: [7, 8]}
				sampling: {positiveFactor: 108, epochSize: 0.1}
				augmentations: [{id: translate}]
				architectures:
				  - id: vgg
				    settings: {branches: [{size: [12, 12, 12]}], filters: [4], convsPerStage: 1, denseUnits: 4}
				training: {epochs: 1, batchSize: 8}
				evaluation: {bootstrap: 0}
				output: {runs: queued-runs}
				""");
		Path queue = dir.resolve("queue");
		Result low = run("jobs", "submit", "train", file.toString(), "--queue", queue.toString(), "--title", "low", "-o", "seed=1");
		assertEquals(0, low.code(), low.err());
		Result high = run("jobs", "submit", "train", file.toString(), "--queue", queue.toString(), "--title", "high", "--priority", "5",
				"-o", "seed=2");
		assertEquals(0, high.code(), high.err());
		Result bad = run("jobs", "submit", "train", file.toString(), "--queue", queue.toString(), "--device", "cuda:7");
		assertEquals(1, bad.code());
		assertTrue(bad.err().contains("no compute device 'cuda:7'"), bad.err());
		Result listed = run("jobs", "--queue", queue.toString());
		assertEquals(2, listed.out().lines().filter(l -> l.contains(" queued ")).count(), listed.out());
		Result ran = run("jobs", "run", "--queue", queue.toString());
		assertEquals(0, ran.code(), ran.err() + ran.out());
		List<String> started = ran.out().lines().filter(l -> l.contains(" running: started")).toList();
		assertEquals(2, started.size(), ran.out());
		String highId = high.out().strip().split(" ")[1].replace(":", "");
		assertTrue(started.get(0).startsWith(highId), "the higher priority ran first: " + ran.out());
		Result after = run("jobs", "--queue", queue.toString());
		assertEquals(2, after.out().lines().filter(l -> l.contains(" finished ")).count(), after.out());
		try (Stream<Path> s = Files.list(dir.resolve("queued-runs"))) {
			assertEquals(2, s.count());
		}

		Path created = dir.resolve("experiments-new/from-vgg.yaml");
		Result made = run("new", "architecture", "vgg", created.toString(), "--dataset", data.toString());
		assertEquals(0, made.code(), made.err());
		Result valid = run("validate", created.toString());
		assertEquals(0, valid.code(), valid.err() + valid.out());
		assertEquals(1, run("new", "architecture", "vgg", created.toString()).code(), "never overwritten");
		Result reader = run("new", "reader", "metaimage", dir.resolve("x.yaml").toString());
		assertEquals(1, reader.code());
		assertTrue(reader.err().contains("does not name readers"), reader.err());
	}

	/** The demo's whole pipeline (both architectures, TTA, ensemble, baseline, report) for one epoch on the 10-scan benchmark. */
	@Test
	void demoRunsItsPipelineOnASmallBenchmark() throws Exception {
		Path runs = dir.resolve("demo-runs");
		Result r = run("demo", "--data", data.toString(), "--runs", runs.toString(), "--epochs", "1");
		assertEquals(0, r.code(), r.err() + r.out());
		String out = r.out();
		assertTrue(out.contains("nodulab demo: synthetic benchmark " + data), out);
		assertTrue(out.contains("m0-densenet") && out.contains("m1-vgg"), out);
		assertTrue(out.lines().anyMatch(l -> l.matches("\\s+ensemble \\(mean\\)\\s+CPM [01]\\.\\d{4}")), out);
		assertTrue(out.lines().anyMatch(l -> l.matches("\\s+baseline \\(mean HU, 5 mm\\)\\s+CPM [01]\\.\\d{4}")), out);
		try (Stream<Path> s = Files.list(runs)) {
			Path run = s.findFirst().orElseThrow();
			assertTrue(Files.exists(run.resolve("report.html")));
			assertTrue(Files.exists(run.resolve("predictions/ensemble-test.csv")));
			assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size(),
					"--epochs 1 holds for both models, also the DenseNet with its own schedule (header + 2 rows)");
			assertTrue(Files.readString(run.resolve("experiment.yaml")).contains("epochs: 1"), "and the run records it");
		}
	}
}
