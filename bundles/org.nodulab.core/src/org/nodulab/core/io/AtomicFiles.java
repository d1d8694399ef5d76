package org.nodulab.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files atomically: the content goes to a temporary file in the same folder, is forced to disk,
 * and is then renamed into place, so a reader never sees half a file and a failure (disk full, crash)
 * leaves whatever was there before. By default an existing file is never replaced: results are
 * immutable once written.
 */
public final class AtomicFiles {

	/** Writes the content of a file. */
	@FunctionalInterface
	public interface Content {
		void writeTo(OutputStream out) throws IOException;
	}

	private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

	private AtomicFiles() {
	}

	/**
	 * Writes a new file.
	 *
	 * @throws FileAlreadyExistsException when {@code file} exists (nothing is changed)
	 */
	public static void create(Path file, Content content) throws IOException {
		write(file, content, false);
	}

	/** Writes a new text file (UTF-8). */
	public static void create(Path file, CharSequence text) throws IOException {
		create(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
	}

	/** Writes a file, replacing an existing one atomically (for files that are meant to change, e.g. a status). */
	public static void replace(Path file, Content content) throws IOException {
		write(file, content, true);
	}

	private static void write(Path file, Content content, boolean replace) throws IOException {
		Path target = file.toAbsolutePath();
		Path dir = target.getParent();
		Files.createDirectories(dir);
		if (!replace && Files.exists(target)) {
			throw new FileAlreadyExistsException(target.toString(), null, "results are never overwritten");
		}
		// not Files.createTempFile: its files are private (0600); results keep the user's umask, like any file
		Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".part");
		boolean placed = false;
		try {
			try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE,
					StandardOpenOption.CREATE_NEW)) {
				content.writeTo(out);
			}
			try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
				channel.force(true);
			}
			if (replace) {
				move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			} else {
				// a link cannot replace an existing file: two writers cannot both create it
				try {
					Files.createLink(target, tmp);
				} catch (UnsupportedOperationException | IOException e) {
					if (e instanceof FileAlreadyExistsException) {
						throw e;
					}
					if (Files.exists(target)) {
						throw new FileAlreadyExistsException(target.toString(), null, "results are never overwritten");
					}
					move(tmp, target);
				}
			}
			placed = true;
			syncFolder(dir);
		} catch (FileAlreadyExistsException e) {
			throw e;
		} catch (IOException e) {
			throw placed ? explain(target, "making durable", e)
					: explain(target, "writing", e, replace && Files.exists(target) ? "the previous " + target.getFileName() + " is intact"
							: "nothing was written");
		} finally {
			Files.deleteIfExists(tmp);
		}
	}

	/**
	 * Forces a folder's entries to disk: a rename or link is durable only once its folder is (after a power cut the
	 * file could otherwise be gone although its content was forced).
	 */
	public static void syncFolder(Path dir) throws IOException {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		} catch (IOException e) {
			// some file systems cannot open or sync a folder (they order metadata themselves): nothing more to do there
			if (!Files.isDirectory(dir)) {
				throw e;
			}
		}
	}

	/**
	 * An I/O error while writing {@code file}, in words that name the file and a cause a user can act on: a full disk,
	 * a file-size limit ({@code ulimit -f}), a read-only file system, missing permission.
	 */
	public static IOException explain(Path file, String doing, IOException e) {
		return explain(file, doing, e, null);
	}

	/** As {@link #explain(Path, String, IOException)}, adding what the failure left as it was. */
	public static IOException explain(Path file, String doing, IOException e, String consequence) {
		String m = String.valueOf(e.getMessage());
		String cause = null;
		if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
			cause = "the disk is full (" + firstLine(m) + ")";
		} else if (m.contains("File too large")) {
			cause = "the file would pass this process's file-size limit (ulimit -f) or the file system's (" + firstLine(m) + ")";
		} else if (m.contains("Read-only file system")) {
			cause = "the file system is read-only";
		} else if (e instanceof java.nio.file.AccessDeniedException || m.contains("Permission denied")) {
			cause = "permission denied";
		}
		if (cause == null) {
			if (consequence == null && m.contains(file.toString())) {
				return e;
			}
			cause = firstLine(m);
		}
		return new IOException(file + ": " + doing + " it failed: " + cause + (consequence == null ? "" : "; " + consequence), e);
	}

	private static String firstLine(String s) {
		int nl = s.indexOf('\n');
		return nl < 0 ? s : s.substring(0, nl);
	}

	private static void move(Path from, Path to, StandardCopyOption... options) throws IOException {
		StandardCopyOption[] atomic = new StandardCopyOption[options.length + 1];
		System.arraycopy(options, 0, atomic, 0, options.length);
		atomic[options.length] = StandardCopyOption.ATOMIC_MOVE;
		try {
			Files.move(from, to, atomic);
		} catch (AtomicMoveNotSupportedException e) {
			Files.move(from, to, options);
		}
	}
}
