package org.nodulab.jobs;

import java.util.Locale;
import java.util.function.Consumer;

import org.eclipse.core.runtime.IProgressMonitor;
import org.nodulab.train.Progress;

/**
 * A job's {@link Progress} on an Eclipse progress monitor: the current task with steps done, total and
 * the estimated time left as the sub-task (what the Progress view shows), messages to the job's log,
 * and the monitor's cancel flag as the stop request.
 */
final class MonitorProgress implements Progress {

	/** What a job is doing now. */
	record Snapshot(String task, long done, long total, double etaSeconds) {

		String describe() {
			if (total <= 0) {
				return task;
			}
			String eta = Double.isNaN(etaSeconds) ? "" : ", ETA " + duration(etaSeconds);
			return String.format(Locale.ROOT, "%s: %d/%d%s", task, done, total, eta);
		}
	}

	private static final long UPDATE_NANOS = 250_000_000L;

	private final IProgressMonitor monitor;
	private final Consumer<String> log;
	private final Consumer<Snapshot> snapshots;
	private String task = "";
	private long taskStart;
	private long lastUpdate;

	MonitorProgress(IProgressMonitor monitor, Consumer<String> log, Consumer<Snapshot> snapshots) {
		this.monitor = monitor;
		this.log = log;
		this.snapshots = snapshots;
	}

	@Override
	public void begin(String newTask, long total) {
		task = newTask;
		taskStart = System.nanoTime();
		lastUpdate = 0;
		show(new Snapshot(newTask, 0, total, Double.NaN));
	}

	@Override
	public void step(long done, long total) {
		long now = System.nanoTime();
		if (now - lastUpdate < UPDATE_NANOS && done < total) {
			return;
		}
		lastUpdate = now;
		double elapsed = (now - taskStart) / 1e9;
		double eta = done > 0 ? elapsed * (total - done) / done : Double.NaN;
		show(new Snapshot(task, done, total, eta));
		monitor.worked(1);
	}

	@Override
	public void end(String summary) {
		if (summary != null && !summary.isBlank()) {
			log.accept(task + ": " + summary + String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - taskStart) / 1e9));
		}
	}

	@Override
	public void message(String line) {
		log.accept(line);
		monitor.subTask(line);
	}

	@Override
	public boolean stopRequested() {
		return monitor.isCanceled();
	}

	private void show(Snapshot s) {
		monitor.subTask(s.describe());
		snapshots.accept(s);
	}

	static String duration(double seconds) {
		long s = Math.round(seconds);
		return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
				: String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
	}
}
