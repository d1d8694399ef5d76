package org.nodulab.jobs.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.jobs.ComputeDevice;
import org.nodulab.jobs.JobExecutor;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobSpec;

/**
 * The queue's scheduling with an executor that records what ran when: device exclusivity (also against
 * Eclipse jobs scheduled elsewhere on the same device rule), priority and submission order, jobs without a
 * device, cancelling queued jobs, and restoring the queue after the process ends.
 */
class JobQueueTest {

	private static final ComputeDevice CPU = new ComputeDevice("cpu", "test");
	private static final ComputeDevice GPU = new ComputeDevice("cuda:0", "test");

	/** Records starts and ends; each job takes {@code millis}; counts jobs computing on a device at once. */
	static final class Recorder implements JobExecutor {
		final List<String> started = Collections.synchronizedList(new ArrayList<>());
		final Map<String, AtomicInteger> onDevice = new ConcurrentHashMap<>();
		final AtomicInteger maxPerDevice = new AtomicInteger();
		final CountDownLatch gate;
		final long millis;

		Recorder(long millis, CountDownLatch gate) {
			this.millis = millis;
			this.gate = gate;
		}

		@Override
		public boolean needsDevice(JobSpec spec) {
			return !spec.kind().equals("eval"); // as the command line's executor says of train and eval
		}

		@Override
		public List<String> check(JobSpec spec) {
			return List.of();
		}

		@Override
		public Outcome execute(JobSpec spec, Context context) throws Exception {
			started.add(spec.title() + (context.device() != null ? "@" + context.device().id() : ""));
			AtomicInteger n = context.device() == null ? new AtomicInteger() : onDevice.computeIfAbsent(context.device().id(), k -> new AtomicInteger());
			maxPerDevice.accumulateAndGet(n.incrementAndGet(), Math::max);
			try {
				if (gate != null) {
					gate.await(60, TimeUnit.SECONDS);
				}
				context.progress().begin("work", 10);
				for (int i = 1; i <= 10; i++) {
					Thread.sleep(millis / 10);
					context.progress().step(i, 10);
					if (context.progress().stopRequested()) {
						return new Outcome(true, "stopped at step " + i);
					}
				}
				return new Outcome(false, "done");
			} finally {
				n.decrementAndGet();
			}
		}
	}

	private static JobSpec job(String title, int priority) {
		return new JobSpec(title, List.of("train", "/x/" + title + ".yaml"), null, null, priority);
	}

	@Test
	void oneJobPerDeviceHighestPriorityFirstThenSubmissionOrder(@TempDir Path dir) throws Exception {
		Recorder recorder = new Recorder(100, null);
		JobQueue queue = JobQueue.openHeld(dir, recorder, List.of(CPU));
		try {
			queue.submit(job("a", 0));
			queue.submit(job("b", 0));
			queue.submit(job("c", 5));
			queue.submit(job("d", 1));
			queue.submit(new JobSpec("eval", List.of("eval", "/x/a.csv", "/x/e.csv", "/x/s.csv", "/x/results.csv", "/x/out"), null, null, -10));
			queue.release();
			assertTrue(queue.awaitIdle(30_000), "the queue ran its jobs");
			assertEquals(1, recorder.maxPerDevice.get(), "at most one job computed on the device at a time");
			List<String> onCpu = recorder.started.stream().filter(s -> s.endsWith("@cpu")).toList();
			assertEquals(List.of("c@cpu", "d@cpu", "a@cpu", "b@cpu"), onCpu);
			assertTrue(recorder.started.indexOf("eval") < recorder.started.indexOf("d@cpu"),
					"a job without a device does not wait for one: " + recorder.started);
			assertTrue(queue.jobs().stream().allMatch(r -> r.state() == JobRecord.State.FINISHED), queue.jobs().toString());
			JobRecord c = queue.jobs().get(2);
			assertEquals("cpu", c.device());
			String log = Files.readString(queue.log(c.id()));
			assertTrue(log.contains("started on cpu") && log.contains("finished: done"), log);
		} finally {
			queue.close();
		}
	}

	@Test
	void jobsSpreadOverDevicesAndKeepTheDeviceTheyAskFor(@TempDir Path dir) throws Exception {
		Recorder recorder = new Recorder(300, null);
		JobQueue queue = JobQueue.openHeld(dir, recorder, List.of(CPU, GPU));
		try {
			queue.submit(new JobSpec("g1", List.of("train", "/x/g1.yaml"), null, "cuda:0", 0));
			queue.submit(new JobSpec("g2", List.of("train", "/x/g2.yaml"), null, "cuda:0", 0));
			queue.submit(job("any", 0));
			assertThrows(IllegalArgumentException.class,
					() -> queue.submit(new JobSpec("x", List.of("train", "/x/x.yaml"), null, "cuda:7", 0)));
			queue.release();
			assertTrue(queue.awaitIdle(30_000));
			assertEquals(1, recorder.maxPerDevice.get());
			assertEquals(3, recorder.started.size());
			assertEquals(java.util.Set.of("g1@cuda:0", "any@cpu"), java.util.Set.copyOf(recorder.started.subList(0, 2)),
					"a job for any device takes the free cpu");
			assertEquals("g2@cuda:0", recorder.started.get(2), "g2 waits for g1's device although the cpu is free");
		} finally {
			queue.close();
		}
	}

	@Test
	void theDeviceIsAnEclipseSchedulingRule(@TempDir Path dir) throws Exception {
		CountDownLatch gate = new CountDownLatch(1);
		Recorder recorder = new Recorder(10, gate);
		JobQueue queue = JobQueue.open(dir, recorder, List.of(CPU));
		try {
			JobRecord r = queue.submit(job("holder", 0));
			while (recorder.started.isEmpty()) {
				Thread.sleep(10);
			}
			AtomicInteger foreignRanWhileHeld = new AtomicInteger(-1);
			Job foreign = new Job("another computation on the cpu") {
				@Override
				protected IStatus run(IProgressMonitor monitor) {
					foreignRanWhileHeld.set(queue.job(r.id()).orElseThrow().state() == JobRecord.State.RUNNING ? 1 : 0);
					return Status.OK_STATUS;
				}
			};
			foreign.setRule(new ComputeDevice("cpu", "described differently"));
			foreign.schedule();
			assertFalse(foreign.join(500, null), "a job with the same device rule waits while a queue job holds the device");
			gate.countDown();
			assertTrue(foreign.join(30_000, null));
			assertEquals(0, foreignRanWhileHeld.get(), "it ran only after the queue job had ended");
		} finally {
			gate.countDown();
			queue.close();
		}
	}

	@Test
	void cancellingAQueuedJobMeansItNeverRunsAndARunningOneStops(@TempDir Path dir) throws Exception {
		Recorder recorder = new Recorder(20_000, null);
		JobQueue queue = JobQueue.open(dir, recorder, List.of(CPU));
		try {
			JobRecord running = queue.submit(job("long", 0));
			JobRecord waiting = queue.submit(job("waiting", 0));
			while (queue.activity(running.id()).isEmpty()) {
				Thread.sleep(10);
			}
			assertTrue(queue.activity(running.id()).orElseThrow().startsWith("work: "), queue.activity(running.id()).toString());
			assertTrue(queue.cancel(waiting.id()));
			assertEquals(JobRecord.State.CANCELLED, queue.job(waiting.id()).orElseThrow().state());
			assertTrue(queue.cancel(running.id()));
			JobRecord stopped = queue.awaitEnd(running.id(), 30_000);
			assertEquals(JobRecord.State.STOPPED, stopped.state());
			assertTrue(stopped.message().startsWith("stopped at step"), stopped.message());
			assertFalse(queue.cancel(running.id()), "an ended job cannot be cancelled");
			assertEquals(List.of("long@cpu"), recorder.started);
		} finally {
			queue.close();
		}
	}

	@Test
	void queuedJobsSurviveARestartInTheirOrderAndASecondQueueOnTheFolderIsRefused(@TempDir Path dir) throws Exception {
		JobQueue first = JobQueue.openHeld(dir, new Recorder(10, null), List.of(CPU));
		List<String> ids = new ArrayList<>();
		ids.add(first.submit(job("a", 0)).id());
		ids.add(first.submit(job("b", 3)).id());
		ids.add(first.submit(job("c", 0)).id());
		java.io.IOException busy = assertThrows(java.io.IOException.class, () -> JobQueue.openHeld(dir, new Recorder(10, null), List.of(CPU)));
		assertTrue(busy.getMessage().contains("is run by another process"), busy.getMessage());
		first.close(0);

		Recorder recorder = new Recorder(10, null);
		JobQueue second = JobQueue.open(dir, recorder, List.of(CPU));
		try {
			assertEquals(ids, second.jobs().stream().map(JobRecord::id).toList());
			assertTrue(second.awaitIdle(30_000));
			assertEquals(List.of("b@cpu", "a@cpu", "c@cpu"), recorder.started);
			JobRecord next = second.submit(job("d", 0));
			assertTrue(next.sequence() > second.jobs().get(2).sequence(), "sequence numbers continue after a restart");
			assertNotNull(second.awaitEnd(next.id(), 30_000));
		} finally {
			second.close();
		}
	}

	/**
	 * A job that continues an ended one (a resume, a campaign's run started again) takes its place: it runs before the
	 * jobs of its priority queued after the one it continues, also after a restart; a higher priority still goes first.
	 */
	@Test
	void aJobThatContinuesAnEndedOneTakesItsPlaceInTheQueue(@TempDir Path dir) throws Exception {
		JobQueue first = JobQueue.openHeld(dir, new Recorder(10, null), List.of(CPU));
		JobRecord stopped = first.submit(job("a", 0));
		first.submit(job("b", 0));
		first.submit(job("c", 0));
		assertTrue(first.cancel(stopped.id()));
		IllegalArgumentException notEnded = assertThrows(IllegalArgumentException.class,
				() -> first.submit(job("x", 0), first.jobs().get(1).id()));
		assertTrue(notEnded.getMessage().contains("is queued"), notEnded.getMessage());
		assertThrows(IllegalArgumentException.class, () -> first.submit(job("x", 0), "20261207-000000-99"));
		JobRecord again = first.submit(job("a-again", 0), stopped.id());
		assertEquals(stopped.sequence(), again.place());
		assertEquals("queued in the place of job " + stopped.id(), again.message());
		assertTrue(again.sequence() > first.jobs().get(2).sequence(), "its own sequence number is still the next one");
		first.submit(job("urgent", 1));
		// listed as they will start: the ended job, then the urgent one, then the one in its place before b and c
		assertEquals(List.of("a", "urgent", "a-again", "b", "c"), first.jobsInOrder().stream().map(r -> r.spec().title()).toList());
		assertEquals(List.of("a", "b", "c", "a-again", "urgent"), first.jobs().stream().map(r -> r.spec().title()).toList(),
				"jobs() stays in submission order");
		first.close(0);

		Recorder recorder = new Recorder(10, null);
		JobQueue second = JobQueue.open(dir, recorder, List.of(CPU));
		try {
			assertTrue(second.awaitIdle(30_000));
			assertEquals(List.of("urgent@cpu", "a-again@cpu", "b@cpu", "c@cpu"), recorder.started);
		} finally {
			second.close();
		}
	}

	/**
	 * Issue 15: the workbench (or 'nodulab jobs run') runs the queue while 'nodulab jobs submit|list|cancel' work beside
	 * it from another process: its jobs run there, its cancels are carried out, nothing is lost or run twice.
	 */
	@Test
	void anotherProcessSubmitsListsAndCancelsWhileTheQueueRuns(@TempDir Path dir) throws Exception {
		Recorder recorder = new Recorder(3_000, null);
		JobQueue runner = JobQueue.open(dir, recorder, List.of(CPU));
		try {
			JobQueue terminal = JobQueue.openShared(dir, new Recorder(10, null), List.of(CPU));
			assertTrue(terminal.isClient(), "the folder is held by the runner");
			assertThrows(IllegalStateException.class, terminal::release, "a client never runs jobs");
			JobRecord first = terminal.submit(job("first", 0));
			JobRecord second = terminal.submit(job("second", 0));
			JobRecord third = runner.submit(job("third", 0));
			assertEquals(3, java.util.Set.of(first.sequence(), second.sequence(), third.sequence()).size(), "one sequence number each");
			// the runner picks the terminal's jobs up
			assertEquals(JobRecord.State.RUNNING, waitFor(runner, first.id(), JobRecord.State.RUNNING).state());
			assertTrue(terminal.cancel(second.id()), "a queued job");
			assertTrue(terminal.cancel(first.id()), "the running job");
			assertEquals(JobRecord.State.STOPPED, runner.awaitEnd(first.id(), 30_000).state());
			assertEquals(JobRecord.State.CANCELLED, waitFor(runner, second.id(), JobRecord.State.CANCELLED).state());
			assertEquals(JobRecord.State.FINISHED, runner.awaitEnd(third.id(), 30_000).state());
			assertEquals(List.of("first@cpu", "third@cpu"), recorder.started.stream().sorted().toList(), "nothing run twice, the cancelled one never");
			// the terminal lists what the runner wrote
			assertEquals(List.of(JobRecord.State.STOPPED, JobRecord.State.CANCELLED, JobRecord.State.FINISHED),
					terminal.jobs().stream().map(JobRecord::state).toList());
			assertFalse(terminal.cancel(third.id()), "an ended job");
			terminal.close(0);
		} finally {
			runner.close();
		}
	}

	/**
	 * The workbench opens the shared queue through JobService: where another process already runs it (a campaign, a
	 * 'nodulab jobs run'), it joins as a client instead of failing (its Runs and Jobs views were not created).
	 */
	@Test
	void theServiceJoinsAQueueThatAnotherProcessRuns(@TempDir Path dir) throws Exception {
		org.nodulab.jobs.JobService service = org.nodulab.test.support.Osgi.service(org.nodulab.jobs.JobService.class);
		JobQueue own = service.openOrJoin(dir.resolve("free"));
		try {
			assertFalse(own.isClient(), "nobody runs this folder: the service runs it");
		} finally {
			own.close();
		}
		Recorder recorder = new Recorder(10, null);
		JobQueue runner = JobQueue.open(dir.resolve("held"), recorder, List.of(CPU));
		try {
			JobQueue joined = service.openOrJoin(dir.resolve("held"));
			assertTrue(joined.isClient(), "the folder is run by another queue");
			JobRecord r = joined.submit(job("from the workbench", 0));
			assertEquals(JobRecord.State.FINISHED, waitFor(joined, r.id(), JobRecord.State.FINISHED).state(), "run by the runner");
			assertEquals(List.of("from the workbench@cpu"), recorder.started);
			joined.close(0);
		} finally {
			runner.close();
		}
	}

	private static JobRecord waitFor(JobQueue queue, String id, JobRecord.State state) throws InterruptedException {
		long end = System.currentTimeMillis() + 30_000;
		while (System.currentTimeMillis() < end) {
			var r = queue.jobs().stream().filter(j -> j.id().equals(id)).findFirst();
			if (r.isPresent() && r.get().state() == state) {
				return r.get();
			}
			Thread.sleep(20);
		}
		return queue.jobs().stream().filter(j -> j.id().equals(id)).findFirst().orElseThrow();
	}

	/** Issue 15: ids and job files never name paths outside the queue; a damaged file is set aside, the queue goes on. */
	@Test
	void damagedJobFilesAreSetAsideByNameAndIdsNeverLeaveTheFolder(@TempDir Path dir) throws Exception {
		JobQueue first = JobQueue.openHeld(dir, new Recorder(10, null), List.of(CPU));
		JobRecord good = first.submit(job("good", 0));
		first.close(0);
		Files.writeString(dir.resolve("20260101-000000-7.json"), "{ \"id\": \"20260101-000000-7\", \"sequence\": ");
		Files.writeString(dir.resolve("20260101-000000-8.json"), Files.readString(dir.resolve(good.id() + ".json")));
		String escaping = Files.readString(dir.resolve(good.id() + ".json")).replace(good.id(), "../../escape");
		Files.writeString(dir.resolve("escape.json"), escaping);

		Recorder recorder = new Recorder(10, null);
		JobQueue queue = JobQueue.open(dir, recorder, List.of(CPU));
		try {
			assertTrue(queue.awaitIdle(30_000));
			assertEquals(List.of(good.id()), queue.jobs().stream().map(JobRecord::id).toList(), "the good job ran, the others are out");
			assertEquals(List.of("good@cpu"), recorder.started);
			List<String> problems = queue.problems();
			assertEquals(3, problems.size(), problems.toString());
			assertTrue(problems.get(0).startsWith(dir.resolve("20260101-000000-7.json") + ": not a job file of this queue (line "), problems.get(0));
			assertTrue(problems.get(1).contains("20260101-000000-8.json: not a job file of this queue (id '" + good.id() + "' is not the file's name)"),
					problems.get(1));
			assertTrue(problems.get(2).contains("escape.json: not a job file of this queue (id '../../escape' is not a job id"), problems.get(2));
			assertTrue(Files.isDirectory(dir.resolve("damaged")) && !Files.exists(dir.resolve("escape.json")), "set aside");
			for (String bad : List.of("../../etc/passwd", "a/b", "..", "")) {
				assertThrows(IllegalArgumentException.class, () -> queue.log(bad), bad);
				assertThrows(IllegalArgumentException.class, () -> queue.cancel(bad), bad);
				assertThrows(IllegalArgumentException.class, () -> queue.job(bad), bad);
			}
		} finally {
			queue.close();
		}
	}
}
