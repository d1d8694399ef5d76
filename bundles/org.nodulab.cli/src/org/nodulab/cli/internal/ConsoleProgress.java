package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.nodulab.train.Progress;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long commands: progress bars with ETA (the progressbar library) when standard error is a
 * terminal, plain progress lines (every 10% or 30 s, with ETA) otherwise. Ctrl-C asks the job to stop
 * at the next batch boundary after writing a checkpoint; a second Ctrl-C ends the process at once.
 */
final class ConsoleProgress implements Progress {

	private final PrintWriter out;
	private final boolean terminal;
	private final AtomicBoolean stop = new AtomicBoolean();
	private ProgressBar bar;
	private String task;
	private long started;
	private long lastLine;
	private int lastDecile;

	ConsoleProgress(PrintWriter out) {
		this.out = out;
		this.terminal = isTerminal() && !Boolean.getBoolean("nodulab.plainProgress");
		installInterruptHandler();
	}

	@Override
	public synchronized void begin(String name, long total) {
		closeBar();
		task = name;
		started = System.nanoTime();
		lastLine = started;
		lastDecile = 0;
		if (terminal && total > 1) {
			bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
					.setUpdateIntervalMillis(500).setMaxRenderedLength(110)
					.setConsumer(new ConsoleProgressBarConsumer(System.err)).showSpeed().build();
		}
	}

	@Override
	public synchronized void step(long done, long total) {
		if (bar != null) {
			bar.maxHint(total);
			bar.stepTo(done);
			return;
		}
		if (task == null || total <= 1) {
			return;
		}
		long now = System.nanoTime();
		int decile = (int) (done * 10 / total);
		// short tasks only report their end; long ones every 10% or 30 s
		if (now - started > 10e9 && (decile > lastDecile || now - lastLine > 30e9)) {
			lastDecile = decile;
			lastLine = now;
			double elapsed = (now - started) / 1e9;
			long eta = done > 0 ? (long) (elapsed / done * (total - done)) : 0;
			out.printf(Locale.ROOT, "  %s: %d/%d (%d%%), %s elapsed, ETA %s%n", task, done, total, done * 100 / total,
					format(elapsed), format(eta));
			out.flush();
		}
	}

	@Override
	public synchronized void end(String summary) {
		closeBar();
		if (task != null && summary != null && !summary.isEmpty()) {
			out.printf(Locale.ROOT, "  %s: %s (%s)%n", task, summary, format((System.nanoTime() - started) / 1e9));
			out.flush();
		}
		task = null;
	}

	@Override
	public synchronized void message(String line) {
		closeBar();
		out.println(line);
		out.flush();
	}

	@Override
	public boolean stopRequested() {
		return stop.get();
	}

	private void closeBar() {
		if (bar != null) {
			bar.close();
			bar = null;
		}
	}

	private static String format(double seconds) {
		Duration d = Duration.ofSeconds(Math.round(seconds));
		return d.toHours() > 0 ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
				: String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
	}

	/** Whether standard input and output are a terminal (Console.isTerminal from Java 22; null console before). */
	private static boolean isTerminal() {
		java.io.Console console = System.console();
		if (console == null) {
			return false;
		}
		try {
			return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
		} catch (ReflectiveOperationException e) {
			return true;
		}
	}

	/** SIGINT: first a stop request, then an immediate exit (through the JDK's sun.misc.Signal, when present). */
	private void installInterruptHandler() {
		try {
			ClassLoader platform = ClassLoader.getPlatformClassLoader();
			Class<?> signalClass = Class.forName("sun.misc.Signal", true, platform);
			Class<?> handlerClass = Class.forName("sun.misc.SignalHandler", true, platform);
			Object signal = signalClass.getConstructor(String.class).newInstance("INT");
			Object handler = Proxy.newProxyInstance(platform, new Class<?>[] { handlerClass }, (proxy, method, args) -> {
				if (method.getName().equals("handle")) {
					if (stop.getAndSet(true)) {
						System.err.println("\nsecond interrupt: exiting now (the last checkpoint is intact)");
						Runtime.getRuntime().halt(130);
					}
					System.err.println("\ninterrupt: stopping at the next batch boundary after writing a checkpoint (Ctrl-C again to quit now)");
					return null;
				}
				return method.getName().equals("hashCode") ? System.identityHashCode(proxy)
						: method.getName().equals("equals") ? proxy == args[0] : "nodulab interrupt handler";
			});
			signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
		} catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
			// no sun.misc.Signal: Ctrl-C ends the process; the last checkpoint stays intact
		}
	}
}
