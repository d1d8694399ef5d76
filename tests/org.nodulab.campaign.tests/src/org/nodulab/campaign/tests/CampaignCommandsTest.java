package org.nodulab.campaign.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nodulab.campaign.CampaignExecutor;
import org.nodulab.campaign.CampaignFolder;
import org.nodulab.campaign.slurm.SlurmExecutor;
import org.nodulab.campaign.slurm.SlurmSettings;
import org.nodulab.cli.internal.NodulabCommand;
import org.nodulab.cli.internal.Services;
import org.nodulab.train.RunDirectory;
import org.osgi.framework.FrameworkUtil;

/**
 * {@code nodulab campaign} as a user runs it, on a 4-scan synthetic benchmark with a tiny network on libtorch: campaign
 * files with their errors, the expansion, a campaign on the local job queue to a complete table and notebook, a second
 * run that skips what finished, and the Slurm executor's checks and batch script. (The Slurm executor on a real
 * one-node cluster is checked by the product's smoke test, releng/org.nodulab.product.tests/campaign-test.sh.)
 */
class CampaignCommandsTest {

	private static Services services;
	private static Path dir;

	record Result(int code, String out, String err) {
	}

	static final String BASE = """
			name: tiny
			seed: 3
			dataset:
			  path: synth
			  split: {mode: subsets, train: [0, 1], validation: [2], test: [3]}
			sampling: {positiveFactor: 108, negativeFactor: 1, epochSize: 1.0}
			augmentations: [{id: translate}, {id: rotate90}]
			architectures:
			  - id: vgg
			    settings: {branches: [{size: [12, 12, 12]}], filters: [4, 8], convsPerStage: 1, denseUnits: 8, dropout: 0.3}
			training: {backend: libtorch, epochs: 2, batchSize: 4}
			evaluation: {testTimeAugmentation: false, bootstrap: 0}
			""";

	@BeforeAll
	static void open() throws Exception {
		services = new Services(FrameworkUtil.getBundle(CampaignCommandsTest.class).getBundleContext());
		dir = Files.createTempDirectory("nodulab-campaign-test");
		Result synth = run("synth", "--out", dir.resolve("synth").toString(), "--scans", "4", "--seed", "5");
		assertEquals(0, synth.code(), synth.err());
		Files.writeString(dir.resolve("base.yaml"), BASE);
	}

	@AfterAll
	static void close() {
		services.close();
	}

	static Result run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = NodulabCommand.run(services, args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	static Path write(String name, String text) throws Exception {
		Path f = dir.resolve(name);
		Files.writeString(f, text);
		return f;
	}

	@Test
	void planExpandsVariantsAxesAndFoldsAndValidatesEveryExperiment() throws Exception {
		Path f = write("grid.yaml", """
				name: grid
				base: base.yaml
				folds: {mode: cv, count: 2}
				variants:
				  - name: base
				    description: the base recipe
				  - name: wide
				    description: twice the dense units
				    overrides:
				      architectures[0].settings.denseUnits: 16
				axes:
				  - key: training.learningRate
				    name: lr
				    values: [0.001, 0.003]
				""");
		Result r = run("campaign", "plan", f.toString(), "--measure-seconds", "0.2");
		assertEquals(0, r.code(), r.err() + r.out());
		assertTrue(r.out().contains("campaign grid: 4 variant(s) x 2 fold(s) = 8 runs, every experiment valid"), r.out());
		for (String v : List.of("base+lr=0.001", "base+lr=0.003", "wide+lr=0.001", "wide+lr=0.003")) {
			assertTrue(r.out().contains("run " + v + "/fold-0"), v + " in\n" + r.out());
			assertTrue(r.out().contains("run " + v + "/fold-1"), v + " in\n" + r.out());
		}
		assertTrue(r.out().contains("    architectures[0].settings.denseUnits = 16"), r.out());
		assertTrue(r.out().contains("    training.learningRate = 0.003"), r.out());
		assertTrue(r.out().contains("libtorch: "), r.out());
		assertTrue(r.out().contains("estimated cost: "), r.out());
		assertFalse(Files.exists(dir.resolve("campaigns/grid")), "plan writes nothing");
		Result valid = run("validate", f.toString(), dir.resolve("base.yaml").toString());
		assertEquals(0, valid.code(), valid.err());
		assertTrue(valid.out().contains(f + ": valid campaign 'grid': 4 variant(s) x 2 fold(s) = 8 runs, every experiment valid"), valid.out());
		assertTrue(valid.out().contains("base.yaml: valid experiment 'tiny'"), valid.out());

		Path seeds = write("seeds.yaml", "name: seeds\nbase: base.yaml\nfolds: {mode: seeds, seeds: [1, 2, 3]}\n");
		Result s = run("campaign", "plan", seeds.toString(), "--no-estimate");
		assertEquals(0, s.code(), s.err());
		assertTrue(s.out().contains("1 variant(s) x 3 fold(s) = 3 runs"), s.out());
		assertTrue(s.out().contains("run base/seed-2"), s.out());
	}

	@Test
	void aScaleOverridesEveryRunAfterItsVariantInAFolderOfItsOwn() throws Exception {
		Path f = write("scaled.yaml", """
				name: scaled
				base: base.yaml
				folds: {mode: cv, count: 0}
				variants:
				  - name: base
				  - name: long
				    overrides:
				      training.epochs: 7
				      architectures[0].settings.denseUnits: 16
				scales:
				  quick:
				    description: one epoch, two folds
				    folds: {mode: cv, count: 2}
				    overrides:
				      training.epochs: 1
				      sampling.epochSize: 0.5
				  broken:
				    overrides:
				      training.epoch: 1
				""");
		Result full = run("campaign", "plan", f.toString(), "--no-estimate");
		assertEquals(0, full.code(), full.err());
		assertTrue(full.out().contains("campaign scaled: 2 variant(s) x 4 fold(s) = 8 runs"), full.out());
		assertTrue(full.out().contains("    training.epochs = 7"), full.out());
		Result quick = run("campaign", "plan", f.toString(), "--no-estimate", "--scale", "quick");
		assertEquals(0, quick.code(), quick.err());
		assertTrue(quick.out().contains("campaign scaled-quick: 2 variant(s) x 2 fold(s) = 4 runs"), quick.out());
		assertTrue(quick.out().contains("folder " + dir.resolve("campaigns/scaled-quick")), quick.out());
		assertFalse(quick.out().contains("training.epochs = 7"), "the scale wins over the variant: " + quick.out());
		assertTrue(quick.out().contains("    architectures[0].settings.denseUnits = 16"), "the variant's other overrides stay: " + quick.out());
		var plan = services.get(org.nodulab.campaign.CampaignService.class).plan(f, "quick");
		for (var r : plan.runs()) {
			assertEquals(1, r.experiment().training.epochs, r.id());
			assertEquals(0.5, r.experiment().sampling.epochSize, r.id());
		}
		Result unknown = run("campaign", "plan", f.toString(), "--no-estimate", "--scale", "slow");
		assertEquals(1, unknown.code());
		assertTrue(unknown.err().contains(f + ":10: scales: no scale 'slow'; scales: [quick, broken]"), unknown.err());
		Result broken = run("campaign", "plan", f.toString(), "--no-estimate", "--scale", "broken");
		assertEquals(1, broken.code());
		assertTrue(broken.err().contains(f + ":19: scales.broken.overrides.training.epoch: names no key of the experiment"), broken.err());

		// the base experiment's own scales are not the campaign's: neither applied nor recorded in the runs
		Files.writeString(dir.resolve("base-scaled.yaml"), BASE + """
				scales:
				  quick:
				    overrides:
				      training.epochs: 5
				""");
		Path g = write("scaled-base.yaml", Files.readString(f).replace("name: scaled", "name: scaled-base").replace("base: base.yaml", "base: base-scaled.yaml"));
		var asWritten = services.get(org.nodulab.campaign.CampaignService.class).plan(g, null);
		var atQuick = services.get(org.nodulab.campaign.CampaignService.class).plan(g, "quick");
		for (var r : asWritten.runs()) {
			assertEquals(r.variant().equals("long") ? 7 : 2, r.experiment().training.epochs, r.id());
			assertTrue(r.experiment().scales.isEmpty() && r.yaml().lines().noneMatch(l -> l.startsWith("scales:")), r.yaml());
		}
		for (var r : atQuick.runs()) {
			assertEquals(1, r.experiment().training.epochs, r.id());
		}
	}

	@Test
	void everyMistakeIsNamedWithTheCampaignFileAndLine() throws Exception {
		Path f = write("broken.yaml", """
				name: broken
				base: base.yaml
				baseline: nobody
				folds: {mode: cv, count: 2}
				variants:
				  - name: base
				  - name: typo
				    overrides:
				      training.learningrate: 0.01
				  - name: negative
				    overrides:
				      architectures[0].settings.denseUnits: -3
				  - name: base
				  - name: far
				    overrides:
				      architectures[3].id: vgg
				ensembles:
				  - {name: e, members: [base, ghost]}
				""");
		Result r = run("campaign", "plan", f.toString(), "--no-estimate");
		assertEquals(1, r.code(), r.out());
		String err = r.err();
		assertTrue(err.contains(f + ":3: baseline: names no variant: 'nobody'"), err);
		assertTrue(err.contains(f + ":13: variants[3].name: duplicate variant name 'base' (also at line 6)"), err);
		assertTrue(err.contains(f + ":18: ensembles[0].members[1]: names no variant: 'ghost'"), err);
		Result validate = run("validate", f.toString());
		assertEquals(1, validate.code(), validate.out());
		assertTrue(validate.err().contains(f + ":3: baseline: names no variant: 'nobody'"), validate.err());
		// the expansion is checked once the names are right
		Path g = write("broken2.yaml", Files.readString(f).replace("baseline: nobody", "baseline: base")
				.replace("  - name: base\n  - name: far", "  - name: far").replace("[base, ghost]", "[base, typo]"));
		Result r2 = run("campaign", "plan", g.toString(), "--no-estimate");
		assertEquals(1, r2.code(), r2.out());
		String e2 = r2.err();
		assertTrue(e2.contains(g + ":9: variants[1].overrides.training.learningrate: names no key of the experiment: no 'learningrate' in training; keys there: [backend, precision, optimizer, learningRate"), e2);
		assertTrue(e2.contains(g + ":12: variants[2].overrides.architectures[0].settings.denseUnits: variant 'negative' makes an invalid experiment: architectures[0].settings.denseUnits: "), e2);
		assertTrue(e2.contains(g + ":15: variants[3].overrides.architectures[3].id: names no key of the experiment: architectures has 1 entries, no [3]"), e2);

		Path bad = write("bad-base.yaml", "name: badbase\nbase: nothing-here.yaml\n");
		Result r3 = run("campaign", "plan", bad.toString());
		assertEquals(1, r3.code());
		assertTrue(r3.err().contains(bad + ":2: base: the base experiment is invalid:"), r3.err());
		assertTrue(r3.err().contains("nothing-here.yaml: file does not exist"), r3.err());
	}

	@Test
	void aCampaignOnTheLocalQueueRunsToATableAndANotebookAndSkipsWhatFinished() throws Exception {
		Path f = write("study.yaml", """
				name: study
				description: Dense width on the tiny VGG
				base: base.yaml
				baseline: base
				folds: {mode: cv, count: 2}
				variants:
				  - name: base
				    description: the base recipe
				  - name: wide
				    description: twice the dense units
				    notebook: 0.85
				    overrides:
				      architectures[0].settings.denseUnits: 16
				ensembles:
				  - {name: both, members: [base, wide], combine: mean}
				  - {name: tuned, members: [base, wide], combine: weighted, step: 0.5}
				evaluation: {bootstrap: 100}
				""");
		String queue = dir.resolve("queue").toString();
		Result r = run("campaign", "run", f.toString(), "-o", "queue=" + queue);
		assertEquals(0, r.code(), r.err() + r.out());
		assertTrue(r.out().contains("campaign study: 4 runs, 0 finished, 4 to start or resume with executor 'local'"), r.out());
		assertTrue(r.out().contains("campaign study: 4 runs: 4 finished (100% done)"), r.out());
		Path folder = dir.resolve("campaigns/study");
		for (String run : List.of("base/fold-0", "base/fold-1", "wide/fold-0", "wide/fold-1")) {
			assertTrue(Files.exists(folder.resolve("runs/" + run + "/summary.json")), run);
			assertTrue(Files.readString(folder.resolve("runs/" + run + "/experiment.yaml")).contains("name: study.")); // an ordinary run
		}
		// fold k tests subset k and validates on the next, as nodulab cv
		String fold1 = Files.readString(folder.resolve("experiments/wide/fold-1.yaml"));
		assertTrue(fold1.contains("denseUnits: 16"), fold1);
		assertTrue(fold1.replaceAll("\\s+", " ").contains("test: - 1"), fold1);

		List<String> csv = Files.readAllLines(folder.resolve("results/campaign.csv"));
		assertTrue(csv.get(0).startsWith("kind,name,cpm_fold-0,cpm_fold-1,runs_finished,runs_planned,mean,sd,pooled_cpm,pooled_lower,pooled_upper,delta_vs_base"), csv.get(0));
		assertEquals(5, csv.size(), String.join("\n", csv));
		assertTrue(csv.get(1).startsWith("variant,base,"), csv.get(1));
		assertTrue(csv.get(2).startsWith("variant,wide,"), csv.get(2));
		assertTrue(csv.get(3).startsWith("ensemble,both,"), csv.get(3));
		assertTrue(csv.get(4).startsWith("ensemble,tuned,"), csv.get(4));
		assertTrue(csv.get(4).contains("fold-0 weights ["), csv.get(4)); // searched on fold 0's validation predictions
		for (String line : csv.subList(1, 5)) {
			String[] v = line.split(",");
			assertEquals("2", v[4], line);
			double pooled = Double.parseDouble(v[8]);
			assertTrue(pooled >= Double.parseDouble(v[9]) - 1e-9 && pooled <= Double.parseDouble(v[10]) + 1e-9, line);
		}
		assertFalse(csv.get(2).split(",")[11].isEmpty(), "wide is compared with the baseline: " + csv.get(2));

		String md = Files.readString(folder.resolve("notebook.md"));
		assertTrue(md.indexOf("## base") < md.indexOf("## wide") && md.indexOf("## wide") < md.indexOf("## Ensemble both"), md);
		assertTrue(md.contains("- Changes against the base: architectures[0].settings.denseUnits = 16"), md);
		assertTrue(md.contains("- Notebook / Nodulab: 0.8500 / "), md);
		assertTrue(md.contains("against base ["), md);
		assertTrue(md.contains("![FROC](results/froc-best.png)"), md);
		String html = Files.readString(folder.resolve("notebook.html"));
		assertTrue(html.contains("<section id=\"wide\"><h2>wide</h2>") && html.contains("data:image/png;base64,"), html);
		assertTrue(Files.size(folder.resolve("results/froc-best.png")) > 1000);

		// again: nothing to do
		Result again = run("campaign", "run", f.toString(), "-o", "queue=" + queue);
		assertEquals(0, again.code(), again.err());
		assertTrue(again.out().contains("4 runs, 4 finished, 0 to start or resume"), again.out());
		Result status = run("campaign", "status", folder.toString());
		assertEquals(0, status.code(), status.err());
		assertTrue(status.out().contains("wide/fold-1") && status.out().contains("finished     100%"), status.out());
		assertTrue(status.out().contains("[e] tuned"), status.out());

		// a variant changed after it ran is refused by name: runs are immutable
		Path changed = write("study-changed.yaml", Files.readString(f).replace("denseUnits: 16", "denseUnits: 12"));
		Result refused = run("campaign", "run", changed.toString(), "-o", "queue=" + queue);
		assertEquals(1, refused.code(), refused.out());
		assertTrue(refused.err().contains("these runs were started with another experiment than the campaign file makes now: wide/fold-0"), refused.err());

		interimFiguresWhileFoldsAreMissing(folder);
	}

	/**
	 * A campaign with folds still to finish (here a copy of the finished one without wide's fold 1) gives interim figures,
	 * marked as such: pooled over the folds finished so far and compared with the baseline over the folds both have
	 * finished; the final columns stay empty until every fold has finished.
	 */
	private static void interimFiguresWhileFoldsAreMissing(Path finished) throws Exception {
		Path copy = dir.resolve("partial/study");
		try (Stream<Path> files = Files.walk(finished)) {
			for (Path p : files.toList()) {
				Path to = copy.resolve(finished.relativize(p).toString());
				if (Files.isDirectory(p)) {
					Files.createDirectories(to);
				} else {
					Files.copy(p, to);
				}
			}
		}
		try (Stream<Path> files = Files.walk(copy.resolve("runs/wide/fold-1"))) {
			for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.delete(p);
			}
		}
		// the tiny runs do not learn (CPM 0): in the copy, wide's fold-0 model becomes a perfect one (each candidate's
		// probability its class), so that the interim comparison has a difference to get right in sign and size
		java.util.Map<String, String> classes = new java.util.HashMap<>();
		try (var parser = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().get()
				.parse(Files.newBufferedReader(dir.resolve("synth/candidates_V2.csv")))) {
			parser.forEach(r -> classes.put(String.join(",", r.get(0), r.get(1), r.get(2), r.get(3)), r.get("class")));
		}
		Path predictions;
		try (Stream<Path> files = Files.list(copy.resolve("runs/wide/fold-0/predictions"))) {
			predictions = files.filter(p -> p.getFileName().toString().endsWith("-test.csv")).findFirst().orElseThrow();
		}
		StringBuilder perfect = new StringBuilder("seriesuid,coordX,coordY,coordZ,probability\n");
		try (var parser = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().get().parse(Files.newBufferedReader(predictions))) {
			for (var r : parser) {
				String key = String.join(",", r.get(0), r.get(1), r.get(2), r.get(3));
				perfect.append(key).append(',').append(java.util.Objects.requireNonNull(classes.get(key), key)).append('\n');
			}
		}
		Files.writeString(predictions, perfect.toString());
		Result report = run("campaign", "report", copy.toString());
		assertEquals(0, report.code(), report.err() + report.out());
		java.util.Map<String, org.apache.commons.csv.CSVRecord> rows = new java.util.HashMap<>();
		try (var parser = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().get()
				.parse(Files.newBufferedReader(copy.resolve("results/campaign.csv")))) {
			parser.forEach(r -> rows.put(r.get("name"), r));
		}
		var base = rows.get("base");
		var wide = rows.get("wide");
		var both = rows.get("both");
		// the baseline finished: final figures, no interim ones
		assertFalse(base.get("pooled_cpm").isEmpty(), base.toString());
		assertTrue(base.get("interim_folds").isEmpty(), base.toString());
		// wide: one fold of two, so its interim pooled CPM is that fold's, and its comparison that fold's difference
		assertEquals("1", wide.get("runs_finished"));
		assertTrue(wide.get("pooled_cpm").isEmpty() && wide.get("delta_vs_base").isEmpty(), "no final figures yet: " + wide);
		assertEquals("fold-0", wide.get("interim_folds"));
		assertEquals("fold-0", wide.get("interim_compared_folds"));
		double wide0 = Double.parseDouble(wide.get("cpm_fold-0"));
		double base0 = Double.parseDouble(base.get("cpm_fold-0"));
		assertEquals(wide0, Double.parseDouble(wide.get("interim_pooled_cpm")), 1e-4, wide.toString());
		assertTrue(wide0 > base0 + 0.2, "the perfect model scores higher: " + wide0 + " against " + base0);
		assertEquals(wide0 - base0, Double.parseDouble(wide.get("interim_delta")), 2e-4, wide.toString());
		assertTrue(Double.parseDouble(wide.get("interim_delta_lower")) <= wide0 - base0 + 1e-9
				&& wide0 - base0 <= Double.parseDouble(wide.get("interim_delta_upper")) + 1e-9, wide.toString());
		double lower = Double.parseDouble(wide.get("interim_lower"));
		double upper = Double.parseDouble(wide.get("interim_upper"));
		assertTrue(lower <= wide0 + 1e-9 && wide0 <= upper + 1e-9, wide.toString());
		// an ensemble over the folds all its members finished, against its best member over those folds
		assertEquals("fold-0", both.get("interim_folds"));
		assertTrue(both.get("interim_note").startsWith("against its best member over the same folds, wide: "), both.toString());
		String text = report.out();
		assertTrue(text.contains("1/2 folds*") && text.contains("* interim: pooled over the folds finished so far"), text);
		String md = Files.readString(copy.resolve("notebook.md"));
		assertTrue(md.contains("interim, over 1 of 2 folds: "), md);
		assertTrue(md.contains("not final; interim, over the 1 folds both have finished (fold-0): "), md);
		assertTrue(md.contains("_Figures in italics are interim"), md);
	}

	/**
	 * A run whose job ended without finishing it (cancelled here; stopped, interrupted or failed alike) is queued again
	 * by the next 'campaign run' in its earlier job's place, not behind every other run of the campaign.
	 */
	@Test
	void aRunStartedAgainTakesItsEarlierJobsPlaceInTheQueue() throws Exception {
		Path f = write("requeued.yaml", """
				name: requeued
				base: base.yaml
				baseline: base
				folds: {mode: cv, count: 2}
				variants:
				  - name: base
				    description: the base recipe
				  - name: wide
				    description: twice the dense units
				    overrides:
				      architectures[0].settings.denseUnits: 16
				""");
		Path queue = dir.resolve("queue-requeued");
		Result first = run("campaign", "run", f.toString(), "-o", "queue=" + queue, "-o", "wait=false");
		assertEquals(0, first.code(), first.err() + first.out());
		assertTrue(first.out().contains("4 job(s) queued in"), first.out());
		Path folder = dir.resolve("campaigns/requeued");
		Result cancel = run("campaign", "cancel", folder.toString(), "--run", "base/fold-0");
		assertEquals(0, cancel.code(), cancel.err() + cancel.out());
		assertTrue(cancel.out().contains("base/fold-0: cancelled job"), cancel.out());

		Result again = run("campaign", "run", f.toString(), "-o", "queue=" + queue, "-o", "wait=false");
		assertEquals(0, again.code(), again.err() + again.out());
		assertTrue(again.out().contains("base/fold-1: queued already") && again.out().contains("1 job(s) queued in"), again.out());
		var json = new com.fasterxml.jackson.databind.ObjectMapper();
		List<com.fasterxml.jackson.databind.JsonNode> jobs = new java.util.ArrayList<>();
		try (Stream<Path> files = Files.list(queue)) {
			for (Path p : files.filter(p -> p.toString().endsWith(".json")).toList()) {
				jobs.add(json.readTree(p.toFile()));
			}
		}
		jobs.sort(java.util.Comparator.comparingLong(j -> j.path("sequence").asLong()));
		assertEquals(5, jobs.size(), jobs.toString());
		assertEquals("CANCELLED", jobs.get(0).path("state").asText(), jobs.get(0).toString());
		com.fasterxml.jackson.databind.JsonNode requeued = jobs.get(4);
		assertEquals("requeued base/fold-0", requeued.path("spec").path("title").asText(), requeued.toString());
		assertEquals(jobs.get(0).path("sequence").asLong(), requeued.path("place").asLong(),
				"the run takes the place of its cancelled job, ahead of base/fold-1, wide/fold-0 and wide/fold-1: " + requeued);

		// a variant whose runs have not started may still be edited: its queued tasks read the new experiment
		Files.writeString(f, Files.readString(f).replace("denseUnits: 16", "denseUnits: 12"));
		Result edited = run("campaign", "run", f.toString(), "-o", "queue=" + queue, "-o", "wait=false");
		assertEquals(0, edited.code(), edited.err() + edited.out());
		assertTrue(Files.readString(folder.resolve("experiments/wide/fold-0.yaml")).contains("denseUnits: 12"));

		// 'campaign run' without wait=false, every run queued already in a queue no process runs: this process runs the
		// queue and waits for all of them (it used to start nothing and leave them queued, or run only the runs it
		// submitted itself and close the queue on the others)
		Result all = run("campaign", "run", f.toString(), "-o", "queue=" + queue);
		assertEquals(0, all.code(), all.err() + all.out());
		assertTrue(all.out().contains("0 to start or resume"), all.out());
		assertTrue(all.out().contains("with the campaign's 4 job(s) queued before in"), all.out());
		assertTrue(all.out().contains("campaign requeued: 4 runs: 4 finished (100% done)"), all.out());
		for (String r : List.of("base/fold-0", "base/fold-1", "wide/fold-0", "wide/fold-1")) {
			assertTrue(Files.exists(folder.resolve("runs/" + r + "/summary.json")), r);
		}
	}

	@Test
	void aVariantFineTunesTheModelOfAnotherVariantInTheSameFoldAfterIt() throws Exception {
		// 'tuned' comes first in the file but runs after 'first', whose model of the same fold it starts from (D29 from D28)
		Path f = write("chain.yaml", """
				name: chain
				base: base.yaml
				baseline: first
				folds: {mode: cv, count: 2}
				variants:
				  - name: tuned
				    description: fine-tuned at a fifth of the rate
				    from: first
				    overrides:
				      training.learningRate: 0.0002
				      training.epochs: 1
				  - name: first
				    description: the base recipe
				  - name: rotated
				    description: first's models as they are, their predictions averaged over the test-time rotations
				    from: first
				    overrides:
				      training.epochs: 0
				      evaluation.testTimeAugmentation: true
				""");
		Result plan = run("campaign", "plan", f.toString(), "--no-estimate");
		assertEquals(0, plan.code(), plan.err() + plan.out());
		assertTrue(plan.out().contains("    fine-tunes the best model of first (same fold), after it"), plan.out());
		assertTrue(plan.out().contains("    evaluates (0 epochs) the best model of first (same fold), after it"), plan.out());
		var p = services.get(org.nodulab.campaign.CampaignService.class).plan(f);
		Path folder = dir.resolve("campaigns/chain");
		assertEquals(folder.resolve("runs/first/fold-1").toString(), p.run("tuned/fold-1").orElseThrow().experiment().training.initFrom);
		assertEquals("first/fold-1", p.run("tuned/fold-1").orElseThrow().after());
		assertEquals(null, p.run("first/fold-1").orElseThrow().experiment().training.initFrom);

		// queued without running: the fine-tuning task refuses to start before its source has finished
		String queue = dir.resolve("queue-chain").toString();
		Result queued = run("campaign", "run", f.toString(), "-o", "queue=" + queue, "-o", "wait=false");
		assertEquals(0, queued.code(), queued.err() + queued.out());
		int first = queued.out().indexOf("first/fold-0: job ");
		assertTrue(first >= 0 && first < queued.out().indexOf("tuned/fold-0: job "), "submitted after its source:\n" + queued.out());
		Result early = run("campaign", "task", folder.toString(), "tuned/fold-0");
		assertEquals(1, early.code(), early.out());
		assertTrue(early.err().contains("tuned/fold-0 starts from the best model of first/fold-0, which has not finished (not started)"), early.err());
		assertFalse(Files.exists(folder.resolve("runs/tuned/fold-0")), "nothing started");

		Result ran = run("jobs", "run", "--queue", queue);
		assertEquals(0, ran.code(), ran.err() + ran.out());
		Result status = run("campaign", "status", folder.toString());
		assertTrue(status.out().contains("campaign chain: 6 runs: 6 finished (100% done)"), status.out());
		String md = Files.readString(folder.resolve("notebook.md"));
		assertTrue(md.contains("- Changes against the base: fine-tuned from the model of first (same fold); training.learningRate = "), md);
		assertTrue(md.contains("- Changes against the base: the model of first (same fold), not trained further; training.epochs = 0; "
				+ "evaluation.testTimeAugmentation = true"), md);
		for (String fold : List.of("fold-0", "fold-1")) {
			// the same weights as first's best epoch, evaluated with test-time augmentation: no epoch trained
			RunDirectory rotated = RunDirectory.open(folder.resolve("runs/rotated/" + fold));
			assertEquals(List.of(0), rotated.metrics().stream().map(RunDirectory.EpochMetrics::epoch).toList());
			assertTrue(Files.readString(rotated.resolve("log.txt")).contains("evaluated as it is (0 epochs)"));
			String experiment = Files.readString(rotated.resolve("experiment.yaml"));
			assertTrue(experiment.contains("testTimeAugmentation: true") && experiment.contains("initFrom: " + folder.resolve("runs/first/" + fold)),
					experiment);
			assertTrue(Files.exists(rotated.resolve("models/m0-vgg.json")), "its model is recorded like a trained one");
		}
		for (String fold : List.of("fold-0", "fold-1")) {
			String log = Files.readString(folder.resolve("runs/tuned/" + fold + "/log.txt"));
			assertTrue(log.contains("fine-tuning from " + fold + "/"), log);
			String experiment = Files.readString(folder.resolve("runs/tuned/" + fold + "/experiment.yaml"));
			assertTrue(experiment.contains("initFrom: " + folder.resolve("runs/first/" + fold)), experiment);
		}

		Path broken = write("chain-broken.yaml", """
				name: chain-broken
				base: base.yaml
				variants:
				  - name: a
				    from: b
				  - name: b
				    from: a
				  - name: c
				    from: c
				  - name: d
				    from: nobody
				  - name: e
				    from: a
				    overrides:
				      training.initFrom: elsewhere
				""");
		Result r = run("campaign", "plan", broken.toString(), "--no-estimate");
		assertEquals(1, r.code(), r.out());
		assertTrue(r.err().contains(broken + ":5: variants[0].from: fine-tuning goes round in a circle: a <- b <- a"), r.err());
		assertTrue(r.err().contains(broken + ":9: variants[2].from: variant 'c' cannot fine-tune from itself"), r.err());
		assertTrue(r.err().contains(broken + ":11: variants[3].from: names no variant: 'nobody'"), r.err());
		Path both = write("chain-both.yaml", Files.readString(broken).replaceAll("(?s)  - name: a\n.*  - name: e", "  - name: a\n  - name: e"));
		Result r2 = run("campaign", "plan", both.toString(), "--no-estimate");
		assertEquals(1, r2.code(), r2.out());
		assertTrue(r2.err().contains(both + ":8: variants[1].overrides.training.initFrom: variant 'e' fine-tunes from variant 'a' (its 'from'): leave training.initFrom out"), r2.err());
	}

	@Test
	void theSlurmExecutorChecksItsCommandsAndWritesOneArrayTaskPerRun() throws Exception {
		List<String> missing = SlurmExecutor.checkTools("/nonexistent");
		assertEquals(3, missing.size(), missing.toString());
		assertTrue(missing.get(0).startsWith("no 'sbatch' on the PATH (/nonexistent)"), missing.get(0));

		Path f = write("remote.yaml", """
				name: remote
				base: base.yaml
				folds: {mode: none}
				executor:
				  id: slurm
				  settings: {partition: gpu, account: lungs, time: "04:00:00", mem: 16G, cpus: 4, gpus: 1, maxParallel: 2, extra: [--constraint=v100]}
				""");
		Result r = run("campaign", "run", f.toString(), "-o", "command=/nonexistent/nodulab");
		assertEquals(1, r.code(), r.out());
		assertTrue(r.err().contains("executor 'slurm': ") && r.err().contains("the launcher '/nonexistent/nodulab' is not an executable file here"), r.err());
		assertTrue(r.err().contains("(nothing was submitted)"), r.err());
		assertFalse(Files.exists(dir.resolve("campaigns/remote/executor/slurm/submissions.json")));

		Result badTime = run("campaign", "run", f.toString(), "-o", "time=four hours");
		assertEquals(1, badTime.code());
		assertTrue(badTime.err().contains("executor 'slurm' settings: time: expected a Slurm time limit such as 30, 04:00:00 or 2-00:00:00, got 'four hours'"), badTime.err());

		CampaignFolder folder = CampaignFolder.open(dir.resolve("campaigns/remote"));
		SlurmSettings s = new SlurmSettings();
		s.partition = "gpu";
		s.account = "lungs";
		s.time = "04:00:00";
		s.mem = "16G";
		s.cpus = 4;
		s.gpus = 1;
		s.maxParallel = 2;
		s.extra = List.of("--constraint=v100");
		CampaignExecutor.Context c = new CampaignExecutor.Context(folder.withExecutor("slurm"), s, List.of("/opt/nodulab/nodulab"),
				new PrintWriter(System.out), null);
		String script = SlurmExecutor.script(c, s, 3, folder.dir().resolve("executor/slurm/array-001.tasks"));
		for (String line : List.of("#SBATCH --array=0-2%2", "#SBATCH --requeue", "#SBATCH --partition=gpu", "#SBATCH --account=lungs",
				"#SBATCH --time=04:00:00", "#SBATCH --mem=16G", "#SBATCH --cpus-per-task=4", "#SBATCH --gres=gpu:1",
				"#SBATCH --constraint=v100", "#SBATCH --output=" + folder.dir() + "/executor/slurm/logs/%A_%a.log",
				"'/opt/nodulab/nodulab' campaign task '" + folder.dir() + "' \"$run\"")) {
			assertTrue(script.contains(line), line + " in\n" + script);
		}
		try (Stream<String> lines = script.lines()) {
			assertTrue(lines.anyMatch(l -> l.startsWith("run=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\"")), script);
		}
	}
}
