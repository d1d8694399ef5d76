package org.nodulab.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.nodulab.core.io.AtomicFiles;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The job queue the workbench and {@code nodulab jobs} share: jobs run as Eclipse Jobs, each compute device
 * is their scheduling rule, so at most one job computes on a device; the others wait in the queue, highest
 * priority first, then in submission order (a job that continues an ended one, a resume, takes that one's place).
 * Every job is a JSON file in the queue folder (rewritten
 * atomically at each state change) with a log beside it, so the queue survives a restart: queued jobs are
 * queued again, a job that was running when the process ended becomes {@code INTERRUPTED} and can be
 * resumed from its run's last checkpoint.
 */
public final class JobQueue implements AutoCloseable {

	/** The family every queue job belongs to ({@code Job.getJobManager().find(FAMILY)}). */
	public static final Object FAMILY = JobQueue.class;

	/** Told about every change; called on the job's or the caller's thread (a UI must hop to its own). */
	public interface Listener {

		void changed(JobRecord job);

		/** The running job's current task (throttled to a few updates per second). */
		default void progress(JobRecord job, String task, long done, long total, double etaSeconds) {
		}
	}

	static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
	private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

	private final Path dir;
	private final JobExecutor executor;
	private final List<ComputeDevice> devices;
	private final Map<String, JobRecord> records = new LinkedHashMap<>();
	/** Whether each job's command computes on a device, asked once per job (the executor parses the command line). */
	private final Map<String, Boolean> needsDevice = new java.util.concurrent.ConcurrentHashMap<>();
	private final Map<String, Job> jobs = new HashMap<>();
	private final Map<String, String> busy = new HashMap<>(); // device id -> job id
	private final Map<String, MonitorProgress.Snapshot> progress = new HashMap<>();
	private final List<Listener> listeners = new CopyOnWriteArrayList<>();
	private long nextSequence = 1;
	private boolean closed;
	private boolean held = true;
	/** Another process holds and runs this queue: this one lists, submits and asks for cancels through the folder. */
	private boolean client;
	private java.nio.channels.FileChannel lockFile;
	private final List<String> problems = new CopyOnWriteArrayList<>();
	private java.util.concurrent.ScheduledExecutorService watcher;

	/** A job id: {@code yyyyMMdd-HHmmss-n}, nothing that could leave the queue folder. */
	static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9]{1,18}");

	private JobQueue(Path dir, JobExecutor executor, List<ComputeDevice> devices) {
		this.dir = dir;
		this.executor = executor;
		this.devices = List.copyOf(devices);
	}

	/**
	 * Opens (or creates) the queue in {@code dir}: restores its jobs and starts the queued ones.
	 *
	 * @throws IOException when a job file cannot be read (the message names it)
	 */
	public static JobQueue open(Path dir, JobExecutor executor, List<ComputeDevice> devices) throws IOException {
		JobQueue queue = openHeld(dir, executor, devices);
		queue.release();
		return queue;
	}

	/**
	 * Opens the queue without starting anything: jobs can be listed, submitted, cancelled; they run after
	 * {@link #release()} (or when a process opens the queue with {@link #open}).
	 */
	public static JobQueue openHeld(Path dir, JobExecutor executor, List<ComputeDevice> devices) throws IOException {
		if (devices.isEmpty()) {
			throw new IllegalArgumentException("a job queue needs at least one compute device");
		}
		Files.createDirectories(dir);
		JobQueue queue = new JobQueue(dir, executor, devices);
		queue.lock();
		queue.restore();
		return queue;
	}

	/**
	 * Opens the queue to list, submit and cancel jobs, whether or not another process (the workbench, a
	 * {@code nodulab jobs run}) runs it: where one does, this queue works through the folder (new job files, cancel
	 * requests the running process acts on within a second), so no job is lost or run twice. Where none does, it is
	 * {@link #openHeld}.
	 */
	public static JobQueue openShared(Path dir, JobExecutor executor, List<ComputeDevice> devices) throws IOException {
		try {
			return openHeld(dir, executor, devices);
		} catch (QueueBusyException e) {
			JobQueue queue = new JobQueue(dir, executor, devices);
			queue.client = true;
			queue.restore();
			return queue;
		}
	}

	/** The queue folder is held by another process (or another queue of this one). */
	public static final class QueueBusyException extends IOException {
		private static final long serialVersionUID = 1L;

		QueueBusyException(String message) {
			super(message);
		}
	}

	/** Whether another process runs this queue (this one lists, submits and asks for cancels). */
	public boolean isClient() {
		return client;
	}

	/** Job files that could not be read, with the reason; each was moved to {@code damaged/}. */
	public List<String> problems() {
		return List.copyOf(problems);
	}

	/** One queue per folder: a second process (or a second queue here) would run the same jobs twice. */
	private void lock() throws IOException {
		lockFile = java.nio.channels.FileChannel.open(dir.resolve("queue.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		java.nio.channels.FileLock lock;
		try {
			lock = lockFile.tryLock();
		} catch (java.nio.channels.OverlappingFileLockException e) {
			lock = null;
		}
		if (lock == null) {
			lockFile.close();
			throw new QueueBusyException("the job queue in " + dir + " is run by another process (or another queue of this one); "
					+ "it runs the jobs: submit, list and cancel work beside it; or use another folder (-Dnodulab.jobs=DIR)");
		}
	}

	private synchronized void restore() throws IOException {
		List<JobRecord> found = new ArrayList<>();
		try (Stream<Path> files = Files.list(dir)) {
			for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
				JobRecord r = readRecord(f);
				if (r != null) {
					found.add(r);
				}
			}
		}
		found.sort(Comparator.comparingLong(JobRecord::sequence));
		records.clear();
		for (JobRecord r : found) {
			if (r.state() == JobRecord.State.RUNNING && !client) {
				r = r.withEnd(JobRecord.State.INTERRUPTED,
						"the process ended while it ran" + (r.runDir() != null ? "; resume continues " + r.runDir() : ""), now());
				save(r);
				appendLog(r.id(), "interrupted: the process ended while the job ran (found when the queue was opened)");
			}
			records.put(r.id(), r);
			nextSequence = Math.max(nextSequence, r.sequence() + 1);
		}
	}

	/**
	 * One job file, checked: valid JSON of a job whose id is the file's name and has the form of an id, with a kind, an
	 * input and a state. A file that is not is moved to {@code damaged/} (with a {@code .reason} file beside it) and
	 * reported in {@link #problems()}; the queue goes on without it. Returns null then.
	 */
	private JobRecord readRecord(Path f) {
		String name = f.getFileName().toString();
		String stem = name.substring(0, name.length() - ".json".length());
		String reason;
		try {
			JobRecord r = JSON.readValue(f.toFile(), JobRecord.class);
			if (r == null) {
				reason = "empty";
			} else if (r.id() == null || !ID.matcher(r.id()).matches()) {
				reason = "id '" + r.id() + "' is not a job id (yyyyMMdd-HHmmss-n)";
			} else if (!r.id().equals(stem)) {
				reason = "id '" + r.id() + "' is not the file's name";
			} else if (r.spec() == null || r.state() == null || r.sequence() < 1) {
				reason = "no " + (r.spec() == null ? "spec" : r.state() == null ? "state" : "sequence number");
			} else if (r.runDir() != null && !Path.of(r.runDir()).isAbsolute()) {
				reason = "runDir '" + r.runDir() + "' is not an absolute path";
			} else {
				return r;
			}
		} catch (com.fasterxml.jackson.core.JsonProcessingException e) {
			String d = org.nodulab.core.io.JsonErrors.describe(f, "JSON", e);
			reason = "line " + d.substring(f.toString().length() + 1);
		} catch (IOException | RuntimeException e) {
			reason = e.getMessage() == null ? e.toString() : e.getMessage();
		}
		String problem = f + ": not a job file of this queue (" + reason + ")";
		if (!client) {
			try {
				Path damaged = Files.createDirectories(dir.resolve("damaged"));
				Path target = damaged.resolve(name + "." + System.currentTimeMillis());
				Files.move(f, target);
				AtomicFiles.create(damaged.resolve(target.getFileName() + ".reason"), reason + "\n");
				problem += "; moved to " + target;
			} catch (IOException e) {
				problem += "; could not move it aside: " + e.getMessage();
			}
		}
		problems.add(problem);
		return null;
	}

	/** The id given by a user or a file, checked: a job id never names a path. */
	static String checkId(String id) {
		if (id == null || !ID.matcher(id).matches()) {
			throw new IllegalArgumentException("'" + id + "' is not a job id (yyyyMMdd-HHmmss-n, as 'nodulab jobs' lists them)");
		}
		return id;
	}

	/** Starts queued jobs from now on (a queue opened with {@link #openHeld} holds them). */
	public void release() {
		synchronized (this) {
			if (client) {
				throw new IllegalStateException("the job queue in " + dir + " is run by another process");
			}
			held = false;
			if (watcher == null) {
				watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
					Thread t = new Thread(r, "nodulab-jobs-watch " + dir);
					t.setDaemon(true);
					return t;
				});
				watcher.scheduleWithFixedDelay(this::watch, 500, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
			}
		}
		dispatch();
	}

	/**
	 * What other processes did in the folder while this one runs the queue: job files they created are queued, cancel
	 * requests they left are carried out.
	 */
	private void watch() {
		try {
			List<JobRecord> added = new ArrayList<>();
			List<String> cancels = new ArrayList<>();
			synchronized (this) {
				if (closed) {
					return;
				}
				try (Stream<Path> files = Files.list(dir)) {
					for (Path f : files.sorted().toList()) {
						String name = f.getFileName().toString();
						if (name.endsWith(".json") && !records.containsKey(name.substring(0, name.length() - 5))) {
							JobRecord r = readRecord(f);
							if (r != null) {
								records.put(r.id(), r);
								nextSequence = Math.max(nextSequence, r.sequence() + 1);
								added.add(r);
							}
						} else if (name.endsWith(".cancel")) {
							cancels.add(name.substring(0, name.length() - ".cancel".length()));
							Files.deleteIfExists(f);
						}
					}
				}
			}
			for (JobRecord r : added) {
				appendLog(r.id(), "queued by another process");
				fire(r);
			}
			for (String id : cancels) {
				if (ID.matcher(id).matches() && job(id).isPresent()) {
					appendLog(id, "cancel requested by another process");
					cancel(id);
				}
			}
			if (!added.isEmpty()) {
				dispatch();
			}
		} catch (IOException | RuntimeException e) {
			// the next round tries again; a damaged file is reported by readRecord
		}
	}

	/** In a client queue, the state on disk as the running process keeps it. */
	private void reload() {
		if (client) {
			try {
				restore();
			} catch (IOException e) {
				throw new UncheckedIOException("cannot read the job queue in " + dir, e);
			}
		}
	}

	/** The queue folder. */
	public Path dir() {
		return dir;
	}

	/** The devices jobs are spread over. */
	public List<ComputeDevice> devices() {
		return devices;
	}

	/** Every job this queue knows, in submission order. */
	public synchronized List<JobRecord> jobs() {
		reload();
		return List.copyOf(records.values());
	}

	/** The order in which queued jobs start: higher priority first, then their place, then their sequence number. */
	public static final Comparator<JobRecord> START_ORDER = Comparator.comparingInt((JobRecord r) -> -r.spec().priority())
			.thenComparingLong(JobRecord::order).thenComparingLong(JobRecord::sequence);

	/**
	 * The jobs as a listing shows them: the ended ones in submission order, then the running ones, then the queued ones in
	 * the order they will start ({@link #START_ORDER}: a job queued in an earlier job's place, or at a higher priority,
	 * before those it will start before).
	 */
	public synchronized List<JobRecord> jobsInOrder() {
		reload();
		List<JobRecord> out = new ArrayList<>();
		records.values().stream().filter(r -> r.state().ended()).forEach(out::add);
		records.values().stream().filter(r -> r.state() == JobRecord.State.RUNNING).forEach(out::add);
		records.values().stream().filter(r -> r.state() == JobRecord.State.QUEUED).sorted(START_ORDER).forEach(out::add);
		return out;
	}

	public synchronized Optional<JobRecord> job(String id) {
		reload();
		return Optional.ofNullable(records.get(checkId(id)));
	}

	/** The running job's current task, e.g. {@code "densenet epoch 3: 120/400, ETA 1:23"}. */
	public synchronized Optional<String> activity(String id) {
		return Optional.ofNullable(progress.get(id)).map(MonitorProgress.Snapshot::describe);
	}

	/** The job's log file. */
	public Path log(String id) {
		return dir.resolve(checkId(id) + ".log");
	}

	public void addListener(Listener listener) {
		listeners.add(listener);
	}

	public void removeListener(Listener listener) {
		listeners.remove(listener);
	}

	/**
	 * Queues a job; it starts when a device it may use is free and no queued job of higher priority (or equal
	 * priority, submitted earlier) wants it.
	 *
	 * @throws IllegalArgumentException when it asks for a device this queue does not have
	 */
	public JobRecord submit(JobSpec spec) throws IOException {
		return submit(spec, null);
	}

	/**
	 * Queues a job that continues an ended one ({@code continues}: its id; null: none) in that job's place: before the
	 * jobs of its priority submitted after it. A run that stopped or failed and is started again does not wait behind
	 * every job queued since.
	 *
	 * @throws IllegalArgumentException when it asks for a device this queue does not have, or {@code continues} names
	 *                                  no job or one that has not ended
	 */
	public JobRecord submit(JobSpec spec, String continues) throws IOException {
		long place = 0;
		if (continues != null) {
			JobRecord before = job(continues).orElseThrow(() -> new IllegalArgumentException("no job '" + continues + "' in " + dir));
			if (!before.state().ended()) {
				throw new IllegalArgumentException("job " + continues + " is " + before.state().name().toLowerCase(java.util.Locale.ROOT)
						+ "; only a job that ended can be continued in its place");
			}
			place = before.order();
		}
		JobRecord r;
		synchronized (this) {
			if (closed) {
				throw new IllegalStateException("the job queue in " + dir + " is closed");
			}
			if (spec.device() != null && devices.stream().noneMatch(d -> d.id().equals(spec.device()))) {
				throw new IllegalArgumentException("no compute device '" + spec.device() + "'; devices: "
						+ devices.stream().map(ComputeDevice::id).toList());
			}
			r = create(spec, place, continues == null ? "queued" : "queued in the place of job " + continues);
			if (!client) {
				records.put(r.id(), r);
			}
		}
		appendLog(r.id(), "queued: nodulab " + String.join(" ", spec.command()) + ", priority " + spec.priority()
				+ (spec.device() != null ? ", device " + spec.device() : "") + (client ? " (by another process than the one running the queue)" : ""));
		if (!client) {
			fire(r);
			dispatch();
		}
		return r;
	}

	/**
	 * Writes a new job's file with the next sequence number of the folder: under a lock on {@code submit.lock} that
	 * every process takes to submit, so two processes never give out one number or one id.
	 */
	private JobRecord create(JobSpec spec, long place, String message) throws IOException {
		synchronized (JobQueue.class) {
			try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir.resolve("submit.lock"), StandardOpenOption.CREATE,
					StandardOpenOption.READ, StandardOpenOption.WRITE); java.nio.channels.FileLock lock = channel.lock()) {
				long sequence = nextSequence;
				Path counter = dir.resolve("sequence");
				if (Files.exists(counter)) {
					try {
						sequence = Math.max(sequence, Long.parseLong(Files.readString(counter).strip()));
					} catch (NumberFormatException e) {
						throw new IOException(counter + ": expected the next job's sequence number, got '" + Files.readString(counter).strip() + "'");
					}
				} else {
					try (Stream<Path> files = Files.list(dir)) { // a queue from before the counter: past its jobs
						for (Path f : files.toList()) {
							String n = f.getFileName().toString();
							if (n.endsWith(".json") && ID.matcher(n.substring(0, n.length() - 5)).matches()) {
								sequence = Math.max(sequence, Long.parseLong(n.substring(n.lastIndexOf('-') + 1, n.length() - 5)) + 1);
							}
						}
					}
				}
				long next = sequence;
				String id = LocalDateTime.now().format(ID_TIME) + "-" + next;
				JobRecord r = new JobRecord(id, next, spec, JobRecord.State.QUEUED, null, null, message, now(), null, null, place);
				AtomicFiles.create(dir.resolve(id + ".json"), out -> JSON.writeValue(out, r));
				AtomicFiles.replace(counter, out -> out.write(Long.toString(next + 1).getBytes(StandardCharsets.UTF_8)));
				nextSequence = next + 1;
				return r;
			}
		}
	}

	/**
	 * Cancels a job: a queued one never runs; a running one stops at its next batch boundary after writing a
	 * checkpoint (state {@code STOPPED}, resumable).
	 *
	 * @return false when the job has ended already
	 */
	public boolean cancel(String id) throws IOException {
		checkId(id);
		if (client) {
			JobRecord r = job(id).orElseThrow(() -> new IllegalArgumentException("no job '" + id + "' in " + dir));
			if (r.state().ended()) {
				return false;
			}
			// the process that runs the queue carries it out within a second (a running job stops at a batch boundary)
			AtomicFiles.replace(dir.resolve(id + ".cancel"), out -> out.write(now().getBytes(StandardCharsets.UTF_8)));
			return true;
		}
		JobRecord r;
		Job job;
		synchronized (this) {
			r = records.get(id);
			if (r == null) {
				throw new IllegalArgumentException("no job '" + id + "' in " + dir);
			}
			if (r.state().ended()) {
				return false;
			}
			job = jobs.get(id);
			if (job == null) {
				r = r.withEnd(JobRecord.State.CANCELLED, "cancelled before it started", now());
				records.put(id, r);
				save(r);
			}
		}
		if (job != null) {
			appendLog(id, "cancel requested: stopping at the next batch boundary");
			job.cancel();
		} else {
			appendLog(id, "cancelled before it started");
			fire(r);
		}
		return true;
	}

	/**
	 * Queues a job that continues a stopped or interrupted one from its run's last checkpoint, in its place in the queue.
	 *
	 * @throws IllegalArgumentException when the job cannot be resumed (and why)
	 */
	public JobRecord resume(String id) throws IOException {
		JobRecord r = job(id).orElseThrow(() -> new IllegalArgumentException("no job '" + id + "' in " + dir));
		if (!r.resumable()) {
			throw new IllegalArgumentException("job " + id + " is " + r.state().name().toLowerCase(java.util.Locale.ROOT)
					+ (r.runDir() == null ? " and has no run folder" : "") + "; only stopped or interrupted jobs with a run can be resumed");
		}
		return submit(new JobSpec("resume " + r.spec().title(), List.of("resume", r.runDir()), null, r.spec().device(), r.spec().priority()), id);
	}

	/** Jobs a resume job can continue (stopped or interrupted, with a run folder). */
	public synchronized List<JobRecord> resumable() {
		return records.values().stream().filter(JobRecord::resumable)
				.filter(r -> records.values().stream().noneMatch(o -> o.spec().command().equals(List.of("resume", r.runDir()))
						&& o.sequence() > r.sequence()))
				.toList();
	}

	/** Waits until no job is queued or running. */
	public synchronized boolean awaitIdle(long timeoutMillis) throws InterruptedException {
		long end = System.currentTimeMillis() + timeoutMillis;
		while (records.values().stream().anyMatch(r -> !r.state().ended())) {
			long left = end - System.currentTimeMillis();
			if (left <= 0 || (closed || held) && jobs.isEmpty()) {
				return false;
			}
			wait(left);
		}
		return true;
	}

	/** Waits until the job has ended; returns its record. */
	public synchronized JobRecord awaitEnd(String id, long timeoutMillis) throws InterruptedException {
		long end = System.currentTimeMillis() + timeoutMillis;
		while (!records.get(id).state().ended() && System.currentTimeMillis() < end) {
			wait(Math.max(1, end - System.currentTimeMillis()));
		}
		return records.get(id);
	}

	/**
	 * Stops the queue: no job starts any more; running jobs are asked to stop at a batch boundary (they end
	 * {@code STOPPED}, resumable) and waited for up to {@code timeoutMillis}. Queued jobs stay queued on disk and
	 * run when the queue is opened again.
	 */
	public void close(long timeoutMillis) throws InterruptedException {
		List<Job> running;
		synchronized (this) {
			closed = true;
			running = List.copyOf(jobs.values());
			if (watcher != null) {
				watcher.shutdownNow();
			}
		}
		if (client) {
			return;
		}
		for (Job j : running) {
			j.cancel();
		}
		long end = System.currentTimeMillis() + timeoutMillis;
		for (Job j : running) {
			long left = end - System.currentTimeMillis();
			if (left > 0) {
				j.join(left, null);
			}
		}
		try {
			lockFile.close();
		} catch (IOException e) {
			// released with the process anyway
		}
	}

	@Override
	public void close() throws InterruptedException {
		close(120_000);
	}

	private void dispatch() {
		List<Runnable> starts = new ArrayList<>();
		synchronized (this) {
			if (closed || held) {
				return;
			}
			List<JobRecord> queued = records.values().stream()
					.filter(r -> r.state() == JobRecord.State.QUEUED && !jobs.containsKey(r.id()))
					.sorted(START_ORDER).toList();
			for (JobRecord r : queued) {
				ComputeDevice device = null;
				if (needsDevice.computeIfAbsent(r.id(), id -> executor.needsDevice(r.spec()))) {
					device = devices.stream()
							.filter(d -> (r.spec().device() == null || d.id().equals(r.spec().device())) && !busy.containsKey(d.id()))
							.findFirst().orElse(null);
					if (device == null) {
						continue;
					}
					busy.put(device.id(), r.id());
				}
				starts.add(start(r, device));
			}
		}
		starts.forEach(Runnable::run);
	}

	/** Called with the lock held: records the start; the returned action schedules the Eclipse job. */
	private Runnable start(JobRecord queued, ComputeDevice device) {
		String id = queued.id();
		boolean[] executed = { false };
		Job job = new Job(queued.spec().title()) {
			@Override
			protected IStatus run(IProgressMonitor monitor) {
				executed[0] = true;
				return execute(id, device, monitor);
			}

			@Override
			public boolean belongsTo(Object family) {
				return family == FAMILY;
			}
		};
		job.setRule(device);
		job.setPriority(Job.LONG);
		job.setSystem(false);
		job.addJobChangeListener(new JobChangeAdapter() {
			@Override
			public void done(IJobChangeEvent event) {
				ended(id, device, executed[0]);
			}
		});
		jobs.put(id, job);
		JobRecord r = queued.withStart(device == null ? null : device.id(), now());
		records.put(id, r);
		saveQuietly(r);
		return () -> {
			appendLog(id, "started" + (device != null ? " on " + device : ""));
			fire(r);
			job.schedule();
		};
	}

	private IStatus execute(String id, ComputeDevice device, IProgressMonitor monitor) {
		JobRecord r = job(id).orElseThrow();
		monitor.beginTask(r.spec().title(), IProgressMonitor.UNKNOWN);
		MonitorProgress reporter = new MonitorProgress(monitor, line -> appendLog(id, line), s -> {
			JobRecord current;
			synchronized (this) {
				progress.put(id, s);
				current = records.get(id);
			}
			for (Listener l : listeners) {
				l.progress(current, s.task(), s.done(), s.total(), s.etaSeconds());
			}
		});
		JobExecutor.Context context = new JobExecutor.Context() {
			@Override
			public String jobId() {
				return id;
			}

			@Override
			public ComputeDevice device() {
				return device;
			}

			@Override
			public org.nodulab.train.Progress progress() {
				return reporter;
			}

			@Override
			public void runStarted(Path runDir) {
				JobRecord updated;
				synchronized (JobQueue.this) {
					updated = records.get(id).withRunDir(runDir.toAbsolutePath().toString());
					records.put(id, updated);
					saveQuietly(updated);
				}
				appendLog(id, "run folder " + runDir);
				fire(updated);
			}

			@Override
			public void log(String line) {
				appendLog(id, line);
			}
		};
		try {
			JobExecutor.Outcome outcome = executor.execute(r.spec(), context);
			finish(id, outcome.stopped() ? JobRecord.State.STOPPED : JobRecord.State.FINISHED, outcome.message());
			return outcome.stopped() ? Status.CANCEL_STATUS : Status.OK_STATUS;
		} catch (Throwable t) {
			StringWriter trace = new StringWriter();
			t.printStackTrace(new PrintWriter(trace));
			appendLog(id, "failed: " + trace);
			String message = t.getMessage() != null ? t.getMessage() : t.toString();
			finish(id, JobRecord.State.FAILED, message);
			return new Status(IStatus.ERROR, "org.nodulab.jobs", r.spec().title() + ": " + message, t);
		} finally {
			monitor.done();
		}
	}

	private void finish(String id, JobRecord.State state, String message) {
		JobRecord r;
		synchronized (this) {
			r = records.get(id).withEnd(state, message, now());
			records.put(id, r);
			saveQuietly(r);
		}
		appendLog(id, state.name().toLowerCase(java.util.Locale.ROOT) + ": " + message);
		fire(r);
	}

	private void ended(String id, ComputeDevice device, boolean executed) {
		if (!executed) { // cancelled while it waited for its scheduling rule
			finish(id, JobRecord.State.CANCELLED, "cancelled before it started");
		}
		synchronized (this) {
			jobs.remove(id);
			progress.remove(id);
			if (device != null) {
				busy.remove(device.id());
			}
			notifyAll();
		}
		dispatch();
	}

	private void fire(JobRecord r) {
		synchronized (this) {
			notifyAll();
		}
		for (Listener l : listeners) {
			l.changed(r);
		}
	}

	private void save(JobRecord r) throws IOException {
		AtomicFiles.replace(dir.resolve(r.id() + ".json"), out -> JSON.writeValue(out, r));
	}

	private void saveQuietly(JobRecord r) {
		try {
			save(r);
		} catch (IOException e) {
			throw new UncheckedIOException("cannot save job " + r.id() + " in " + dir, e);
		}
	}

	private void appendLog(String id, String line) {
		try {
			Files.writeString(log(id), Instant.now() + " " + line + System.lineSeparator(), StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		} catch (IOException e) {
			// the log is a convenience; the state file is what counts
		}
	}

	private static String now() {
		return Instant.now().toString();
	}
}
