package org.nodulab.train.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.train.RunCatalog;
import org.nodulab.train.RunDirectory;

/**
 * Issue 15: what is read from a run folder never leads outside it, one damaged run never hides the others, one
 * process writes a run at a time, concurrent appends never write a second header, and every parse error names
 * the file (and line) it is about.
 */
class RunSafetyTest {

	@TempDir
	Path tmp;

	private static final String CHECKPOINT_HEADER = "model,round,epoch,batch,loss_sum,samples,file,sha256,bytes,time\n";
	private static final String SHA = "a".repeat(64);

	private RunDirectory run(String name) throws IOException {
		RunDirectory run = RunDirectory.create(tmp.resolve("runs"), name);
		Files.writeString(run.resolve(RunDirectory.EXPERIMENT), "name: " + name + "\ntraining: {epochs: 2, learningRate: 0.001, batchSize: 4}\n");
		return run;
	}

	@Test
	void aPathInCheckpointsCsvNeverLeadsOutOfTheRun() throws Exception {
		Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep me");
		for (String file : List.of("../../victim.txt", victim.toString(), "checkpoints/m0/../../../../victim.txt", "")) {
			RunDirectory run = run("escape");
			Files.writeString(run.resolve("checkpoints.csv"), CHECKPOINT_HEADER + "m0,0,1,0,0.5,10,\"" + file + "\"," + SHA + ",7,now\n");
			IOException e = assertThrows(IOException.class, () -> run.checkpoints().list(), file);
			assertTrue(e.getMessage().startsWith(run.resolve("checkpoints.csv") + ":2: file: "), e.getMessage());
		}
		// a link inside the checkpoints folder that leads out
		RunDirectory run = run("link");
		Files.createDirectories(run.resolve("checkpoints/m0"));
		Files.createSymbolicLink(run.resolve("checkpoints/m0/e001-b00000-aaaa.zip"), victim);
		Files.writeString(run.resolve("checkpoints.csv"), CHECKPOINT_HEADER + "m0,0,1,0,0.5,10,checkpoints/m0/e001-b00000-aaaa.zip," + SHA + ",7,now\n");
		IOException e = assertThrows(IOException.class, () -> run.checkpoints().list());
		assertTrue(e.getMessage().contains("is not a file below " + run.resolve("checkpoints")), e.getMessage());
		assertEquals("keep me", Files.readString(victim), "nothing outside the run was touched");
		// other fields are checked too
		RunDirectory bad = run("fields");
		Files.writeString(bad.resolve("checkpoints.csv"), CHECKPOINT_HEADER + "m0,0,one,0,0.5,10,checkpoints/m0/x.zip," + SHA + ",7,now\n");
		assertEquals(bad.resolve("checkpoints.csv") + ":2: epoch: expected a whole number, got 'one'",
				assertThrows(IOException.class, () -> bad.checkpoints().list()).getMessage());
	}

	@Test
	void metricsOfAnEarlierVersionReadWithTheNewColumnsEmptyAndKeepTheirColumnsWhenAppended() throws Exception {
		RunDirectory run = run("earlier");
		String old = "model,round,epoch,learning_rate,train_loss,train_samples,seconds,validation_cpm,test_cpm\n"
				+ "m0,0,1,0.001,0.5,16,1.0,0.25,0.5\n";
		Files.writeString(run.resolve("metrics.csv"), old);
		List<RunDirectory.EpochMetrics> m = run.metrics();
		assertEquals(1, m.size());
		assertEquals(0.25, m.get(0).validationCpm());
		assertTrue(Double.isNaN(m.get(0).trainAccuracy()) && Double.isNaN(m.get(0).validationLoss())
				&& Double.isNaN(m.get(0).validationAccuracy()), "columns the earlier version did not write are not measured");
		run.appendMetrics(new RunDirectory.EpochMetrics("m0", 0, 2, 0.0009, 0.4, 16, 1.0, 0.3, 0.6, 0.7, 0.45, 0.8));
		List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
		assertEquals(3, lines.size());
		assertEquals(9, lines.get(2).split(",").length, "an append keeps the file's columns: " + lines.get(2));
		assertEquals(0.3, run.metrics().get(1).validationCpm());
		// a new file has every column
		RunDirectory fresh = run("fresh");
		fresh.appendMetrics(new RunDirectory.EpochMetrics("m0", 0, 1, 0.001, 0.4, 16, 1.0, 0.3, 0.6, 0.7, 0.45, 0.8));
		assertEquals(0.45, fresh.metrics().get(0).validationLoss());
		assertEquals(0.7, fresh.metrics().get(0).trainAccuracy());
		// a header that is no earlier version is still refused
		Files.writeString(fresh.resolve("metrics.csv"), "model,round,epoch,loss\nm0,0,1,0.5\n");
		IOException e = assertThrows(IOException.class, fresh::metrics);
		assertTrue(e.getMessage().contains("metrics.csv:1: expected the columns"), e.getMessage());
	}

	@Test
	void concurrentAppendsWriteOneHeaderAndWholeRecords() throws Exception {
		RunDirectory run = run("append");
		RunDirectory sameFolder = RunDirectory.open(run.dir()); // as a second process would
		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Future<?>> done = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			RunDirectory writer = t % 2 == 0 ? run : sameFolder;
			int thread = t;
			done.add(pool.submit(() -> {
				for (int i = 0; i < 25; i++) {
					writer.appendMetrics(new RunDirectory.EpochMetrics("m" + thread, 0, i, 0.001, 0.5, 16, 1.0, Double.NaN, 0.5));
				}
				return null;
			}));
		}
		for (Future<?> f : done) {
			f.get();
		}
		pool.shutdown();
		List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
		assertEquals(1, lines.stream().filter(l -> l.startsWith("model,")).count(), "one header");
		assertEquals(101, lines.size());
		assertEquals(100, run.metrics().size());
	}

	@Test
	void oneProcessWritesARunAtATimeAndTheRefusedOneIsToldWho() throws Exception {
		RunDirectory run = run("locked");
		try (RunDirectory.WriteLock lock = run.lockForWriting(List.of("nodulab", "resume", run.dir().toString()))) {
			IOException e = assertThrows(IOException.class, () -> RunDirectory.open(run.dir()).lockForWriting(List.of("nodulab", "resume")));
			assertTrue(e.getMessage().startsWith(run.dir() + " is being written by another job of this process (process "
					+ ProcessHandle.current().pid()), e.getMessage());
			assertTrue(e.getMessage().contains("nodulab resume " + run.dir()), e.getMessage());
		}
		try (RunDirectory.WriteLock again = run.lockForWriting(List.of("nodulab", "resume"))) {
			assertTrue(Files.readString(run.resolve(".lock")).contains("nodulab resume"), "free again once released");
		}
	}

	@Test
	void oneDamagedRunNeverHidesTheOthersAndEachErrorNamesItsFile() throws Exception {
		RunDirectory good = run("good");
		RunDirectory yaml = run("yaml");
		Files.writeString(yaml.resolve(RunDirectory.EXPERIMENT), "name: [unclosed\n");
		RunDirectory json = run("json");
		Files.writeString(json.resolve(RunDirectory.PROVENANCE), "{\"created\": \"2026-12-03\", \"seed\": 5,\n \"inputs\": [ }");
		RunDirectory csv = run("csv");
		Files.write(csv.resolve("metrics.csv"), "model,round\n\u00ff\u00fe,1\n".getBytes(StandardCharsets.ISO_8859_1));
		RunDirectory numbers = run("numbers");
		Files.writeString(numbers.resolve("metrics.csv"), String.join(",", "model,round,epoch,learning_rate,train_loss,train_samples,seconds,validation_cpm,test_cpm")
				+ "\nm0,0,1,Infinity,0.5,16,1.0,,\n");

		List<RunCatalog.Entry> entries = RunCatalog.list(tmp.resolve("runs"));
		assertEquals(5, entries.size(), entries.toString());
		RunCatalog.Entry ok = entries.stream().filter(e -> e.dir().equals(good.dir())).findFirst().orElseThrow();
		assertFalse(ok.isDamaged());
		for (RunCatalog.Entry e : entries) {
			if (e.dir().equals(good.dir())) {
				continue;
			}
			assertTrue(e.isDamaged() && e.status().equals("damaged"), e.toString());
			assertTrue(e.problem().startsWith(e.dir().toString()), "names the file: " + e.problem());
			assertFalse(e.problem().contains("REDACTED") || e.problem().contains("No value present"), e.problem());
		}
		String json1 = problem(entries, json);
		assertTrue(json1.startsWith(json.resolve(RunDirectory.PROVENANCE) + ":2:"), json1);
		assertTrue(problem(entries, yaml).startsWith(yaml.resolve(RunDirectory.EXPERIMENT) + ":"), problem(entries, yaml));
		assertTrue(problem(entries, csv).startsWith(csv.resolve("metrics.csv") + ": not UTF-8 text"), problem(entries, csv));
		assertEquals(numbers.resolve("metrics.csv") + ":2: learning_rate: expected a number, got 'Infinity'", problem(entries, numbers));
	}

	private static String problem(List<RunCatalog.Entry> entries, RunDirectory run) {
		return entries.stream().filter(e -> e.dir().equals(run.dir())).findFirst().orElseThrow().problem();
	}
}
