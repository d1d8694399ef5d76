package org.nodulab.cli.internal;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.nodulab.cli.resident.Client;

/**
 * The resident process behind {@code nodulab daemon start}: an already started OSGi framework that runs short
 * commands for {@link Client}s connecting to its Unix-domain socket, so that those commands skip the JVM's start,
 * Equinox's resolution and the JIT's warm-up. Each command runs exactly as in a fresh process, with the same command
 * classes, through {@link NodulabCommand#run}: its relative paths resolve against the client's folder (as a queued
 * job's resolve against its submitter's), what it prints goes back to the client, and its exit code becomes the
 * client's. Commands run concurrently, one thread each; a client that disconnects (Ctrl-C) interrupts its command.
 *
 * <p>
 * The daemon ends after {@code idle} without a command, on {@link Client#STOP} (once the running commands end), or
 * when its socket file is removed or its product's configuration changes (a rebuilt product).
 */
public final class Resident implements AutoCloseable {

	/** Longest path a Unix-domain socket address may have on Linux ({@code sun_path} is 108 bytes with its NUL). */
	static final int MAX_SOCKET_PATH = 107;
	private static final int MAX_ARGUMENTS = 10_000;
	private static final int MAX_STRING = 1 << 20;

	private final Services services;
	private final Path socket;
	private final Duration idle;
	/** A file whose modification marks a new product (its configuration's bundle list), or null. */
	private final Path watched;
	private final java.util.function.Consumer<PrintStream> beforeCommand;
	private final ServerSocketChannel server;
	private final Object socketKey;
	private final long watchedStamp;
	private final Instant started = Instant.now();
	private final AtomicLong served = new AtomicLong();
	private final Set<Thread> running = ConcurrentHashMap.newKeySet();
	private volatile long lastActivity = System.nanoTime();
	private volatile String stopReason;
	/** What the status adds (the warm-up's progress), or null. */
	private volatile String note;
	private final Thread shutdownHook = new Thread(this::removeSocket, "nodulab-daemon-socket");

	/**
	 * Binds the socket (its folder made private to this user).
	 *
	 * @param beforeCommand run before each command, one at a time, with the command's error stream (the drop-ins folder
	 *            is synchronized)
	 * @throws IOException when the socket cannot be bound, naming it
	 */
	public Resident(Services services, Path socket, Duration idle, Path watched, java.util.function.Consumer<PrintStream> beforeCommand) throws IOException {
		this.services = services;
		this.socket = socket.toAbsolutePath();
		this.idle = idle;
		this.watched = watched;
		this.beforeCommand = beforeCommand;
		int length = this.socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
		if (length > MAX_SOCKET_PATH) {
			throw new IOException(this.socket + ": a socket's path may have at most " + MAX_SOCKET_PATH + " bytes, this one has " + length
					+ " (set NODULAB_STATE to a shorter folder)");
		}
		Path folder = this.socket.getParent();
		Files.createDirectories(folder);
		try {
			Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
		} catch (UnsupportedOperationException | IOException e) {
			// a folder of someone else's or a file system without modes: the socket's own mode below still applies
		}
		removeOthersClientArchives(folder);
		String already = Client.status(this.socket); // removes the file of a daemon that was killed
		if (already != null) {
			throw new IOException(this.socket + ": a daemon runs there already (" + already + ")");
		}
		server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		// Bound under a name of its own first and linked to the socket's name only once it listens: a client that
		// connects to a socket file between the bind and the listen is refused, takes the file for a killed daemon's and
		// removes it (a 'daemon start' polling for the new daemon did, on a loaded machine). The link also fails where
		// another daemon took the name meanwhile, as the bind did. The name is shorter than the socket's.
		Path bound = folder.resolve("t" + ProcessHandle.current().pid());
		try {
			Files.deleteIfExists(bound); // a daemon of this pid that was killed
			server.bind(UnixDomainSocketAddress.of(bound));
			Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
			try {
				Files.createLink(this.socket, bound);
			} catch (java.nio.file.FileAlreadyExistsException e) {
				throw new IOException("a daemon runs there already (or started meanwhile)", e);
			}
			socketKey = Files.readAttributes(this.socket, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
		} catch (IOException e) {
			server.close();
			throw new IOException(this.socket + ": cannot listen: " + e.getMessage(), e);
		} finally {
			Files.deleteIfExists(bound);
		}
		watchedStamp = stamp(watched);
		// a daemon ended by a signal (kill, the machine's shutdown) leaves no socket behind
		Runtime.getRuntime().addShutdownHook(shutdownHook);
	}

	/**
	 * Removes the class-data archives the launcher's client wrote for earlier product builds ({@code d-*-client.jsa}
	 * beside no socket): one per build would otherwise pile up.
	 */
	private void removeOthersClientArchives(Path folder) {
		String own = this.socket.getFileName().toString().replaceFirst("\\.sock$", "-client.jsa");
		try (var list = Files.list(folder)) {
			for (Path p : list.toList()) {
				String name = p.getFileName().toString();
				if (name.startsWith("d-") && name.endsWith("-client.jsa") && !name.equals(own)
						&& !Files.exists(p.resolveSibling(name.replaceFirst("-client\\.jsa$", ".sock")))) {
					Files.deleteIfExists(p);
				}
			}
		} catch (IOException e) {
			// tidying only
		}
	}

	/** Serves until stopped, idle or orphaned; returns why it stopped. */
	public String serve() throws InterruptedException {
		Thread watchdog = Thread.ofPlatform().daemon().name("nodulab-daemon-watchdog").start(this::watch);
		try {
			while (stopReason == null) {
				SocketChannel channel;
				try {
					channel = server.accept();
				} catch (ClosedChannelException e) {
					break;
				} catch (IOException e) {
					if (stopReason != null) {
						break;
					}
					throw new IllegalStateException(socket + ": cannot accept: " + e.getMessage(), e);
				}
				lastActivity = System.nanoTime();
				Thread.ofPlatform().name("nodulab-daemon-command").start(() -> answer(channel));
			}
		} finally {
			watchdog.interrupt();
			close();
		}
		// the running commands end first (a stop request waits for them, as a terminal would)
		for (Thread t : List.copyOf(running)) {
			t.join();
		}
		return stopReason == null ? "closed" : stopReason;
	}

	private void watch() {
		try {
			while (stopReason == null) {
				TimeUnit.SECONDS.sleep(2);
				if (!running.isEmpty()) {
					lastActivity = System.nanoTime();
				}
				Object key = null;
				try {
					key = Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
				} catch (IOException e) {
					// removed
				}
				if (key == null || !key.equals(socketKey)) {
					stop("its socket " + socket + " was removed or replaced");
				} else if (watched != null && stamp(watched) != watchedStamp) {
					stop("its product changed (" + watched + ")");
				} else if (System.nanoTime() - lastActivity > idle.toNanos()) {
					stop("idle for " + idle.toMinutes() + " min");
				}
			}
		} catch (InterruptedException e) {
			// serve() ended
		}
	}

	private void stop(String why) {
		if (stopReason == null) {
			stopReason = why;
		}
		try {
			server.close();
		} catch (IOException e) {
			// closing
		}
	}

	private static long stamp(Path file) {
		try {
			return file == null ? 0 : Files.getLastModifiedTime(file).toMillis() ^ Files.size(file);
		} catch (IOException e) {
			return -1;
		}
	}

	/** One client's request, on its own thread. */
	private void answer(SocketChannel channel) {
		Thread self = Thread.currentThread();
		running.add(self);
		try (channel) {
			DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Channels.newInputStream(channel)));
			Frames frames = new Frames(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 14));
			if (in.readInt() != Client.MAGIC || in.readInt() != Client.VERSION) {
				frames.write(Client.ERR, ("nodulab: this daemon speaks protocol " + Client.VERSION + " (a client of another version)\n")
						.getBytes(java.nio.charset.StandardCharsets.UTF_8));
				frames.exit(2);
				return;
			}
			byte request = in.readByte();
			switch (request) {
			case Client.STATUS -> {
				frames.write(Client.OUT, (status() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
				frames.exit(0);
			}
			case Client.STOP -> {
				int others = running.size() - 1;
				frames.write(Client.OUT, ("stopping" + (others > 0 ? " once its " + others + " running command(s) end" : "") + "\n")
						.getBytes(java.nio.charset.StandardCharsets.UTF_8));
				frames.exit(0);
				stop("stopped by `nodulab daemon stop`");
			}
			case Client.RUN -> run(in, frames, channel);
			default -> {
				frames.write(Client.ERR, ("nodulab: unknown daemon request " + request + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
				frames.exit(2);
			}
			}
		} catch (IOException e) {
			// the client went away: nothing to answer
		} finally {
			running.remove(self);
			lastActivity = System.nanoTime();
		}
	}

	private void run(DataInputStream in, Frames frames, SocketChannel channel) throws IOException {
		Path folder = Path.of(Client.readString(in, MAX_STRING));
		String charsetName = Client.readString(in, 256);
		int n = in.readInt();
		if (n < 0 || n > MAX_ARGUMENTS) {
			throw new IOException("a command line of " + n + " arguments");
		}
		List<String> args = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			args.add(Client.readString(in, MAX_STRING));
		}
		if (!folder.isAbsolute() || !Files.isDirectory(folder)) {
			frames.write(Client.ERR, ("nodulab: the daemon cannot run a command from '" + folder + "': not a folder it can see\n")
					.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			frames.exit(1);
			return;
		}
		Charset charset;
		try {
			charset = Charset.forName(charsetName);
		} catch (IllegalArgumentException e) {
			charset = java.nio.charset.StandardCharsets.UTF_8;
		}
		// the client closing its end (Ctrl-C) interrupts the command, which stops as it would in a terminal
		Thread command = Thread.currentThread();
		Thread.ofPlatform().daemon().name("nodulab-daemon-hangup").start(() -> {
			try {
				while (in.read() >= 0) {
					// a client sends nothing more
				}
			} catch (IOException e) {
				// closed
			}
			if (!frames.done) {
				command.interrupt();
			}
		});
		int code;
		try (PrintStream out = new PrintStream(frames.stream(Client.OUT), true, charset);
				PrintStream err = new PrintStream(frames.stream(Client.ERR), true, charset)) {
			synchronized (beforeCommand) {
				beforeCommand.accept(err);
			}
			try {
				code = NodulabCommand.run(services.in(folder), args.toArray(String[]::new), out, err);
			} catch (RuntimeException | LinkageError e) {
				err.println("nodulab: " + NodulabCommand.message(e));
				code = 1;
			}
			out.flush();
			err.flush();
		}
		served.incrementAndGet();
		Thread.interrupted(); // an interrupt that came as the command ended is not the next frame's
		frames.exit(code); // then the connection closes, which ends the hang-up thread
	}

	public String status() {
		Duration up = Duration.between(started, Instant.now());
		return String.format(java.util.Locale.ROOT, "pid %d, up %dh%02dm, %d command(s) served, %d running, stops after %d min idle%s; socket %s",
				ProcessHandle.current().pid(), up.toHours(), up.toMinutesPart(), served.get(), running.size() - (running.contains(Thread.currentThread()) ? 1 : 0), idle.toMinutes(),
				note == null ? "" : ", " + note, socket);
	}

	/** Sets what the status adds. */
	public void note(String text) {
		note = text;
	}

	@Override
	public void close() {
		stop(stopReason == null ? "closed" : stopReason);
		removeSocket();
		try {
			Runtime.getRuntime().removeShutdownHook(shutdownHook);
		} catch (IllegalStateException e) {
			// the JVM is shutting down: the hook runs anyway
		}
	}

	private void removeSocket() {
		try {
			Object key = Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
			if (key != null && key.equals(socketKey)) {
				Files.deleteIfExists(socket);
			}
		} catch (IOException e) {
			// gone already
		}
	}

	/** The answer's frames, written whole by one thread at a time. */
	private static final class Frames {
		private final DataOutputStream out;
		volatile boolean done;

		Frames(OutputStream out) {
			this.out = new DataOutputStream(out);
		}

		synchronized void write(byte kind, byte[] bytes) throws IOException {
			write(kind, bytes, 0, bytes.length);
		}

		synchronized void write(byte kind, byte[] bytes, int offset, int length) throws IOException {
			out.writeByte(kind);
			out.writeInt(length);
			out.write(bytes, offset, length);
			out.flush();
		}

		synchronized void exit(int code) throws IOException {
			done = true;
			out.writeByte(Client.EXIT);
			out.writeInt(4);
			out.writeInt(code);
			out.flush();
		}

		/** A stream whose every flush (and every 8 KiB) is one frame of this kind. */
		OutputStream stream(byte kind) {
			return new BufferedOutputStream(new OutputStream() {
				@Override
				public void write(int b) throws IOException {
					write(new byte[] { (byte) b }, 0, 1);
				}

				@Override
				public void write(byte[] b, int off, int len) throws IOException {
					if (len > 0) {
						Frames.this.write(kind, b, off, len);
					}
				}
			}, 1 << 13);
		}
	}
}
