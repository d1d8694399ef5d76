package org.nodulab.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.cli.internal.NodulabCommand;
import org.nodulab.cli.internal.Services;
import org.osgi.framework.FrameworkUtil;

/** The nodulab subcommands as a user runs them, inside OSGi with the product's bundles. */
class CommandLineTest {

	static final Path EXPERIMENTS = Path.of("../../experiments");

	private static Services services;

	record Result(int code, String out, String err) {
	}

	@BeforeAll
	static void open() {
		services = new Services(FrameworkUtil.getBundle(CommandLineTest.class).getBundleContext());
	}

	@AfterAll
	static void close() {
		services.close();
	}

	/** The services {@link #run} runs commands with (for a resident process in a test). */
	static Services services() {
		return services;
	}

	static Result run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = NodulabCommand.run(services, args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	/**
	 * A command line builds the model of the one subcommand it names (picocli's reflection over all of them took 0.2 s
	 * of every start); no arguments, --help, help and a misspelt name get every subcommand, in the listed order.
	 */
	@Test
	void onlyTheSubcommandACommandLineNamesIsBuilt() {
		java.util.List<String> all = java.util.List.of("info", "list", "validate", "volume", "dataset", "synth", "detect",
				"screen", "demo", "train", "cv", "resume", "predict", "runs", "models", "eval", "ensemble", "jobs", "campaign",
				"new", "bench", "daemon", "help");
		assertEquals(all, java.util.List.copyOf(NodulabCommand.commandLine(services, new String[] { "--help" }).getSubcommands().keySet()));
		assertEquals(all, java.util.List.copyOf(NodulabCommand.commandLine(services, new String[0]).getSubcommands().keySet()));
		assertEquals(all, java.util.List.copyOf(NodulabCommand.commandLine(services, new String[] { "help", "train" }).getSubcommands().keySet()));
		assertEquals(all, java.util.List.copyOf(NodulabCommand.commandLine(services, new String[] { "trian" }).getSubcommands().keySet()));
		assertEquals(java.util.List.of("validate"),
				java.util.List.copyOf(NodulabCommand.commandLine(services, new String[] { "validate", "x.yaml" }).getSubcommands().keySet()));
		assertEquals(java.util.List.of("jobs"), java.util.List.copyOf(
				NodulabCommand.commandLine(services, new String[] { "jobs", "submit", "train", "x.yaml" }).getSubcommands().keySet()));

		Result help = run("--help");
		assertEquals(0, help.code(), help.err());
		int at = -1;
		for (String name : all) {
			int next = help.out().indexOf("\n  " + name + " ");
			assertTrue(next > at, name + " listed after the one before it in\n" + help.out());
			at = next;
		}
		Result typo = run("trian", "x.yaml");
		assertEquals(2, typo.code(), typo.err());
		assertTrue(typo.err().contains("Did you mean") && typo.err().contains("train"), typo.err());
		Result trainHelp = run("help", "train");
		assertEquals(0, trainHelp.code(), trainHelp.err());
		assertTrue(trainHelp.out().startsWith("Usage: nodulab train"), trainHelp.out());
	}

	@Test
	void infoPrintsTheNd4jBackendAndEveryContribution() {
		Result r = run("info");
		assertEquals(0, r.code(), r.err());
		String out = r.out();
		assertTrue(out.contains("dl4j: Deeplearning4j 1.0.0-M2.1"), out);
		assertTrue(out.contains("nd4j backend             org.nd4j.linalg.cpu.nativecpu.CpuBackend"), out);
		assertTrue(out.contains("devices                  cpu ("), out);
		assertTrue(out.contains("architectures (Network architectures, org.nodulab.nn.architectures): 11"), out);
		assertTrue(out.contains("windows (HU windows, org.nodulab.volume.windows): 3"), out);
		assertTrue(out.contains("augmentations (Augmentations, org.nodulab.augment.augmentations): 6"), out);
		assertTrue(out.contains("combiners (Ensemble combiners, org.nodulab.eval.combiners): 3"), out);
		assertTrue(out.contains("evaluators (Evaluators, org.nodulab.eval.evaluators)"), out);
		assertTrue(out.contains("readers (Volume readers, org.nodulab.volume.readers)"), out);
		assertTrue(out.contains("detectors (Candidate detectors, org.nodulab.detect.detectors): 1"), out);
		for (String id : new String[] { "vgg", "lung", "lung-wide", "mediastinum", "rotate90", "translate", "flip",
				"mean", "weighted", "max", "blob" }) {
			assertTrue(out.lines().anyMatch(l -> l.trim().startsWith(id + " ")), id + " missing in\n" + out);
		}
	}

	@Test
	void listShowsOneKindAndRejectsUnknownKinds() {
		Result windows = run("list", "windows");
		assertEquals(0, windows.code(), windows.err());
		assertEquals(3, windows.out().lines().count(), windows.out());
		assertTrue(windows.out().startsWith("lung "), windows.out());

		Result verbose = run("list", "architectures", "--verbose");
		assertTrue(verbose.out().contains("default settings:"), verbose.out());
		assertTrue(verbose.out().contains("convsPerStage: 2"), verbose.out());

		Result unknown = run("list", "losses");
		assertEquals(1, unknown.code());
		assertEquals("nodulab list: unknown extension point 'losses'; known: architectures, augmentations, combiners, "
				+ "detectors, evaluators, executors, readers, windows, writers", unknown.err().trim());
	}

	@Test
	void validateRejectsABrokenExperimentWithPreciseMessages(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("broken.yaml");
		Files.writeString(file, """
				name: broken
				dataset:
				  path: data
				architectures:
				  - id: vgg
				    settings:
				      filters: [16, 0]
				training:
				  batchSize: big
				""");
		Result r = run("validate", file.toString());
		assertEquals(1, r.code());
		assertEquals("2 problems in " + file + ":\n" + file
				+ ":7: architectures[0].settings.filters[1]: must be between 1 and 1024, got 0\n" + file
				+ ":9: training.batchSize: expected a whole number, got 'big'", r.err().trim());
	}

	@Test
	void usageErrorsExitWithTwo() {
		Result r = run("validate");
		assertEquals(2, r.code());
		assertTrue(r.err().contains("Missing required parameter: '<experiment.yaml>'"), r.err());
		assertEquals(2, run("frobnicate").code());
		assertEquals(0, run("--version").code());
	}
}
