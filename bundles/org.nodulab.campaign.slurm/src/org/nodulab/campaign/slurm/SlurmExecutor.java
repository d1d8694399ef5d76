package org.nodulab.campaign.slurm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.nodulab.campaign.CampaignExecutor;
import org.nodulab.campaign.CampaignFolder;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.train.RunDirectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code slurm} executor: one {@code sbatch --array} job per submission, one task per run, each task running
 * {@code nodulab campaign task <folder> <run>} on a node (the product and the campaign folder on a filesystem the nodes
 * share). {@code --requeue}: a preempted or requeued task starts again and resumes its run from the last checkpoint.
 * State comes from {@code squeue} (accounting through {@code sacct} is optional on clusters) and from the files each
 * task leaves: its run, its log ({@code executor/slurm/logs/<job>_<task>.log}) and its exit code
 * ({@code executor/slurm/exit/<run>}), so a failed task is reported with the tail of its log and never blocks the
 * others.
 */
public final class SlurmExecutor implements CampaignExecutor<SlurmSettings> {

	private static final long COMMAND_SECONDS = 120;

	private static SlurmSettings settings(Context c) {
		return c.settings() instanceof SlurmSettings s ? s : new SlurmSettings();
	}

	@Override
	public List<String> check(Context context) {
		List<String> problems = new ArrayList<>(checkTools(System.getenv("PATH")));
		if (context.launcher().isEmpty()) {
			problems.add("no nodulab launcher to run on the nodes: set the executor setting 'command' (-o command=/shared/nodulab/nodulab)");
		} else if (!context.launcher().get(0).contains("/") || !Files.isExecutable(Path.of(context.launcher().get(0)))) {
			problems.add("the launcher '" + context.launcher().get(0) + "' is not an executable file here; the nodes need it at the same path (set 'command')");
		}
		return problems;
	}

	/** What is missing of sbatch, squeue and scancel on this search path. */
	public static List<String> checkTools(String path) {
		List<String> problems = new ArrayList<>();
		for (String tool : List.of("sbatch", "squeue", "scancel")) {
			if (onPath(tool, path) == null) {
				problems.add("no '" + tool + "' on the PATH (" + path
						+ "): run on a machine with Slurm's client commands (Debian: slurm-client) that can reach the cluster");
			}
		}
		return problems;
	}

	static Path onPath(String tool, String path) {
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			if (!dir.isEmpty()) {
				Path p = Path.of(dir, tool);
				if (Files.isExecutable(p)) {
					return p;
				}
			}
		}
		return null;
	}

	/**
	 * One array job per wave: runs that fine-tune another run of this submission (a variant's {@code from}) go into a
	 * later array that starts after the previous one has ended ({@code --dependency=afterany}); each such task checks
	 * itself that its source finished.
	 */
	@Override
	public void submit(Context context, List<String> runIds) throws Exception {
		Map<String, Integer> depth = new LinkedHashMap<>();
		for (String id : runIds) {
			depth(id, context, runIds, depth);
		}
		int waves = depth.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
		String previous = null;
		for (int w = 0; w < waves; w++) {
			int wave = w;
			List<String> ids = runIds.stream().filter(id -> depth.get(id) == wave).toList();
			if (!ids.isEmpty()) {
				previous = submitArray(context, ids, previous);
			}
		}
	}

	private static int depth(String id, Context context, List<String> runIds, Map<String, Integer> depth) {
		Integer known = depth.get(id);
		if (known != null) {
			return known;
		}
		depth.put(id, 0); // a cycle (refused when the campaign is read) cannot recurse for ever
		String after = context.folder().after(id);
		int d = after != null && runIds.contains(after) ? depth(after, context, runIds, depth) + 1 : 0;
		depth.put(id, d);
		return d;
	}

	private String submitArray(Context context, List<String> runIds, String afterJob) throws Exception {
		SlurmSettings s = settings(context);
		Path state = context.stateDir();
		Files.createDirectories(state.resolve("logs"));
		int n = submissions(context).size();
		String stem = String.format(java.util.Locale.ROOT, "array-%03d", n + 1);
		for (int k = n + 2; Files.exists(state.resolve(stem + ".sh")); k++) {
			stem = String.format(java.util.Locale.ROOT, "array-%03d", k);
		}
		Path tasks = state.resolve(stem + ".tasks");
		AtomicFiles.create(tasks, String.join("\n", runIds) + "\n");
		Path script = state.resolve(stem + ".sh");
		AtomicFiles.create(script, script(context, s, runIds.size(), tasks));
		List<String> command = new ArrayList<>(List.of("sbatch", "--parsable"));
		if (afterJob != null) {
			command.add("--dependency=afterany:" + afterJob);
		}
		command.add(script.toString());
		String output = execute(command, context.folder().dir());
		String job = output.strip().lines().reduce((a, b) -> b).orElse("").split(";")[0].strip();
		if (!job.matches("\\d+")) {
			throw new IOException("'" + String.join(" ", command) + "' gave no job id; its output: " + output.strip());
		}
		ObjectNode record = CampaignFolder.JSON.createObjectNode();
		record.put("job", job);
		record.put("script", script.toString());
		record.put("tasks", tasks.toString());
		record.set("runs", CampaignFolder.JSON.valueToTree(runIds));
		record.put("submitted", Instant.now().toString());
		if (afterJob != null) {
			record.put("afterJob", afterJob);
		}
		record.set("command", CampaignFolder.JSON.valueToTree(command));
		ArrayNode all = submissions(context);
		all.add(record);
		AtomicFiles.replace(state.resolve("submissions.json"), out -> CampaignFolder.JSON.writerWithDefaultPrettyPrinter().writeValue(out, all));
		context.out().printf("submitted Slurm array job %s: %d task(s)%s, script %s, logs %s%n", job, runIds.size(),
				afterJob == null ? "" : " (starts after job " + afterJob + ": they fine-tune its runs' models)", script, state.resolve("logs"));
		for (int i = 0; i < runIds.size(); i++) {
			context.out().printf("  %s_%d  %s%n", job, i, runIds.get(i));
		}
		return job;
	}

	/** The batch script of one submission. */
	public static String script(Context context, SlurmSettings s, int count, Path tasks) {
		Path state = context.stateDir();
		StringBuilder b = new StringBuilder("#!/bin/bash\n");
		b.append("# Written by Nodulab for the campaign ").append(context.folder().name()).append(": one array task per run, listed in\n# ")
				.append(tasks).append(" (line = task index + 1).\n");
		List<String> options = new ArrayList<>();
		options.add("--job-name=nodulab-" + context.folder().name());
		options.add("--array=0-" + (count - 1) + (s.maxParallel > 0 ? "%" + s.maxParallel : ""));
		options.add("--output=" + state.resolve("logs") + "/%A_%a.log");
		options.add("--open-mode=append");
		options.add("--requeue");
		options.add("--cpus-per-task=" + s.cpus);
		if (blank(s.mem) == null) {
			options.add("--mem=" + s.mem);
		}
		if (blank(s.partition) == null) {
			options.add("--partition=" + s.partition);
		}
		if (blank(s.account) == null) {
			options.add("--account=" + s.account);
		}
		if (blank(s.qos) == null) {
			options.add("--qos=" + s.qos);
		}
		if (blank(s.time) == null) {
			options.add("--time=" + s.time);
		}
		if (blank(s.gres) == null) {
			options.add("--gres=" + s.gres);
		} else if (s.gpus > 0) {
			options.add("--gres=gpu:" + s.gpus);
		}
		if (s.extra != null) {
			options.addAll(s.extra);
		}
		for (String o : options) {
			b.append("#SBATCH ").append(o).append('\n');
		}
		String exitDir = state.resolve("exit").toString();
		b.append("set -u\n");
		b.append("run=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" ").append(q(tasks.toString())).append(")\n");
		b.append("echo \"nodulab campaign task $run on $(hostname) as ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, restart ${SLURM_RESTART_COUNT:-0}, $(date -u +%FT%TZ)\"\n");
		// the JVM (and so libtorch's and the data pipeline's threads) sees the task's cores, not the node's
		b.append("if [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then export NODULAB_JAVA_OPTS=\"${NODULAB_JAVA_OPTS:-} -XX:ActiveProcessorCount=$SLURM_CPUS_PER_TASK\"; fi\n");
		StringBuilder launcher = new StringBuilder();
		for (String part : context.launcher()) {
			launcher.append(q(part)).append(' ');
		}
		b.append(launcher).append("campaign task ").append(q(context.folder().dir().toString())).append(" \"$run\"\n");
		b.append("rc=$?\n");
		b.append("mkdir -p \"$(dirname ").append(q(exitDir)).append("/\"$run\")\"\n");
		b.append("printf '%s %s %s\\n' \"$rc\" \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\" \"$(date -u +%FT%TZ)\" > ").append(q(exitDir))
				.append("/\"$run.part\" && mv -f ").append(q(exitDir)).append("/\"$run.part\" ").append(q(exitDir)).append("/\"$run\"\n");
		b.append("echo \"task ended with exit code $rc\"\n");
		b.append("exit $rc\n");
		return b.toString();
	}

	private static String blank(String s) {
		return s == null || s.isBlank() ? "" : null;
	}

	/** Single-quoted for bash. */
	static String q(String s) {
		return "'" + s.replace("'", "'\\''") + "'";
	}

	@Override
	public Map<String, State> active(Context context) throws Exception {
		Map<String, State> out = new LinkedHashMap<>();
		ArrayNode subs = submissions(context);
		if (subs.isEmpty()) {
			return out;
		}
		Map<String, List<String>> runsOf = new LinkedHashMap<>();
		for (JsonNode s : subs) {
			List<String> runs = new ArrayList<>();
			s.path("runs").forEach(r -> runs.add(r.asText()));
			runsOf.put(s.path("job").asText(), runs);
		}
		String output = execute(List.of("squeue", "--noheader", "--array", "--format=%F|%K|%T", "--jobs=" + String.join(",", runsOf.keySet())),
				context.folder().dir(), true);
		for (String line : output.lines().toList()) {
			String[] f = line.strip().split("\\|");
			if (f.length != 3 || !runsOf.containsKey(f[0]) || !f[1].matches("\\d+")) {
				continue;
			}
			List<String> runs = runsOf.get(f[0]);
			int index = Integer.parseInt(f[1]);
			if (index < runs.size()) {
				State st = f[2].equals("RUNNING") || f[2].equals("COMPLETING") || f[2].equals("CONFIGURING") ? State.RUNNING : State.QUEUED;
				out.put(runs.get(index), st);
			}
		}
		return out;
	}

	@Override
	public Map<String, String> failures(Context context) throws Exception {
		Map<String, String> out = new LinkedHashMap<>();
		Path exit = context.stateDir().resolve("exit");
		if (!Files.isDirectory(exit)) {
			return out;
		}
		for (String run : context.folder().runIds()) {
			Path f = exit.resolve(run);
			if (!Files.isRegularFile(f)) {
				continue;
			}
			String[] parts = Files.readString(f, StandardCharsets.UTF_8).strip().split(" ");
			if (parts.length < 2 || parts[0].equals("0")) {
				continue;
			}
			Path log = context.stateDir().resolve("logs").resolve(parts[1] + ".log");
			StringBuilder m = new StringBuilder("Slurm task " + parts[1] + " exited with code " + parts[0]);
			if (Files.exists(log)) {
				List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
				m.append("; log ").append(log).append(", last lines:");
				lines.subList(Math.max(0, lines.size() - 12), lines.size()).forEach(l -> m.append("\n    | ").append(l));
			}
			out.put(run, m.toString());
		}
		return out;
	}

	@Override
	public void cancel(Context context, List<String> runIds) throws Exception {
		ArrayNode subs = submissions(context);
		Map<String, State> active = active(context);
		List<String> targets = new ArrayList<>();
		for (JsonNode s : subs) {
			List<String> runs = new ArrayList<>();
			s.path("runs").forEach(r -> runs.add(r.asText()));
			for (int i = 0; i < runs.size(); i++) {
				if (active.containsKey(runs.get(i)) && (runIds.isEmpty() || runIds.contains(runs.get(i)))) {
					targets.add(s.path("job").asText() + "_" + i);
					context.out().println("  " + runs.get(i) + ": scancel " + s.path("job").asText() + "_" + i);
				}
			}
		}
		if (targets.isEmpty()) {
			context.out().println("nothing to cancel: no run of this campaign is queued or running on Slurm");
			return;
		}
		List<String> command = new ArrayList<>(List.of("scancel"));
		command.addAll(targets);
		execute(command, context.folder().dir());
	}

	private static ArrayNode submissions(Context c) throws IOException {
		Path f = c.stateDir().resolve("submissions.json");
		if (!Files.exists(f)) {
			return CampaignFolder.JSON.createArrayNode();
		}
		JsonNode tree = RunDirectory.readTree(CampaignFolder.JSON, f);
		if (!tree.isArray()) {
			throw new IOException(f + ": expected a list of submissions");
		}
		return (ArrayNode) tree;
	}

	static String execute(List<String> command, Path dir) throws IOException, InterruptedException {
		return execute(command, dir, false);
	}

	/**
	 * Runs a Slurm command; its output (stdout and stderr together).
	 *
	 * @throws IOException naming the command, its exit code and its output when it fails (a cluster that refuses the job)
	 */
	static String execute(List<String> command, Path dir, boolean unknownJobsEmpty) throws IOException, InterruptedException {
		Process p;
		try {
			p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		} catch (IOException e) {
			throw new IOException("cannot run '" + String.join(" ", command) + "': " + e.getMessage(), e);
		}
		p.getOutputStream().close();
		byte[] bytes = p.getInputStream().readAllBytes();
		if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new IOException("'" + String.join(" ", command) + "' did not answer within " + COMMAND_SECONDS + " s");
		}
		String output = new String(bytes, StandardCharsets.UTF_8);
		if (p.exitValue() != 0) {
			if (unknownJobsEmpty && output.contains("Invalid job id")) {
				return ""; // every job has left the queue
			}
			throw new IOException("'" + String.join(" ", command) + "' failed (exit code " + p.exitValue() + "): " + output.strip());
		}
		return output;
	}
}
