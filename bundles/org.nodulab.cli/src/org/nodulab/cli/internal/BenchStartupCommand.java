package org.nodulab.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nodulab bench startup}: wall-clock time of short commands in fresh processes, as a user's {@code time}
 * measures them, in the command line's headless configuration and in the product's full one, with a bare JVM's
 * start as the floor; the cases alternate, and each figure is the median.
 */
@Command(name = "startup", description = {
		"Times short commands from a fresh process each (nodulab --help, list architectures, validate, info --no-backends; with --eval-marks also eval at full scale), as `time` would: in the command line's headless configuration (the default), in the product's full one (NODULAB_CONFIGURATION=full) and through a resident process (nodulab daemon, started for the benchmark in a state folder of its own and stopped after it), alternating, with a bare JVM (java -version) as the floor; where there is a DISPLAY, also the workbench's time to its first window; with --predict and --train, how soon those commands compute their first batch from a fresh process (and, for predict, through the resident process). Prints the median and the fastest of --runs for each." })
public final class BenchStartupCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = "--runs", description = "Runs of every command in each configuration (default: ${DEFAULT-VALUE}).", defaultValue = "5")
	int runs;

	@Option(names = "--launcher", paramLabel = "FILE", description = "The nodulab launcher script (default: the one that started this command, NODULAB_LAUNCHER).")
	Path launcher;

	@Option(names = "--experiment", paramLabel = "FILE", description = "What `validate` checks (default: ${DEFAULT-VALUE}).", defaultValue = "experiments/vgg-quickstart.yaml")
	Path experiment;

	@Option(names = "--eval-marks", paramLabel = "FILE", description = "Also time `nodulab eval` on LUNA16's annotations (--luna16) with these marks, all 888 scans and 1000 bootstraps: the bench_marks.csv that `bench eval --work DIR` keeps.")
	Path evalMarks;

	@Option(names = "--luna16", paramLabel = "DIR", description = "Folder with annotations.csv, annotations_excluded.csv, seriesuids.csv for --eval-marks (default: ${DEFAULT-VALUE}).", defaultValue = "../shared/data/luna16")
	Path luna16;

	@Option(names = "--no-daemon", description = "Do not time the commands through a resident process.")
	boolean noDaemon;

	@Option(names = "--predict", arity = "2", paramLabel = "RUN CANDIDATES", description = "Also time how soon `nodulab predict RUN CANDIDATES` scores its first batch (into a scratch file), from the process's start.")
	List<Path> predict;

	@Option(names = "--train", paramLabel = "EXPERIMENT", description = "Also time how soon `nodulab train` computes its first training step on a copy of this experiment (1 epoch, its runs in a scratch folder), from the process's start.")
	Path train;

	private final Services services;

	public BenchStartupCommand(Services services) {
		this.services = services;
	}

	/** How a command is started: its configuration and whether it goes through the benchmark's daemon. */
	private record Way(String label, Map<String, String> environment) {
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		if (runs < 1) {
			throw new IllegalArgumentException("--runs must be 1 or more, got " + runs);
		}
		Path script = launcher != null ? launcher
				: System.getenv("NODULAB_LAUNCHER") != null ? Path.of(System.getenv("NODULAB_LAUNCHER")) : null;
		if (script == null || !Files.isExecutable(script)) {
			throw new IllegalArgumentException("--launcher: no executable nodulab launcher" + (script == null ? "" : " at " + script)
					+ " (run this through ./nodulab, or name it)");
		}
		Map<String, List<String>> commands = new LinkedHashMap<>();
		commands.put("nodulab --help", List.of(script.toString(), "--help"));
		commands.put("nodulab list architectures", List.of(script.toString(), "list", "architectures"));
		if (!Files.isRegularFile(experiment)) {
			out.println("  (no " + experiment + ": validate is not timed; give --experiment)");
		} else {
			// an experiment whose data are missing fails validation: timing a refusal would not be the command's start-up
			List<String> validate = List.of(script.toString(), "validate", experiment.toString());
			String refusal = refusal(validate);
			if (refusal == null) {
				commands.put("nodulab validate " + experiment, validate);
			} else {
				out.println("  (validate is not timed: " + refusal + "; give --experiment with one whose data exist)");
			}
		}
		commands.put("nodulab info --no-backends", List.of(script.toString(), "info", "--no-backends"));
		Path scratch = Files.createTempDirectory("nodulab-bench-startup-");
		try {
			if (evalMarks != null) {
				if (!Files.isRegularFile(evalMarks)) {
					throw new IllegalArgumentException("--eval-marks: no file " + evalMarks + " (bench eval --work DIR keeps DIR/bench_marks.csv)");
				}
				List<String> eval = new java.util.ArrayList<>(List.of(script.toString(), "eval"));
				for (String f : List.of("annotations.csv", "annotations_excluded.csv", "seriesuids.csv")) {
					eval.add(luna16.resolve(f).toAbsolutePath().toString());
				}
				eval.add(evalMarks.toAbsolutePath().toString());
				eval.add(OUT_FOLDER); // each run writes a new folder: results are never overwritten
				commands.put("nodulab eval (full scale, 1000 bootstraps)", eval);
			}
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			List<Way> ways = new java.util.ArrayList<>();
			ways.add(new Way("headless", Map.of("NODULAB_CONFIGURATION", "headless", "NODULAB_DAEMON", "off")));
			ways.add(new Way("full", Map.of("NODULAB_CONFIGURATION", "full", "NODULAB_DAEMON", "off")));
			Path state = scratch.resolve("state");
			if (!noDaemon) {
				ways.add(new Way("daemon", Map.of("NODULAB_CONFIGURATION", "headless", "NODULAB_DAEMON", "use", "NODULAB_STATE", state.toString())));
				String started = run(List.of(script.toString(), "daemon", "start", "--idle", "10"), ways.get(2).environment());
				// timed once warm, as a daemon started earlier in the day is
				String status = started;
				for (int i = 0; i < 120 && !status.contains("warmed up") && !status.contains("warm-up failed"); i++) {
					TimeUnit.SECONDS.sleep(1);
					status = run(List.of(script.toString(), "daemon"), ways.get(2).environment());
				}
				out.println("  " + status.lines().findFirst().orElse("").strip());
			}
			try {
				out.printf(Locale.ROOT, "bench startup: %d run(s) of each command each way (%s), alternating; %s; Java %s, %d cores%n", runs,
						String.join(", ", ways.stream().map(Way::label).toList()), script, System.getProperty("java.version"),
						Runtime.getRuntime().availableProcessors());
				int[] counter = { 0 };
				// one untimed run of each fills the page cache, writes the headless configuration and the client's class archive
				for (List<String> command : commands.values()) {
					for (Way way : ways) {
						time(command, way, scratch, counter);
					}
				}
				double[] floor = new double[runs];
				for (int i = 0; i < runs; i++) {
					floor[i] = time(List.of(java, "-version"), null, scratch, counter);
				}
				out.printf(Locale.ROOT, "  %-58s %9s %9s%n", "", "median s", "fastest s");
				out.printf(Locale.ROOT, "  %-58s %9.2f %9.2f%n", "floor: a bare JVM (java -version)", median(floor), min(floor));
				for (Map.Entry<String, List<String>> e : commands.entrySet()) {
					double[][] t = new double[ways.size()][runs];
					for (int i = 0; i < runs; i++) {
						for (int w = 0; w < ways.size(); w++) {
							t[w][i] = time(e.getValue(), ways.get(w), scratch, counter);
						}
					}
					out.printf(Locale.ROOT, "  %-58s %9.2f %9.2f%n", e.getKey(), median(t[0]), min(t[0]));
					out.printf(Locale.ROOT, "  %-58s %9.2f %9.2f   (headless %.2fx faster)%n", "  the same, every bundle (NODULAB_CONFIGURATION=full)",
							median(t[1]), min(t[1]), median(t[1]) / median(t[0]));
					if (ways.size() > 2) {
						out.printf(Locale.ROOT, "  %-58s %9.2f %9.2f   (%.1fx faster than headless)%n", "  the same, through the resident process (nodulab daemon)",
								median(t[2]), min(t[2]), median(t[0]) / median(t[2]));
					}
					out.flush();
				}
				firstCompute(script, scratch, noDaemon ? null : ways.get(2), out);
			} finally {
				if (!noDaemon) {
					run(List.of(script.toString(), "daemon", "stop"), ways.get(2).environment());
				}
			}
		} finally {
			delete(scratch);
		}
		workbench(script, out);
		return 0;
	}

	/**
	 * The workbench's time to its first window, where there is a display: {@code nodulab-workbench} beside the
	 * launcher, in a fresh state folder, closing itself once its first window is open and painted; the whole process
	 * and the JVM's own uptime at the first window (the launcher script and JVM start before it not included).
	 */
	private void workbench(Path script, PrintWriter out) throws IOException, InterruptedException {
		Path workbench = script.resolveSibling("nodulab-workbench");
		String display = System.getenv("DISPLAY");
		if (display == null || display.isBlank() || !Files.isExecutable(workbench)) {
			out.println("  (workbench not timed: " + (Files.isExecutable(workbench) ? "no DISPLAY; run under xvfb-run" : "no " + workbench) + ")");
			return;
		}
		Path state = Files.createTempDirectory("nodulab-bench-startup-");
		try {
			double[] wall = new double[runs];
			double[] window = new double[runs];
			for (int i = -1; i < runs; i++) {
				ProcessBuilder pb = new ProcessBuilder(workbench.toString()).redirectErrorStream(true);
				pb.environment().put("NODULAB_STATE", state.toString());
				pb.environment().put("NODULAB_JAVA_OPTS", (System.getenv().getOrDefault("NODULAB_JAVA_OPTS", "") + " -Dnodulab.exitAfterFirstWindow=true").trim());
				long t0 = System.nanoTime();
				Process p = pb.start();
				String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
				if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
					throw new IllegalStateException(workbench + ": did not open its window and exit: " + text.strip());
				}
				java.util.regex.Matcher m = java.util.regex.Pattern.compile("first window open ([0-9.]+) s").matcher(text);
				if (!m.find()) {
					throw new IllegalStateException(workbench + ": no 'first window open' line in its output: " + text.strip());
				}
				if (i >= 0) { // the first run (i = -1) creates the workspace and is not timed
					wall[i] = (System.nanoTime() - t0) / 1e9;
					window[i] = Double.parseDouble(m.group(1));
				}
			}
			out.printf(Locale.ROOT, "  %-46s %9.2f %9.2f%n", "nodulab-workbench to its first window (JVM)", median(window), min(window));
			out.printf(Locale.ROOT, "  %-46s %9.2f %9.2f%n", "  the whole process, opened and closed", median(wall), min(wall));
		} finally {
			delete(state);
		}
	}

	/** Null where the command exits 0, else its exit code and the first line it printed. */
	private static String refusal(List<String> command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		if (!p.waitFor(5, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new IllegalStateException(String.join(" ", command) + ": still running after 5 minutes");
		}
		if (p.exitValue() == 0) {
			return null;
		}
		String first = text.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
		return command.get(command.size() - 1) + " exits " + p.exitValue() + (first.isEmpty() ? "" : ": " + first.strip());
	}

	/**
	 * How soon {@code predict} and {@code train} compute, from a fresh process each (no daemon serves them): the
	 * seconds from the process's start to its first scored batch or training step, as the process reports them
	 * ({@link org.nodulab.train.FirstCompute}); the process is then killed (a run survives that, in a scratch folder).
	 */
	private void firstCompute(Path script, Path scratch, Way daemon, PrintWriter out) throws Exception {
		Map<String, List<String>> commands = new LinkedHashMap<>();
		if (predict != null) {
			commands.put("nodulab predict: first scored batch", List.of(script.toString(), "predict", predict.get(0).toAbsolutePath().toString(),
					predict.get(1).toAbsolutePath().toString(), "--out", OUT_FOLDER));
		}
		if (train != null) {
			org.nodulab.core.experiment.ExperimentValidator validator = services.get(org.nodulab.core.experiment.ExperimentValidator.class);
			org.nodulab.core.experiment.Experiment e = validator.load(train);
			e.dataset.path = e.resolve(e.dataset.path).toString();
			if (e.training.initFrom != null && !e.training.initFrom.isBlank()) {
				e.training.initFrom = e.resolve(e.training.initFrom).toString();
			}
			e.output.runs = scratch.resolve("runs").toString();
			e.training.epochs = 1;
			Path copy = scratch.resolve("train-" + train.getFileName());
			Files.writeString(copy, validator.codec().toYaml(e));
			validator.load(copy); // the copy must be the same experiment, valid
			commands.put("nodulab train: first training step", List.of(script.toString(), "train", copy.toString()));
		}
		if (commands.isEmpty()) {
			return;
		}
		String opts = (System.getenv().getOrDefault("NODULAB_JAVA_OPTS", "") + " -D" + org.nodulab.train.FirstCompute.PROPERTY + "=true").trim();
		// the backend's native libraries loaded on a thread of their own while the command reads its inputs (the
		// default), and, alternating with it in the same invocation, in order when the first network needs them
		List<Map<String, String>> ways = List.of(Map.of("NODULAB_DAEMON", "off", "NODULAB_JAVA_OPTS", opts),
				Map.of("NODULAB_DAEMON", "off", "NODULAB_JAVA_OPTS", opts + " -D" + org.nodulab.nn.ComputeBackend.PREPARE_IN_BACKGROUND + "=false"));
		int[] counter = { 1000 };
		out.printf(Locale.ROOT, "  %-58s %9s %9s%n", "from a fresh process each (target: 1 s)", "median s", "fastest s");
		for (Map.Entry<String, List<String>> c : commands.entrySet()) {
			double[][] t = new double[ways.size()][runs];
			for (int i = -1; i < runs; i++) { // the first run (i = -1) fills the page cache and is not counted
				for (int w = 0; w < ways.size(); w++) {
					double s = firstComputed(c.getValue().stream()
							.map(a -> a.equals(OUT_FOLDER) ? scratch.resolve("predictions-" + counter[0]++ + ".csv").toString() : a).toList(), ways.get(w));
					if (i >= 0) {
						t[w][i] = s;
					}
				}
			}
			out.printf(Locale.ROOT, "  %-58s %9.2f %9.2f%n", c.getKey(), median(t[0]), min(t[0]));
			out.printf(Locale.ROOT, "  %-58s %9.2f %9.2f%n", "  the backend loaded only when the first network needs it", median(t[1]), min(t[1]));
			out.flush();
		}
		if (predict != null && daemon != null) {
			// the resident process serves predict with libtorch loaded: the whole of a command that scores one batch
			// (the first 16 candidates, no TTA), timed from the client's start to its end, bounds its first computation
			List<String> lines = Files.readAllLines(predict.get(1).toAbsolutePath());
			Path first = scratch.resolve("first-batch.csv");
			Files.write(first, lines.subList(0, Math.min(lines.size(), 17)));
			List<String> command = List.of(script.toString(), "predict", predict.get(0).toAbsolutePath().toString(), first.toString(), "--no-tta",
					"--out", OUT_FOLDER);
			double[] t = new double[runs];
			for (int i = -1; i < runs; i++) { // the first run (i = -1) loads the run's classes in the daemon and is not counted
				double s = time(command, daemon, scratch, counter); // each run writes a new file
				if (i >= 0) {
					t[i] = s;
				}
			}
			out.printf(Locale.ROOT, "  %-58s %9.2f %9.2f%n", "nodulab predict through the daemon: one batch, whole command", median(t), min(t));
			out.flush();
		}
	}

	/** The seconds the process reports at its first computation; it is killed then. */
	private static double firstComputed(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		pb.environment().putAll(environment);
		Process p = pb.start();
		StringBuilder seen = new StringBuilder();
		try (java.io.BufferedReader in = p.inputReader(java.nio.charset.StandardCharsets.UTF_8)) {
			String line;
			while ((line = in.readLine()) != null) {
				int at = line.indexOf(org.nodulab.train.FirstCompute.PREFIX);
				if (at >= 0) {
					java.util.regex.Matcher m = java.util.regex.Pattern.compile("computed ([0-9.]+) s after").matcher(line);
					if (m.find()) {
						return Double.parseDouble(m.group(1));
					}
				}
				if (seen.length() < 4000) {
					seen.append(line).append('\n');
				}
			}
		} finally {
			p.descendants().forEach(ProcessHandle::destroyForcibly);
			p.destroyForcibly();
			p.waitFor(1, TimeUnit.MINUTES);
		}
		throw new IllegalStateException(String.join(" ", command) + ": ended (exit code " + p.exitValue()
				+ ") before its first computation:\n" + seen.toString().strip());
	}

	/** Stands for a new output folder in the command line (a fresh one in the scratch folder at each run). */
	private static final String OUT_FOLDER = "\u0000out";

	/** Seconds from starting the command to its end; its output is discarded, a failure ends the benchmark. */
	private static double time(List<String> command, Way way, Path scratch, int[] counter) throws IOException, InterruptedException {
		List<String> line = command.stream().map(a -> a.equals(OUT_FOLDER) ? scratch.resolve("out-" + counter[0]++).toString() : a).toList();
		ProcessBuilder pb = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
		if (way != null) {
			pb.environment().putAll(way.environment());
		}
		long t0 = System.nanoTime();
		Process p = pb.start();
		if (!p.waitFor(5, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new IllegalStateException(String.join(" ", line) + ": still running after 5 minutes");
		}
		double seconds = (System.nanoTime() - t0) / 1e9;
		if (p.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", line) + (way == null ? "" : " (" + way.label() + ")") + ": exit code " + p.exitValue());
		}
		return seconds;
	}

	/** What a command prints; a failure ends the benchmark with it. */
	private static String run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		pb.environment().putAll(environment);
		Process p = pb.start();
		String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
			p.destroyForcibly();
			throw new IllegalStateException(String.join(" ", command) + ": " + text.strip());
		}
		return text;
	}

	private static void delete(Path folder) throws IOException {
		try (var walk = Files.walk(folder)) {
			for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}

	private static double median(double[] v) {
		double[] s = v.clone();
		Arrays.sort(s);
		return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	}

	private static double min(double[] v) {
		return Arrays.stream(v).min().orElse(Double.NaN);
	}
}
