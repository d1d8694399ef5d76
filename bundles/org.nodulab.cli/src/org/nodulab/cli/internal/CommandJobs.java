package org.nodulab.cli.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.nodulab.jobs.JobExecutor;
import org.nodulab.jobs.JobSpec;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import picocli.CommandLine;

/**
 * The job queue's executor: a job is a command line of the headless application, run here, in-process, by the same
 * command classes as in a terminal, with the job's progress (its cancel is the command's stop request), device and
 * log. So {@code nodulab train x.yaml}, the workbench's Run and a queued job are one code path; a new kind of work is
 * one new command. A command's output goes to the job's log; its last line is the job's result.
 */
@Component(service = JobExecutor.class)
public final class CommandJobs implements JobExecutor {

	private Services services;

	@Activate
	void activate(BundleContext context) {
		services = new Services(context);
	}

	@Deactivate
	void deactivate() {
		services.close();
	}

	@Override
	public Outcome execute(JobSpec spec, Context context) throws Exception {
		List<String> errors = new ArrayList<>();
		List<String> printed = new ArrayList<>();
		try (PrintStream out = lines(line -> {
			context.log(line);
			if (!line.isBlank()) {
				printed.add(line.strip().replaceAll("\\s+", " "));
			}
		}); PrintStream err = lines(line -> {
			context.log("error: " + line);
			errors.add(line);
		})) {
			Services job = services.forJob(context, spec.directory() == null ? null : java.nio.file.Path.of(spec.directory()));
			int code = NodulabCommand.run(job, spec.command().toArray(String[]::new), out, err);
			out.close();
			err.close();
			String result = job.result() != null ? job.result() : result(printed);
			if (code == 0) {
				return new Outcome(false, result);
			}
			if (code == NodulabCommand.STOPPED) {
				return new Outcome(true, "stopped after a checkpoint; " + result);
			}
			throw new JobFailedException("nodulab " + String.join(" ", spec.command()) + " failed (exit code " + code + "): "
					+ (errors.isEmpty() ? result : String.join("; ", errors)));
		}
	}

	@Override
	public boolean needsDevice(JobSpec spec) {
		try {
			return NodulabCommand.parse(services, spec.command().toArray(String[]::new)) instanceof DeviceWork;
		} catch (CommandLine.ParameterException e) {
			return false; // it will fail with its usage message, without a device
		}
	}

	@Override
	public List<String> check(JobSpec spec) {
		return check(spec.directory() == null ? services : services.in(java.nio.file.Path.of(spec.directory())), spec.command());
	}

	private static List<String> check(Services services, List<String> command) {
		Object parsed;
		try {
			parsed = NodulabCommand.parse(services, command.toArray(String[]::new));
		} catch (CommandLine.ParameterException e) {
			return List.of(e.getMessage());
		}
		if (parsed instanceof NodulabCommand || parsed instanceof CommandLine.HelpCommand) {
			return List.of("'" + String.join(" ", command) + "' names no command that does work");
		}
		if (parsed instanceof Checked checked) {
			try {
				return checked.check();
			} catch (Exception e) {
				return List.of(NodulabCommand.message(e));
			}
		}
		return List.of();
	}

	/** What the command printed (its summary; progress went to the job's monitor), as one line of at most 600 characters. */
	private static String result(List<String> printed) {
		String all = String.join("; ", printed);
		return all.length() <= 600 ? all : "..." + all.substring(all.length() - 597);
	}

	/** A job whose command failed; the message is the command's error output. */
	static final class JobFailedException extends Exception {
		private static final long serialVersionUID = 1L;

		JobFailedException(String message) {
			super(message);
		}
	}

	/** A print stream that hands each complete line to {@code sink}. */
	private static PrintStream lines(Consumer<String> sink) {
		return new PrintStream(new OutputStream() {
			private final ByteArrayOutputStream line = new ByteArrayOutputStream();

			@Override
			public synchronized void write(int b) {
				if (b == '\n') {
					flushLine();
				} else if (b != '\r') {
					line.write(b);
				}
			}

			@Override
			public synchronized void flush() {
				// a partial line waits for its end (or close)
			}

			@Override
			public synchronized void close() {
				flushLine();
			}

			private void flushLine() {
				if (line.size() > 0) {
					sink.accept(line.toString(StandardCharsets.UTF_8));
					line.reset();
				}
			}
		}, true, StandardCharsets.UTF_8);
	}
}
