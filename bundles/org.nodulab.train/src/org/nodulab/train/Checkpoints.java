package org.nodulab.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.nodulab.nn.TrainableNetwork;

/**
 * A run's model checkpoints: written to a temporary file, hashed while written, forced to disk and
 * linked under a name that carries the hash (never replacing a file), then made read-only and listed
 * in {@code checkpoints.csv}. Loading verifies the hash. Deleting is explicit and recorded in
 * {@code deletions.csv}. Models are named {@code <run>/<model>@<epoch>}.
 */
public final class Checkpoints {

	/**
	 * One checkpoint: the state after {@code epoch} complete epochs and {@code batch} batches of the next.
	 *
	 * @param correct training samples of the epoch so far the network classified right during its steps (-1: the
	 *            backend does not report it, or an earlier version wrote the checkpoint)
	 */
	public record Checkpoint(String model, int round, int epoch, int batch, double lossSum, long samples, Path file,
			String sha256, long bytes, String time, long correct) {

		/** Whether it ends an epoch (not a stop in the middle of one). */
		public boolean atEpochEnd() {
			return batch == 0;
		}

		public String name() {
			return model + "@" + epoch + (batch == 0 ? "" : "+" + batch);
		}
	}

	static final List<String> COLUMNS = List.of("model", "round", "epoch", "batch", "loss_sum", "samples", "file", "sha256",
			"bytes", "time", "correct");

	private final Path runDir;
	private final AppendOnlyCsv index;
	private final AppendOnlyCsv deletions;

	Checkpoints(Path runDir) {
		this.runDir = runDir;
		this.index = new AppendOnlyCsv(runDir.resolve("checkpoints.csv"), COLUMNS);
		this.deletions = new AppendOnlyCsv(runDir.resolve("deletions.csv"), List.of("checkpoint", "file", "sha256", "reason", "time"));
	}

	/**
	 * Writes a checkpoint. On failure (disk full) the partial file is removed, earlier checkpoints are
	 * untouched, and the exception says so.
	 */
	public Checkpoint write(String model, int round, int epoch, int batch, double lossSum, long samples, long correct,
			TrainableNetwork net) throws IOException {
		for (Checkpoint existing : list()) {
			if (existing.model().equals(model) && existing.epoch() == epoch && existing.batch() == batch) {
				throw new IOException("checkpoint " + existing.name() + " exists already (" + existing.file()
						+ "); checkpoints are never overwritten");
			}
		}
		Path dir = runDir.resolve("checkpoints").resolve(model);
		Files.createDirectories(dir);
		String stem = String.format(Locale.ROOT, "e%03d-b%05d", epoch, batch);
		Path tmp = dir.resolve("." + stem + "." + System.nanoTime() + ".part");
		MessageDigest sha = sha256();
		long bytes;
		try {
			try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW), sha)) {
				net.save(out);
			}
			try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
				channel.force(true);
			}
			bytes = Files.size(tmp);
			String hash = HexFormat.of().formatHex(sha.digest());
			Path target = dir.resolve(stem + "-" + hash.substring(0, 12) + ".zip");
			if (Files.exists(target)) {
				// written before a crash that came before its line in the index: the same bytes again are fine
				if (!HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(target))).equals(hash)) {
					throw new FileAlreadyExistsException(target.toString());
				}
			} else {
				Files.createLink(target, tmp); // fails when it exists: never replaced
				target.toFile().setWritable(false, false);
				org.nodulab.core.io.AtomicFiles.syncFolder(dir);
			}
			Checkpoint c = new Checkpoint(model, round, epoch, batch, lossSum, samples, target, hash, bytes,
					Instant.now().toString(), correct);
			index.append(List.of(model, round, epoch, batch, Double.toString(lossSum), samples,
					runDir.relativize(target).toString(), hash, bytes, c.time(), correct));
			return c;
		} catch (FileAlreadyExistsException e) {
			throw new IOException("checkpoint " + model + "@" + epoch + " exists already (" + e.getFile()
					+ "); checkpoints are never overwritten", e);
		} catch (IOException | RuntimeException e) {
			Optional<Checkpoint> previous = latest(model);
			throw new IOException("could not write the checkpoint of " + model + " after epoch " + epoch
					+ (batch > 0 ? " batch " + batch : "") + " (" + e.getMessage() + "); "
					+ previous.map(p -> "the previous checkpoint " + p.file() + " is intact").orElse("no earlier checkpoint of this model exists"),
					e);
		} finally {
			Files.deleteIfExists(tmp);
		}
	}

	/** Every listed checkpoint whose file is still there, in writing order. */
	public List<Checkpoint> list() throws IOException {
		List<Checkpoint> out = new ArrayList<>();
		Path csv = index.file();
		for (AppendOnlyCsv.Row r : index.rows()) {
			Path file = inside(csv, r.line(), "file", r.get("file"));
			String sha = r.get("sha256");
			if (sha == null || !sha.matches("[0-9a-f]{64}")) {
				throw new IOException(csv + ":" + r.line() + ": sha256: expected 64 hexadecimal digits, got '" + sha + "'");
			}
			String model = r.get("model");
			if (model == null || !model.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
				throw new IOException(csv + ":" + r.line() + ": model: expected a model name (letters, digits, . _ -), got '" + model + "'");
			}
			Checkpoint c = new Checkpoint(model, r.integer(csv, "round"), r.integer(csv, "epoch"), r.integer(csv, "batch"),
					r.number(csv, "loss_sum", false), r.whole(csv, "samples"), file, sha, r.whole(csv, "bytes"), r.get("time"),
					r.get("correct").isEmpty() ? -1 : r.whole(csv, "correct"));
			if (Files.exists(file)) {
				out.add(c);
			}
		}
		return out;
	}

	/**
	 * A path read from a file of the run, resolved in the run's {@code checkpoints/} folder: a path that leads anywhere
	 * else (absolute, {@code ..}, a link out of the run) is an error naming the file, the line and the field, so that
	 * nothing read from a run folder makes a command read, change or delete a file outside it.
	 */
	Path inside(Path source, long line, String field, String relative) throws IOException {
		Path root = runDir.resolve("checkpoints");
		if (relative == null || relative.isBlank()) {
			throw new IOException(source + ":" + line + ": " + field + ": empty; expected a file below " + root);
		}
		Path file;
		try {
			file = runDir.resolve(relative).normalize();
		} catch (java.nio.file.InvalidPathException e) {
			throw new IOException(source + ":" + line + ": " + field + ": not a path: '" + relative + "'");
		}
		boolean outside = Path.of(relative).isAbsolute() || !file.startsWith(root);
		if (!outside && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
			Path real = file.toRealPath();
			outside = !real.startsWith(root.toRealPath()) || Files.isSymbolicLink(file);
		}
		if (outside) {
			throw new IOException(source + ":" + line + ": " + field + ": '" + relative + "' is not a file below " + root
					+ "; a run's files never lead outside its folder (refused)");
		}
		return file;
	}

	/** The model's last checkpoint. */
	public Optional<Checkpoint> latest(String model) throws IOException {
		Checkpoint last = null;
		for (Checkpoint c : list()) {
			if (c.model().equals(model)) {
				last = c;
			}
		}
		return Optional.ofNullable(last);
	}

	/** The model's checkpoint at the end of {@code epoch}. */
	public Optional<Checkpoint> atEpoch(String model, int epoch) throws IOException {
		return list().stream().filter(c -> c.model().equals(model) && c.epoch() == epoch && c.atEpochEnd()).findFirst();
	}

	/** Opens a checkpoint after checking its size and hash. */
	public static InputStream openVerified(Checkpoint c) throws IOException {
		byte[] data = Files.readAllBytes(c.file());
		String hash = HexFormat.of().formatHex(sha256().digest(data));
		if (data.length != c.bytes() || !hash.equals(c.sha256())) {
			throw new IOException("checkpoint " + c.file() + " is damaged: sha256 " + hash + ", " + data.length
					+ " bytes; recorded " + c.sha256() + ", " + c.bytes() + " bytes");
		}
		return new java.io.ByteArrayInputStream(data);
	}

	/** Deletes a checkpoint file and records who asked and why. */
	public void delete(Checkpoint c, String reason) throws IOException {
		if (reason == null || reason.isBlank()) {
			throw new IllegalArgumentException("deleting a model needs a reason; it is recorded in " + deletions.file());
		}
		if (!c.file().normalize().startsWith(runDir.resolve("checkpoints")) || Files.isSymbolicLink(c.file())
				|| !c.file().toRealPath().startsWith(runDir.resolve("checkpoints").toRealPath())) {
			throw new IOException(c.file() + " is not a checkpoint below " + runDir.resolve("checkpoints") + ": refused to delete it");
		}
		deletions.append(List.of(c.name(), runDir.relativize(c.file()).toString(), c.sha256(), reason, Instant.now().toString()));
		c.file().toFile().setWritable(true, true);
		Files.delete(c.file());
	}

	/** The recorded deletions. */
	public List<Map<String, String>> deletions() throws IOException {
		return deletions.read();
	}

	/** The SHA-256 of a file's content, in lower-case hexadecimal (read in a stream, whatever its size). */
	public static String sha256(Path file) throws IOException {
		MessageDigest digest = sha256();
		try (java.io.InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
			in.transferTo(java.io.OutputStream.nullOutputStream());
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
