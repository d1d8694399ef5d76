package org.nodulab.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobService;
import org.nodulab.jobs.JobSpec;
import org.nodulab.train.RunDirectory;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code local} executor: each run is a job of the job queue shared with the workbench and {@code nodulab jobs}
 * (one job per compute device at a time, priorities, cancel at a checkpoint, restore after a crash). Where this process
 * holds the queue it runs the jobs and returns when they ended; where another process runs it (the workbench, a
 * {@code nodulab jobs run}), the jobs are handed to it.
 */
public final class LocalExecutor implements CampaignExecutor<LocalExecutor.Settings> {

	/** Settings of the local executor. */
	@JsonPropertyOrder({ "queue", "priority", "wait" })
	public static class Settings {
		@JsonPropertyDescription("The job queue's folder (default: -Dnodulab.jobs, else ~/.nodulab/jobs)")
		public String queue;

		@org.nodulab.core.settings.Range(min = -100, max = 100)
		@JsonPropertyDescription("Priority of the campaign's jobs (higher runs first)")
		public int priority = 0;

		@JsonPropertyDescription("Run the jobs here and wait for them when no other process runs the queue")
		public boolean wait = true;
	}

	private static Settings settings(Context c) {
		return c.settings() instanceof Settings s ? s : new Settings();
	}

	private static Path queueDir(Context c) {
		Settings s = settings(c);
		return s.queue != null && !s.queue.isBlank() ? Path.of(s.queue).toAbsolutePath() : JobService.defaultDir();
	}

	private static JobQueue open(Context c) throws IOException {
		JobService jobs = c.services().get(JobService.class);
		return JobQueue.openShared(queueDir(c), jobs.executor(), jobs.devices());
	}

	@Override
	public List<String> check(Context context) {
		Path dir = queueDir(context);
		Path existing = dir;
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing != null && !Files.isWritable(existing)) {
			return List.of("the job queue folder " + dir + " cannot be written");
		}
		return List.of();
	}

	@Override
	public void submit(Context context, List<String> runIds) throws Exception {
		Map<String, String> jobs = jobs(context);
		try (JobQueue queue = open(context)) {
			List<String> submitted = new ArrayList<>();
			for (String id : runIds) {
				String existing = jobs.get(id);
				if (existing != null && queue.job(existing).map(j -> !j.state().ended()).orElse(false)) {
					context.out().println("  " + id + ": already queued as job " + existing);
					continue;
				}
				// a run started again (stopped, interrupted, failed) takes its earlier job's place, not the back of the queue
				String before = existing != null && queue.job(existing).isPresent() ? existing : null;
				JobRecord r = queue.submit(new JobSpec(context.folder().name() + " " + id,
						List.of("campaign", "task", context.folder().dir().toString(), id), context.folder().dir().toString(), null,
						settings(context).priority), before);
				jobs.put(id, r.id());
				submitted.add(r.id());
				context.out().println("  " + id + ": job " + r.id());
			}
			saveJobs(context, jobs);
			// this campaign's jobs queued by an earlier 'campaign run' (one stopped with Ctrl-C, or with wait=false) are
			// waited for too: where no other process runs the queue, this one does, and it must not close it after its
			// own few while the campaign's others stay queued with nobody to run them
			List<String> awaited = new ArrayList<>();
			for (String job : jobs.values()) {
				if (queue.job(job).map(j -> !j.state().ended()).orElse(false)) {
					awaited.add(job);
				}
			}
			awaited.sort(java.util.Comparator.comparing(job -> queue.job(job).orElseThrow(), JobQueue.START_ORDER));
			if (queue.isClient()) {
				context.out().println("the queue " + queue.dir() + " is run by another process (the workbench or 'nodulab jobs run'); it runs the "
						+ submitted.size() + " job(s); follow with 'nodulab campaign status'");
				return;
			}
			if (!settings(context).wait) {
				context.out().println(submitted.size() + " job(s) queued in " + queue.dir() + "; 'nodulab jobs run' runs them");
				return;
			}
			Thread stopper = new Thread(() -> {
				try {
					queue.close();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}, "nodulab-campaign-stop");
			Runtime.getRuntime().addShutdownHook(stopper);
			if (awaited.size() > submitted.size()) {
				context.out().println("  with the campaign's " + (awaited.size() - submitted.size()) + " job(s) queued before in "
						+ queue.dir() + ", which this process runs as well");
			}
			queue.release();
			for (String job : awaited) {
				JobRecord end = queue.awaitEnd(job, Long.MAX_VALUE / 4);
				if (end != null) {
					context.out().printf(Locale.ROOT, "  job %s %s: %s%n", job, end.state().name().toLowerCase(Locale.ROOT), end.message());
					context.out().flush();
				}
			}
			try {
				Runtime.getRuntime().removeShutdownHook(stopper);
			} catch (IllegalStateException e) {
				// shutting down already
			}
		}
	}

	@Override
	public Map<String, State> active(Context context) throws Exception {
		Map<String, State> out = new LinkedHashMap<>();
		Map<String, String> jobs = jobs(context);
		if (jobs.isEmpty()) {
			return out;
		}
		try (JobQueue queue = open(context)) {
			for (Map.Entry<String, String> j : jobs.entrySet()) {
				queue.job(j.getValue()).ifPresent(r -> {
					if (r.state() == JobRecord.State.QUEUED) {
						out.put(j.getKey(), State.QUEUED);
					} else if (r.state() == JobRecord.State.RUNNING) {
						out.put(j.getKey(), State.RUNNING);
					}
				});
			}
		}
		return out;
	}

	@Override
	public Map<String, String> failures(Context context) throws Exception {
		Map<String, String> out = new LinkedHashMap<>();
		Map<String, String> jobs = jobs(context);
		if (jobs.isEmpty()) {
			return out;
		}
		try (JobQueue queue = open(context)) {
			for (Map.Entry<String, String> j : jobs.entrySet()) {
				queue.job(j.getValue()).filter(r -> r.state() == JobRecord.State.FAILED).ifPresent(r -> {
					StringBuilder m = new StringBuilder("job " + r.id() + " failed: " + r.message());
					try {
						List<String> log = Files.readAllLines(queue.log(r.id()));
						m.append("\n    log ").append(queue.log(r.id())).append(", last lines:");
						log.subList(Math.max(0, log.size() - 10), log.size()).forEach(l -> m.append("\n    | ").append(l));
					} catch (IOException e) {
						// no log: the message says it
					}
					out.put(j.getKey(), m.toString());
				});
			}
		}
		return out;
	}

	@Override
	public void cancel(Context context, List<String> runIds) throws Exception {
		Map<String, String> jobs = jobs(context);
		try (JobQueue queue = open(context)) {
			for (Map.Entry<String, String> j : jobs.entrySet()) {
				if (!runIds.isEmpty() && !runIds.contains(j.getKey())) {
					continue;
				}
				if (queue.job(j.getValue()).map(r -> !r.state().ended()).orElse(false) && queue.cancel(j.getValue())) {
					context.out().println("  " + j.getKey() + ": cancelled job " + j.getValue());
				}
			}
		}
	}

	private static Map<String, String> jobs(Context c) throws IOException {
		Path f = c.stateDir().resolve("jobs.json");
		Map<String, String> out = new LinkedHashMap<>();
		if (Files.exists(f)) {
			JsonNode tree = RunDirectory.readTree(CampaignFolder.JSON, f);
			tree.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
		}
		return out;
	}

	private static void saveJobs(Context c, Map<String, String> jobs) throws IOException {
		AtomicFiles.replace(c.stateDir().resolve("jobs.json"), out -> CampaignFolder.JSON.writerWithDefaultPrettyPrinter().writeValue(out, jobs));
	}
}
