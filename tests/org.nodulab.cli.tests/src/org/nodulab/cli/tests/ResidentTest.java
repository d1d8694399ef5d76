package org.nodulab.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.cli.internal.Resident;
import org.nodulab.cli.internal.Services;
import org.nodulab.cli.resident.Client;
import org.osgi.framework.FrameworkUtil;

/**
 * The resident process ({@code nodulab daemon}) and its client, over a real Unix-domain socket: a command runs there as
 * it runs in a process of its own (relative paths against the client's folder, output on the right stream, the exit
 * code), and a client without a daemon steps aside without printing.
 */
class ResidentTest {

	private static Services services;

	@BeforeAll
	static void open() {
		services = new Services(FrameworkUtil.getBundle(ResidentTest.class).getBundleContext());
	}

	@AfterAll
	static void close() {
		services.close();
	}

	record Answer(int code, String out, String err) {
	}

	/** Serves on a thread of its own (not the common pool, which the commands' parallel work uses). */
	static java.util.concurrent.Future<String> serve(Resident resident) {
		java.util.concurrent.FutureTask<String> task = new java.util.concurrent.FutureTask<>(resident::serve);
		Thread.ofPlatform().name("resident-test-daemon").start(task);
		return task;
	}

	static Answer run(Path socket, Path folder, String... args) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Client.run(socket, Client.RUN, folder.toString(), "UTF-8", List.of(args), out, err);
		return new Answer(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void aCommandRunsInTheDaemonAsInAProcessOfItsOwn(@TempDir Path dir) throws Exception {
		Path socket = dir.resolve("d.sock");
		Path work = Files.createDirectories(dir.resolve("work"));
		Resident resident = new Resident(services, socket, Duration.ofMinutes(5), null, err -> {
		});
		java.util.concurrent.Future<String> served = serve(resident);
		try {
			// relative output folder: the client's, not the daemon's
			String[] eval = { "eval", EvalCommandsTest.ref("annotations.csv"), EvalCommandsTest.ref("annotations_excluded.csv"),
					EvalCommandsTest.ref("seriesuids.csv"), EvalCommandsTest.ref("results_example.csv"), "out", "--bootstrap-indices",
					EvalCommandsTest.ref("out_seeded/bootstrap_indices_seed12345.txt") };
			Answer a = run(socket, work, eval);
			assertEquals(0, a.code(), a.err());
			assertTrue(a.out().contains("CPM: 0.4464"), a.out());
			assertEquals(Files.readString(EvalCommandsTest.REFERENCE.resolve("out_seeded/froc_results_example_bootstrapping.csv")),
					Files.readString(work.resolve("out/froc_results_example_bootstrapping.csv")));
			assertFalse(Files.exists(Path.of("out/froc_results_example_bootstrapping.csv").toAbsolutePath()), "written in the daemon's folder");

			// a refusal: exit code 1, its message on standard error only, nothing overwritten
			long before = Files.getLastModifiedTime(work.resolve("out/CADAnalysis.txt")).toMillis();
			Answer again = run(socket, work, eval);
			assertEquals(1, again.code());
			assertTrue(again.err().contains("CADAnalysis.txt") && again.err().contains("never overwritten"), again.err());
			assertEquals("", again.out());
			assertEquals(before, Files.getLastModifiedTime(work.resolve("out/CADAnalysis.txt")).toMillis());

			// a usage error: the same code and words as in a process of its own
			Answer usage = run(socket, work, "list", "nonsense");
			CommandLineTest.open();
			CommandLineTest.Result direct;
			try {
				direct = CommandLineTest.run("list", "nonsense");
			} finally {
				CommandLineTest.close();
			}
			assertEquals(direct.code(), usage.code());
			assertEquals(direct.err(), usage.err());
			assertEquals(direct.out(), usage.out());

			// help text, large enough to take several frames
			Answer help = run(socket, work, "--help");
			assertEquals(0, help.code(), help.err());
			assertTrue(help.out().startsWith("Usage: nodulab"), help.out());
			assertTrue(help.out().contains("daemon"), help.out());

			String status = Client.status(socket);
			assertTrue(status != null && status.contains("4 command(s) served"), status);
		} finally {
			String said = Client.stop(socket);
			assertTrue(said != null && said.startsWith("stopping"), said);
			assertEquals("stopped by `nodulab daemon stop`", served.get(30, TimeUnit.SECONDS));
		}
		assertFalse(Files.exists(socket), "a stopped daemon removes its socket");
		assertNull(Client.status(socket));
		assertEquals(Client.NOT_SERVED, run(socket, work, "--help").code());
	}

	@Test
	void withoutADaemonTheClientStepsAsideAndClearsAStaleSocket(@TempDir Path dir) throws Exception {
		Path socket = dir.resolve("stale.sock");
		try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			killed.bind(UnixDomainSocketAddress.of(socket)); // a daemon killed with -9 leaves its file
		}
		assertTrue(Files.exists(socket));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertEquals(Client.NOT_SERVED, Client.run(socket, Client.RUN, dir.toString(), "UTF-8", List.of("--help"), out, out));
		assertEquals(0, out.size(), "nothing printed: the launcher runs the command itself");
		assertFalse(Files.exists(socket), "the stale socket is removed");
		assertEquals(Client.NOT_SERVED, Client.run(socket, Client.RUN, dir.toString(), "UTF-8", List.of("--help"), out, out));
	}

	@Test
	void oneDaemonPerSocketAndTheSocketPathLimitIsNamed(@TempDir Path dir) throws Exception {
		Path socket = dir.resolve("d.sock");
		// the client's class-data archives: an earlier build's (no socket beside it) goes, a live one's stays
		Files.writeString(dir.resolve("d-1-2-client.jsa"), "old build");
		Files.writeString(dir.resolve("d-3-4-client.jsa"), "another product's");
		Files.writeString(dir.resolve("d-3-4.sock"), "");
		try (Resident first = new Resident(services, socket, Duration.ofMinutes(5), null, err -> {
		})) {
			java.util.concurrent.Future<String> served = serve(first);
			IOException twice = assertThrows(IOException.class, () -> new Resident(services, socket, Duration.ofMinutes(5), null, err -> {
			}));
			assertTrue(twice.getMessage().contains("a daemon runs there already"), twice.getMessage());
			assertFalse(Files.exists(dir.resolve("d-1-2-client.jsa")));
			assertTrue(Files.exists(dir.resolve("d-3-4-client.jsa")));
			Client.stop(socket);
			served.get(30, TimeUnit.SECONDS);
		}
		Path deep = dir.resolve("x".repeat(110) + ".sock");
		IOException tooLong = assertThrows(IOException.class, () -> new Resident(services, deep, Duration.ofMinutes(5), null, err -> {
		}));
		assertTrue(tooLong.getMessage().contains("at most 107 bytes") && tooLong.getMessage().contains("NODULAB_STATE"), tooLong.getMessage());
	}

	@Test
	void aDaemonStopsWhenItsSocketIsRemoved(@TempDir Path dir) throws Exception {
		Path socket = dir.resolve("d.sock");
		try (Resident resident = new Resident(services, socket, Duration.ofMinutes(5), null, err -> {
		})) {
			java.util.concurrent.Future<String> served = serve(resident);
			Files.delete(socket);
			String why = served.get(30, TimeUnit.SECONDS);
			assertTrue(why.contains("was removed or replaced"), why);
		}
	}
}
