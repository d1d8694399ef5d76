package org.nodulab.volume.supplier.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * PixelMed writes its warnings straight to {@code System.err} (its logging shim finds no SLF4J in the bundle). While a
 * thread reads a file through PixelMed ({@link #during}), what that thread writes to {@code System.err} goes to
 * {@code dicom.log} in Nodulab's log folder ({@code -Dnodulab.logs}, the launchers' {@code $NODULAB_STATE/logs};
 * default {@code ~/.nodulab/logs}) with the file it was reading, not to the user's terminal. Everything else written
 * to {@code System.err} passes through unchanged. The log is bounded: once it holds {@link #maxBytes()} it becomes
 * {@code dicom.log.1} (replacing the one before) and a new one starts, so reading many damaged series (a screening
 * queue, a fuzzer) keeps at most twice that on disk.
 */
final class PixelMedOutput {

	/** Reads one file through PixelMed. */
	interface Read<T> {
		T run() throws IOException;
	}

	private static final ThreadLocal<Path> READING = new ThreadLocal<>();
	/** The System.err this class put in place; replaced again when someone else has replaced it since. */
	private static volatile PrintStream router;

	private PixelMedOutput() {
	}

	static <T> T during(Path file, Read<T> read) throws IOException {
		install();
		Path previous = READING.get();
		READING.set(file);
		try {
			return read.run();
		} finally {
			READING.set(previous);
		}
	}

	/** Default size at which the log is rotated: 16 MiB. */
	static final long DEFAULT_MAX_BYTES = 16L << 20;

	/** Size at which the log is rotated ({@code -Dnodulab.logs.maxBytes}, at least 4 KiB; default 16 MiB). */
	static long maxBytes() {
		try {
			return Math.max(4096, Long.parseLong(System.getProperty("nodulab.logs.maxBytes", Long.toString(DEFAULT_MAX_BYTES)).trim()));
		} catch (NumberFormatException e) {
			return DEFAULT_MAX_BYTES;
		}
	}

	/** The log file PixelMed's output goes to. */
	static Path log() {
		String folder = System.getProperty("nodulab.logs");
		return (folder == null || folder.isBlank() ? Path.of(System.getProperty("user.home"), ".nodulab", "logs") : Path.of(folder))
				.resolve("dicom.log");
	}

	private static synchronized void install() {
		if (System.err == router) {
			return;
		}
		PrintStream terminal = System.err;
		router = new PrintStream(new OutputStream() {
			@Override
			public void write(int b) throws IOException {
				write(new byte[] { (byte) b }, 0, 1);
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				Path file = READING.get();
				if (file == null) {
					terminal.write(b, off, len);
					return;
				}
				toLog(file, new String(b, off, len, StandardCharsets.UTF_8));
			}

			@Override
			public void flush() {
				terminal.flush();
			}
		}, true, StandardCharsets.UTF_8);
		System.setErr(router);
	}

	private static synchronized void toLog(Path file, String text) {
		if (text.isBlank()) {
			return;
		}
		try {
			Path log = log();
			Files.createDirectories(log.getParent());
			String line = Instant.now() + " PixelMed reading " + file + ": " + text.strip() + "\n";
			if (Files.exists(log) && Files.size(log) + line.length() > maxBytes()) {
				Files.move(log, log.resolveSibling(log.getFileName() + ".1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			}
			Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		} catch (IOException | RuntimeException e) {
			// the log is not writable: PixelMed's remarks are dropped rather than mixed into the command's output
		}
	}
}
