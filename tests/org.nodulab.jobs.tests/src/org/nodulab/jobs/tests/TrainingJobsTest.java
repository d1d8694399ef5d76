package org.nodulab.jobs.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobService;
import org.nodulab.jobs.JobSpec;
import org.nodulab.synth.SynthDataset;
import org.nodulab.synth.SynthSettings;
import org.nodulab.test.support.Osgi;
import org.nodulab.test.support.TinyExperiment;
import org.nodulab.train.Checkpoints;
import org.nodulab.train.RunDirectory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Real training jobs on a 4-scan synthetic benchmark: a job cancelled during an epoch stops at a batch
 * boundary after a checkpoint; after a crash (a job file left RUNNING) the reopened queue marks it
 * interrupted and offers resume; the resumed job ends with the same final model (SHA-256) as an
 * uninterrupted job; the run records the job's device.
 */
class TrainingJobsTest {

	@Test
	void cancelStopsAfterACheckpointAndACrashedJobResumesToTheSameModel(@TempDir Path tmp) throws Exception {
		stopCrashResume(tmp, "dl4j");
	}

	@Test
	void theSameOnTheLibtorchBackend(@TempDir Path tmp) throws Exception {
		stopCrashResume(tmp, "libtorch");
	}

	private static void stopCrashResume(Path tmp, String backend) throws Exception {
		SynthSettings s = new SynthSettings();
		s.scans = 4;
		Path dataset = tmp.resolve("synthetic");
		SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), s, dataset, false, line -> {
		});
		Path yaml = tmp.resolve("tiny.yaml");
		Files.writeString(yaml, TinyExperiment.yaml("tiny", dataset, tmp.resolve("runs").toString(), 2, 0)
				.replace("training: {", "training: {backend: " + backend + ", "));
		JobService service = Osgi.service(JobService.class);
		JobSpec spec = JobSpec.of("tiny", List.of("train", yaml.toString()));

		// uninterrupted
		JobQueue queue = service.open(tmp.resolve("queue-a"));
		String reference;
		try {
			JobRecord r = queue.awaitEnd(queue.submit(spec).id(), 600_000);
			assertEquals(JobRecord.State.FINISHED, r.state(), r.message());
			assertTrue(r.message().contains("m0-vgg best epoch"), r.message());
			RunDirectory run = RunDirectory.open(Path.of(r.runDir()));
			assertTrue(run.finished());
			reference = run.checkpoints().atEpoch("m0-vgg", 2).orElseThrow().sha256();
			String device = new ObjectMapper().readTree(run.resolve(RunDirectory.PROVENANCE).toFile()).path("device").asText();
			assertEquals(r.device(), device, "the run's provenance names the job's device");
			assertEquals("cpu", device);
			assertTrue(Files.readString(run.resolve(RunDirectory.EXPERIMENT)).contains("backend: " + backend));
		} finally {
			queue.close();
		}

		// cancelled as epoch 1 begins: it stops after the batch in progress
		Path queueDir = tmp.resolve("queue-b");
		queue = service.open(queueDir);
		JobRecord stopped;
		try {
			JobQueue q = queue;
			String[] id = new String[1];
			q.addListener(new JobQueue.Listener() {
				@Override
				public void changed(JobRecord job) {
				}

				@Override
				public void progress(JobRecord job, String task, long done, long total, double eta) {
					if (task.contains("epoch 1/") && done < total) { // as epoch 1 begins
						try {
							q.cancel(id[0]);
						} catch (java.io.IOException e) {
							throw new java.io.UncheckedIOException(e);
						}
					}
				}
			});
			id[0] = q.submit(spec).id();
			stopped = q.awaitEnd(id[0], 600_000);
		} finally {
			queue.close();
		}
		assertEquals(JobRecord.State.STOPPED, stopped.state(), stopped.message());
		assertTrue(stopped.resumable());
		RunDirectory run = RunDirectory.open(Path.of(stopped.runDir()));
		assertFalse(run.finished());
		List<Checkpoints.Checkpoint> checkpoints = run.checkpoints().list();
		assertEquals(1, checkpoints.size(), "one checkpoint at the batch where it stopped: " + checkpoints);
		assertEquals(0, checkpoints.get(0).epoch(), "no epoch completed");
		assertTrue(checkpoints.get(0).batch() >= 1, "stopped inside the epoch: " + checkpoints.get(0));

		// the process "crashes" while the job runs: its file says RUNNING
		Path file = queueDir.resolve(stopped.id() + ".json");
		ObjectMapper json = new ObjectMapper();
		var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(file.toFile());
		tree.put("state", "RUNNING");
		tree.putNull("ended");
		Files.writeString(file, json.writeValueAsString(tree));

		queue = service.open(queueDir);
		try {
			JobRecord interrupted = queue.job(stopped.id()).orElseThrow();
			assertEquals(JobRecord.State.INTERRUPTED, interrupted.state());
			assertEquals(List.of(interrupted), queue.resumable(), "the interrupted run is offered for resume");
			JobRecord resumed = queue.awaitEnd(queue.resume(stopped.id()).id(), 600_000);
			assertEquals(JobRecord.State.FINISHED, resumed.state(), resumed.message());
			assertEquals(stopped.runDir(), resumed.runDir());
			assertTrue(queue.resumable().isEmpty(), "nothing left to resume");
			assertEquals(reference, RunDirectory.open(Path.of(resumed.runDir())).checkpoints().atEpoch("m0-vgg", 2).orElseThrow().sha256(),
					"stopped, crashed and resumed: the same final model as the uninterrupted job");
			String log = Files.readString(queue.log(stopped.id()));
			assertTrue(log.contains("cancel requested") && log.contains("interrupted: the process ended"), log);
		} finally {
			queue.close();
		}
	}
}
