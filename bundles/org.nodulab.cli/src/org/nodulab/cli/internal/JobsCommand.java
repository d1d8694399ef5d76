package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobService;
import org.nodulab.jobs.JobSpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab jobs}: the job queue the workbench uses, from the command line. */
@Command(name = "jobs", description = {
		"The job queue shared with the workbench (folder -Dnodulab.jobs, default ~/.nodulab/jobs): at most one job per compute device, the others wait, highest priority first, then in submission order (a resumed job in the place of the one it continues).",
		"Without a subcommand: lists the jobs." }, subcommands = { JobsCommand.Submit.class, JobsCommand.Run.class,
				JobsCommand.Cancel.class, JobsCommand.Resume.class })
public final class JobsCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--queue", paramLabel = "DIR", description = "The queue folder (default: -Dnodulab.jobs or ~/.nodulab/jobs).")
	Path queueDir;

	public JobsCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		JobQueue queue = held(services, queueDir);
		try {
			PrintWriter out = spec.commandLine().getOut();
			// ended, running, then queued in the order they will start
			List<JobRecord> jobs = queue.jobsInOrder();
			out.printf(Locale.ROOT, "%d job(s) in %s; devices %s%s%n", jobs.size(), queue.dir(), queue.devices(),
					queue.isClient() ? "; run by another process (the workbench or 'nodulab jobs run')" : "");
			for (String problem : queue.problems()) {
				spec.commandLine().getErr().println("damaged: " + problem);
			}
			for (JobRecord r : jobs) {
				out.printf(Locale.ROOT, "%-20s %-11s %-16s prio %3d  %-6s %s%n    %s%s%n", r.id(), r.state().name().toLowerCase(Locale.ROOT),
						r.spec().kind(), r.spec().priority(), r.device() == null ? "-" : r.device(),
						r.spec().title(), r.message() == null ? "" : r.message(), r.resumable() ? "  (nodulab jobs resume " + r.id() + ")" : "");
			}
		} finally {
			queue.close(0);
		}
		return 0;
	}

	/** The queue to list, submit and cancel in, whether or not another process runs it. */
	static JobQueue held(Services services, Path dir) throws java.io.IOException {
		JobService jobs = services.get(JobService.class);
		return JobQueue.openShared(dir != null ? dir : JobService.defaultDir(), jobs.executor(), jobs.devices());
	}

	/** The queue to run: this process must hold it. */
	static JobQueue toRun(Services services, Path dir) throws java.io.IOException {
		JobService jobs = services.get(JobService.class);
		return JobQueue.openHeld(dir != null ? dir : JobService.defaultDir(), jobs.executor(), jobs.devices());
	}

	/** Something done on an open queue. */
	@FunctionalInterface
	interface QueueWork<T> {
		T on(JobQueue queue) throws Exception;
	}

	/** What the subcommands share: the services and the queue folder option. */
	abstract static class OnQueue implements Callable<Integer> {
		final Services services;

		@Spec
		CommandSpec spec;

		@Option(names = "--queue", paramLabel = "DIR", description = "The queue folder (default: -Dnodulab.jobs or ~/.nodulab/jobs).")
		Path queueDir;

		OnQueue(Services services) {
			this.services = services;
		}

		/** The queue, opened without starting jobs. */
		JobQueue held() throws java.io.IOException {
			return JobsCommand.held(services, queueDir);
		}

		/** What {@code work} returns on the queue opened without starting jobs; the queue is closed after. */
		<T> T onHeld(QueueWork<T> work) throws Exception {
			JobQueue queue = held();
			try {
				return work.on(queue);
			} finally {
				queue.close(0);
			}
		}

		/** Prints what a queued job is. */
		void queued(JobRecord r) {
			spec.commandLine().getOut().println("queued " + r.id() + ": " + r.spec().title());
		}
	}

	/** {@code nodulab jobs submit [--priority P] [--device D] [--title T] <command line...>}. */
	@Command(name = "submit", description = {
			"Queue a command line of nodulab as a job: it runs in 'nodulab jobs run' or in the workbench exactly as the command would in a terminal, with the job's progress, device and log (e.g. 'nodulab jobs submit train experiments/vgg-quickstart.yaml --epochs 3 --priority 5').",
			"The command line is checked first (usage, files, the experiment): a job that could not run is not queued. Relative paths resolve against this folder. The form of earlier versions, '<kind> <input> -o key=value', is still understood (kinds train, resume, cross_validation, predict, evaluate, ensemble)." })
	static final class Submit extends OnQueue {

		@Option(names = "--priority", defaultValue = "0", description = "Higher runs first (default: ${DEFAULT-VALUE}).")
		int priority;

		@Option(names = "--device", paramLabel = "ID", description = "cpu or cuda:<n> (default: the first free device).")
		String device;

		@Option(names = "--title", description = "What lists and the Progress view show (default: the command line).")
		String title;

		@Parameters(arity = "1..*", paramLabel = "<command>", description = "The command line without 'nodulab': train, resume, cv, predict, eval, ensemble, models delete... with their arguments.")
		List<String> command;

		@Option(names = { "-o", "--option" }, paramLabel = "KEY=VALUE", description = "The earlier form's kind options (seed, epochs; folds; candidates, out, tta; annotations, excluded, seriesuids, out, bootstrap; combiner, out).")
		Map<String, String> options = new LinkedHashMap<>();

		public Submit(Services services) {
			super(services);
		}

		@Override
		public Integer call() throws Exception {
			java.nio.file.Path here = java.nio.file.Path.of("").toAbsolutePath();
			List<String> command = this.command;
			if (!options.isEmpty() || command.size() == 2 && java.util.Set.of("cross_validation", "cross-validation", "evaluate").contains(command.get(0))) {
				// the earlier form: kind, input and -o options; the same command line as the command would take
				String input = command.get(0).equals("ensemble") ? command.get(1) : here.resolve(command.get(1)).toString();
				command = JobSpec.legacy(command.get(0).replace('-', '_'), input, options);
			}
			JobSpec job = new JobSpec(title, command, here.toString(), device, priority);
			List<String> problems = services.get(JobService.class).executor().check(job);
			if (!problems.isEmpty()) {
				problems.forEach(p -> spec.commandLine().getErr().println("nodulab jobs submit: " + p));
				return NodulabCommand.INVALID_INPUT;
			}
			queued(onHeld(queue -> queue.submit(job)));
			return 0;
		}
	}

	/** {@code nodulab jobs run}. */
	@Command(name = "run", description = "Run the queued jobs until none is left (Ctrl-C stops the running ones at a batch boundary after a checkpoint; the queued ones stay queued).")
	static final class Run extends OnQueue {

		public Run(Services services) {
			super(services);
		}

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			JobQueue queue = JobsCommand.toRun(services, queueDir);
			java.util.Map<String, JobRecord.State> seen = new java.util.concurrent.ConcurrentHashMap<>();
			queue.addListener(new JobQueue.Listener() {
				@Override
				public void changed(JobRecord r) {
					if (seen.put(r.id(), r.state()) == r.state()) {
						return; // only state changes
					}
					synchronized (out) {
						out.printf(Locale.ROOT, "%s %s: %s%n", r.id(), r.state().name().toLowerCase(Locale.ROOT), r.message());
						out.flush();
					}
				}
			});
			Thread stopper = new Thread(() -> {
				try {
					queue.close();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}, "nodulab-jobs-stop");
			Runtime.getRuntime().addShutdownHook(stopper);
			queue.release();
			queue.awaitIdle(Long.MAX_VALUE / 4);
			try {
				Runtime.getRuntime().removeShutdownHook(stopper);
			} catch (IllegalStateException e) {
				// shutting down already
			}
			queue.close();
			long failed = queue.jobs().stream().filter(r -> r.state() == JobRecord.State.FAILED).count();
			return failed > 0 ? 1 : 0;
		}
	}

	/** {@code nodulab jobs cancel <id>}. */
	@Command(name = "cancel", description = "Cancel a job: a queued one never runs; a running one stops at its next batch boundary after a checkpoint (also when the workbench or another 'nodulab jobs run' runs the queue).")
	static final class Cancel extends OnQueue {

		@Parameters(index = "0", paramLabel = "<id>")
		String id;

		public Cancel(Services services) {
			super(services);
		}

		@Override
		public Integer call() throws Exception {
			boolean[] client = { false };
			boolean done = onHeld(queue -> {
				client[0] = queue.isClient();
				return queue.cancel(id);
			});
			spec.commandLine().getOut().println(!done ? id + " has ended already"
					: client[0] ? "cancel requested for " + id + ": the process running the queue stops it (a running job at its next batch boundary)"
							: "cancelled " + id);
			return done ? 0 : 1;
		}
	}

	/** {@code nodulab jobs resume <id>}. */
	@Command(name = "resume", description = "Queue a job that continues a stopped or interrupted job's run from its last checkpoint.")
	static final class Resume extends OnQueue {

		@Parameters(index = "0", paramLabel = "<id>")
		String id;

		public Resume(Services services) {
			super(services);
		}

		@Override
		public Integer call() throws Exception {
			queued(onHeld(queue -> queue.resume(id)));
			return 0;
		}
	}
}
