package org.nodulab.train;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A start-up measurement for {@code nodulab bench startup}: with {@code -Dnodulab.reportFirstCompute=true}, the
 * process's first training step and its first scored batch each print one line on standard error with the seconds
 * since the process started. The launcher replaces itself with the JVM ({@code exec}), so that is the time since the
 * command was typed, the launcher script, the JVM, OSGi, reading the inputs and loading the backend's native
 * libraries included. Without the property nothing is printed and nothing is measured.
 */
public final class FirstCompute {

	public static final String PROPERTY = "nodulab.reportFirstCompute";
	/** The start of every line printed, followed by what was computed. */
	public static final String PREFIX = "nodulab: first ";

	private static final boolean ON = Boolean.getBoolean(PROPERTY);
	private static final AtomicBoolean STEP = new AtomicBoolean();
	private static final AtomicBoolean BATCH = new AtomicBoolean();

	private FirstCompute() {
	}

	/** After a training step: the first one of the process reports. */
	public static void trainingStep() {
		report(STEP, "training step");
	}

	/** After a batch was scored: the first one of the process reports. */
	public static void scoredBatch() {
		report(BATCH, "scored batch");
	}

	private static void report(AtomicBoolean done, String what) {
		if (!ON || !done.compareAndSet(false, true)) {
			return;
		}
		Instant start = ProcessHandle.current().info().startInstant().orElse(null);
		double seconds = start != null ? Duration.between(start, Instant.now()).toNanos() / 1e9
				: java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
		System.err.printf(Locale.ROOT, "%s%s computed %.2f s after the process started%n", PREFIX, what, seconds);
		System.err.flush();
	}
}
