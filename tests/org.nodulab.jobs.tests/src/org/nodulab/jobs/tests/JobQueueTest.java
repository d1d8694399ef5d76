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
		return new JobSpec(JobSpec.Kind.TRAIN, title, "/x/" + title + ".yaml", Map.of(), null, priority);
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
			queue.submit(new JobSpec(JobSpec.Kind.EVALUATE, "eval", "/x/results.csv", Map.of(), null, -10));
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
			queue.submit(new JobSpec(JobSpec.Kind.TRAIN, "g1", "/x/g1.yaml", Map.of(), "cuda:0", 0));
			queue.submit(new JobSpec(JobSpec.Kind.TRAIN, "g2", "/x/g2.yaml", Map.of(), "cuda:0", 0));
			queue.submit(job("any", 0));
			assertThrows(IllegalArgumentException.class,
					() -> queue.submit(new JobSpec(JobSpec.Kind.TRAIN, "x", "/x/x.yaml", Map.of(), "cuda:7", 0)));
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
		assertTrue(busy.getMessage().contains("is open in another process"), busy.getMessage());
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
}
