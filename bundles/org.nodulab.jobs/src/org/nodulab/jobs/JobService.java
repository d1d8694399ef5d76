package org.nodulab.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nodulab.nn.BackendException;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.train.RunServices;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The job framework as a service: the executor (the headless application's commands), the devices, and the shared
 * queue (folder {@code -Dnodulab.jobs}, default {@code ~/.nodulab/jobs}) that the workbench and
 * {@code nodulab jobs} use.
 */
@Component(service = JobService.class)
public final class JobService {

	@Reference
	private RunServices runs;
	@Reference
	private JobExecutor executor;

	private JobQueue queue;

	/** The queue folder: {@code -Dnodulab.jobs}, else {@code ~/.nodulab/jobs}. */
	public static Path defaultDir() {
		String configured = System.getProperty("nodulab.jobs");
		return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".nodulab", "jobs");
	}

	/**
	 * The shared queue, opened (and restored) on first use with {@link #openOrJoin}: this process runs it, or, while
	 * another process runs it (a {@code nodulab jobs run}, a {@code campaign run}, another workbench), lists, submits
	 * and cancels beside that one.
	 */
	public synchronized JobQueue queue() throws IOException {
		if (queue == null) {
			queue = openOrJoin(defaultDir());
		}
		return queue;
	}

	/**
	 * The queue in {@code dir}, run by this process where no other process runs it; otherwise a client of the one that
	 * does ({@link JobQueue#isClient()}): its jobs run there, and what is submitted or cancelled here reaches it through
	 * the folder.
	 */
	public JobQueue openOrJoin(Path dir) throws IOException {
		JobQueue q = JobQueue.openShared(dir, executor(), devices());
		if (!q.isClient()) {
			q.release();
		}
		return q;
	}

	/** A queue in another folder (tests, a second workspace). */
	public JobQueue open(Path dir) throws IOException {
		return JobQueue.open(dir, executor(), devices());
	}

	/** The executor of jobs: the headless application's commands, in this process. */
	public JobExecutor executor() {
		return executor;
	}

	/**
	 * The devices of the installed backends (the default backend's first), each once. A backend that computes on the
	 * CPU only ({@link ComputeBackend#cpuOnly()}, the default builds) offers {@code cpu} without loading its native
	 * libraries: the workbench's UI thread, just after its first window, used to wait 1.3 s for libtorch and ND4J to
	 * load only to learn that.
	 */
	public List<ComputeDevice> devices() {
		List<ComputeDevice> out = new ArrayList<>();
		for (ComputeBackend b : runs.backends()) {
			if (b.cpuOnly()) {
				ComputeDevice cpu = new ComputeDevice("cpu", Runtime.getRuntime().availableProcessors() + " cores");
				if (!out.contains(cpu)) {
					out.add(cpu);
				}
				continue;
			}
			try {
				for (String line : b.devices()) {
					ComputeDevice d = ComputeDevice.parse(line);
					if (!out.contains(d)) {
						out.add(d);
					}
				}
			} catch (BackendException e) {
				// a backend that cannot start offers no device; its jobs fail with its own message
			}
		}
		if (out.isEmpty()) {
			out.add(new ComputeDevice("cpu", Runtime.getRuntime().availableProcessors() + " cores"));
		}
		return out;
	}

	@Deactivate
	synchronized void deactivate() throws InterruptedException {
		if (queue != null) {
			queue.close();
			queue = null;
		}
	}
}
