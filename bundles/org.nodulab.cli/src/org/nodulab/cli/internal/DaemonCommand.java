package org.nodulab.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.nodulab.cli.resident.Client;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nodulab daemon start|stop|status}: the resident process that short commands run in while it is up (see
 * {@link Resident}). The launcher names its socket ({@code -Dnodulab.daemon.socket}: one per user state folder and
 * product build) and sends the short commands there.
 */
@Command(name = "daemon", description = {
		"A resident Nodulab process for short commands (--help, list, validate, info, eval, runs, dataset info, volume info) and predict: while it runs, ./nodulab sends those to it and they answer without starting a JVM and the OSGi framework, with libtorch already loaded (docs/performance.md). Started only on request; it stops after --idle minutes without a command, when the product is rebuilt, or on `nodulab daemon stop`. Training, screening, campaigns and every other command still run in a process of their own.",
		"Without a subcommand: its status." }, subcommands = { DaemonCommand.Start.class, DaemonCommand.Stop.class,
				DaemonCommand.Serve.class })
public final class DaemonCommand implements Callable<Integer> {

	/** The socket the launcher chose for this product and state folder. */
	static final String SOCKET_PROPERTY = "nodulab.daemon.socket";

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		Path socket = socket();
		String status = Client.status(socket);
		spec.commandLine().getOut().println(status == null ? "nodulab daemon: not running (" + socket + "); `nodulab daemon start` starts it"
				: "nodulab daemon: running: " + status);
		return 0;
	}

	static Path socket() {
		String socket = System.getProperty(SOCKET_PROPERTY);
		if (socket == null || socket.isBlank()) {
			throw new IllegalStateException("no daemon socket: the ./nodulab launcher names it (-D" + SOCKET_PROPERTY
					+ "); run this through ./nodulab (and not with NODULAB_CONFIGURATION=full)");
		}
		return Path.of(socket);
	}

	@Command(name = "start", description = "Starts the resident process in the background (a JVM of its own, as the launcher starts any command, detached from this terminal) and waits until it answers; its output goes to daemon.log in the logs folder.")
	static final class Start implements Callable<Integer> {
		@Spec
		CommandSpec spec;

		@Option(names = "--idle", paramLabel = "MINUTES", description = "Stop after this many minutes without a command (default: ${DEFAULT-VALUE}).", defaultValue = "60")
		int idle;

		@Option(names = "--no-warm-up", description = "Start without the warm-up (see daemon serve --help).")
		boolean noWarmUp;

		@Override
		public Integer call() throws IOException, InterruptedException {
			PrintWriter out = spec.commandLine().getOut();
			if (idle < 1) {
				throw new IllegalArgumentException("--idle must be 1 minute or more, got " + idle);
			}
			Path socket = socket();
			String status = Client.status(socket);
			if (status != null) {
				out.println("nodulab daemon: already running: " + status);
				return 0;
			}
			String launcher = System.getenv("NODULAB_LAUNCHER");
			if (launcher == null || !Files.isExecutable(Path.of(launcher))) {
				throw new IllegalStateException("no executable launcher in NODULAB_LAUNCHER" + (launcher == null ? "" : " (" + launcher + ")")
						+ ": run this through ./nodulab");
			}
			Path logs = Path.of(System.getProperty("nodulab.logs", System.getProperty("java.io.tmpdir")));
			Files.createDirectories(logs);
			Path log = logs.resolve("daemon.log");
			List<String> command = new java.util.ArrayList<>();
			if (onPath("setsid")) {
				command.add("setsid"); // its own session: closing this terminal does not stop it
			}
			command.addAll(List.of(launcher, "daemon", "serve", "--idle", Integer.toString(idle)));
			if (noWarmUp) {
				command.add("--no-warm-up");
			}
			Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true).start();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
			while (System.nanoTime() < deadline) {
				status = Client.status(socket);
				if (status != null) {
					out.println("nodulab daemon: started: " + status);
					out.println("  short commands of ./nodulab run in it now; its log: " + log);
					return 0;
				}
				if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
					break; // setsid runs the launcher in its own place: its end is the daemon's
				}
			}
			p.destroy();
			throw new IllegalStateException("the daemon did not answer on " + socket + " within 120 s; its log " + log + " ends:\n" + tail(log));
		}

		private static boolean onPath(String tool) {
			for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
				if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
					return true;
				}
			}
			return false;
		}

		private static String tail(Path log) {
			try {
				List<String> lines = Files.readAllLines(log);
				return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
			} catch (IOException e) {
				return "(unreadable: " + e.getMessage() + ")";
			}
		}
	}

	@Command(name = "stop", description = "Stops the resident process once the commands running in it end.")
	static final class Stop implements Callable<Integer> {
		@Spec
		CommandSpec spec;

		@Override
		public Integer call() throws InterruptedException {
			Path socket = socket();
			String said = Client.stop(socket);
			if (said == null) {
				spec.commandLine().getOut().println("nodulab daemon: not running (" + socket + ")");
				return 0;
			}
			// it answers, then closes its socket: wait until the socket is gone so that a start right after finds none
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (Files.exists(socket) && System.nanoTime() < deadline) {
				TimeUnit.MILLISECONDS.sleep(50);
			}
			spec.commandLine().getOut().println("nodulab daemon: " + said);
			return 0;
		}
	}

	@Command(name = "serve", description = "Runs the resident process in this terminal until it is stopped (what `daemon start` runs in the background).")
	static final class Serve implements Callable<Integer> {
		private final Services services;

		@Spec
		CommandSpec spec;

		@Option(names = "--idle", paramLabel = "MINUTES", description = "Stop after this many minutes without a command (default: ${DEFAULT-VALUE}).", defaultValue = "60")
		int idle;

		@Option(names = "--no-warm-up", description = "Do not run a few commands once at start (help, a listing, an evaluation of a generated case in a temporary folder, a few seconds in the background) that make the first commands sent to it as fast as later ones.")
		boolean noWarmUp;

		public Serve(Services services) {
			this.services = services;
		}

		@Override
		public Integer call() throws IOException, InterruptedException {
			if (idle < 1) {
				throw new IllegalArgumentException("--idle must be 1 minute or more, got " + idle);
			}
			PrintWriter out = spec.commandLine().getOut();
			org.osgi.framework.BundleContext context = services.bundleContext();
			Path watched = product();
			try (Resident resident = new Resident(services, socket(), Duration.ofMinutes(idle), watched,
					err -> org.nodulab.core.dropins.Dropins.synchronize(context).problems().forEach(p -> err.println("nodulab: drop-in " + p)))) {
				out.println(java.time.Instant.now() + " nodulab daemon: serving: " + resident.status());
				out.flush();
				if (!noWarmUp) {
					resident.note("warming up");
					Thread warmUp = Thread.ofPlatform().daemon().name("nodulab-daemon-warm-up").unstarted(() -> {
						try {
							resident.note(String.format(java.util.Locale.ROOT, "warmed up in %.1f s", WarmUp.run(services)));
						} catch (IOException | RuntimeException e) {
							resident.note("warm-up failed: " + NodulabCommand.message(e));
						}
					});
					warmUp.setPriority(Thread.MIN_PRIORITY);
					warmUp.start();
				}
				String why = resident.serve();
				out.println(java.time.Instant.now() + " nodulab daemon: stopped: " + why);
			}
			return 0;
		}

		/** The product's own list of bundles: a rebuild rewrites or removes it. */
		private static Path product() {
			String area = System.getProperty("osgi.install.area");
			if (area == null) {
				return null;
			}
			try {
				return Path.of(java.net.URI.create(area.replace(" ", "%20"))).resolve("configuration/org.eclipse.equinox.simpleconfigurator/bundles.info");
			} catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
				return null;
			}
		}
	}
}
