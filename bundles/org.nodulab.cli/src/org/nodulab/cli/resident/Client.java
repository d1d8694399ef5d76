package org.nodulab.cli.resident;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's side of the resident process ({@code nodulab daemon start}): sends a command line and the
 * folder it was typed in over the daemon's Unix-domain socket, copies what the command prints to this process's
 * standard output and error, and exits with the command's exit code. The launcher runs it for short commands while a
 * daemon is running; it uses nothing but the JDK, so it starts in a plain JVM from this bundle's jar, without OSGi.
 *
 * <p>
 * Usage: {@code java -cp org.nodulab.cli.jar org.nodulab.cli.resident.Client SOCKET ARGS...}. Exit code
 * {@value #NOT_SERVED}: no daemon answers on SOCKET (nothing was printed; the launcher then starts the command in a
 * JVM of its own). A socket left by a daemon that was killed is removed, so later commands do not try it again.
 *
 * <p>
 * The protocol (version {@value #VERSION}): the client writes {@code int MAGIC, int VERSION, byte request} and, for a
 * command, {@code string folder, string stdoutCharset, int n, n x string argument} (a string is an {@code int} length
 * and that many UTF-8 bytes); the daemon answers frames {@code byte kind, int length, bytes}: {@link #OUT} and
 * {@link #ERR} carry printed bytes, {@link #EXIT} ends the answer with a 4-byte exit code. Closing the connection
 * before {@link #EXIT} stops the command (its thread is interrupted), as Ctrl-C stops one in a terminal.
 */
public final class Client {

	public static final int MAGIC = 0x4e444c52; // "NDLR"
	public static final int VERSION = 1;
	/** Exit code when no daemon answers: the launcher runs the command in a fresh JVM instead. */
	public static final int NOT_SERVED = 222;

	/** Requests. */
	public static final byte RUN = 'R', STATUS = 'P', STOP = 'S';
	/** Answer frames. */
	public static final byte OUT = 'O', ERR = 'E', EXIT = 'X';

	private Client() {
	}

	public static void main(String[] args) {
		if (args.length < 1) {
			System.err.println("usage: Client SOCKET ARGS...");
			System.exit(2);
		}
		Path socket = Path.of(args[0]);
		List<String> command = List.of(args).subList(1, args.length);
		OutputStream out = new FileOutputStream(FileDescriptor.out);
		OutputStream err = new FileOutputStream(FileDescriptor.err);
		String charset = System.getProperty("stdout.encoding", java.nio.charset.Charset.defaultCharset().name());
		int code;
		try {
			code = run(socket, RUN, Path.of("").toAbsolutePath().toString(), charset, command, out, err);
		} catch (IOException e) {
			code = 1;
			System.err.println("nodulab: the resident process at " + socket + " stopped answering during the command: " + e.getMessage()
					+ " (its log is in the logs folder, daemon-*.log; `nodulab daemon stop` and `nodulab daemon start` restart it)");
		}
		System.exit(code);
	}

	/**
	 * Sends a request and copies its answer. Returns the daemon's exit code, or {@link #NOT_SERVED} when no daemon
	 * listens on the socket (a stale socket file is then removed).
	 *
	 * @throws IOException when the daemon accepted the request and then stopped answering before its exit code
	 */
	public static int run(Path socket, byte request, String folder, String charset, List<String> command, OutputStream out,
			OutputStream err) throws IOException {
		SocketChannel channel;
		try {
			channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		} catch (UnsupportedOperationException e) {
			return NOT_SERVED;
		}
		try (channel) {
			try {
				channel.connect(UnixDomainSocketAddress.of(socket));
			} catch (IOException e) {
				if (Files.exists(socket) && !Files.isDirectory(socket) && e instanceof java.net.ConnectException) {
					try {
						Files.deleteIfExists(socket); // nobody listens: a daemon that was killed left it
					} catch (IOException ignored) {
						// another user's, or a read-only folder: it is tried again next time, harmlessly
					}
				}
				return NOT_SERVED;
			}
			DataOutputStream message = new DataOutputStream(new java.io.BufferedOutputStream(Channels.newOutputStream(channel)));
			message.writeInt(MAGIC);
			message.writeInt(VERSION);
			message.writeByte(request);
			if (request == RUN) {
				writeString(message, folder);
				writeString(message, charset);
				message.writeInt(command.size());
				for (String a : command) {
					writeString(message, a);
				}
			}
			message.flush();
			DataInputStream answer = new DataInputStream(new java.io.BufferedInputStream(Channels.newInputStream(channel)));
			while (true) {
				byte kind;
				int length;
				try {
					kind = answer.readByte();
					length = answer.readInt();
				} catch (EOFException e) {
					throw new IOException("the connection closed before the command's exit code");
				}
				if (length < 0 || length > (1 << 24)) {
					throw new IOException("a frame of " + length + " bytes (the daemon speaks another protocol)");
				}
				byte[] bytes = answer.readNBytes(length);
				if (bytes.length != length) {
					throw new IOException("the connection closed in the middle of a frame");
				}
				switch (kind) {
				case OUT -> {
					out.write(bytes);
					out.flush();
				}
				case ERR -> {
					err.write(bytes);
					err.flush();
				}
				case EXIT -> {
					if (length != 4) {
						throw new IOException("an exit frame of " + length + " bytes");
					}
					return java.nio.ByteBuffer.wrap(bytes).getInt();
				}
				default -> throw new IOException("an unknown frame kind " + kind + " (the daemon speaks another protocol)");
				}
			}
		}
	}

	/** The daemon's status line, or null when no daemon answers on the socket. */
	public static String status(Path socket) {
		return request(socket, STATUS);
	}

	/** Asks the daemon to stop once its running commands end; returns what it said, or null when none answers. */
	public static String stop(Path socket) {
		return request(socket, STOP);
	}

	private static String request(Path socket, byte kind) {
		java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
		try {
			int code = run(socket, kind, "", "UTF-8", new ArrayList<>(), text, text);
			return code == NOT_SERVED ? null : text.toString(StandardCharsets.UTF_8).strip();
		} catch (IOException e) {
			return null;
		}
	}

	public static void writeString(DataOutputStream out, String s) throws IOException {
		byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	/** A string of at most {@code max} bytes. */
	public static String readString(DataInputStream in, int max) throws IOException {
		int length = in.readInt();
		if (length < 0 || length > max) {
			throw new IOException("a string of " + length + " bytes (at most " + max + " expected)");
		}
		byte[] bytes = in.readNBytes(length);
		if (bytes.length != length) {
			throw new EOFException("the request ended in the middle of a string");
		}
		return new String(bytes, StandardCharsets.UTF_8);
	}
}
