package org.nodulab.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.train.RunDirectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A campaign's folder: {@code plan.json} (the expanded campaign: variants with their overrides, folds, ensembles,
 * baseline), {@code campaign.yaml} (the campaign file as first run), {@code experiments/<variant>/<fold>.yaml} (each
 * run's experiment, written once), {@code runs/<variant>/<fold>/} (ordinary runs), {@code tasks/} (how each task
 * ended), {@code executor/<id>/} (the executor's own files), {@code results/} and {@code notebook.md|html}.
 */
public final class CampaignFolder {

	public static final String PLAN = "plan.json";

	/** The mapper of the campaign's JSON files (plan, task records, executors' files). */
	public static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
			.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

	/** A run's state as the campaign folder tells it. */
	public enum RunState {
		NOT_STARTED, INTERRUPTED, FINISHED, FAILED;

		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
		}
	}

	/** A run's state with its progress (epochs done of epochs planned) and, for a failed one, why. */
	public record RunStatus(String id, RunState state, int epochsDone, int epochsPlanned, String message) {
		public double progress() {
			return state == RunState.FINISHED ? 1 : epochsPlanned == 0 ? 0 : Math.min(1, (double) epochsDone / epochsPlanned);
		}
	}

	private final Path dir;
	private final JsonNode plan;
	private final String executor;
	/** Run id to its planned epochs, in plan order (read once from the plan). */
	private final Map<String, Integer> runs = new LinkedHashMap<>();
	/** Run id to the run whose model it fine-tunes (a variant's {@code from}). */
	private final Map<String, String> after = new LinkedHashMap<>();

	private CampaignFolder(Path dir, JsonNode plan) {
		this(dir, plan, null);
	}

	private CampaignFolder(Path dir, JsonNode plan, String executor) {
		this.dir = dir;
		this.plan = plan;
		this.executor = executor;
		plan.path("runs").forEach(r -> {
			runs.put(r.path("id").asText(), r.path("epochs").asInt());
			if (r.hasNonNull("after")) {
				after.put(r.path("id").asText(), r.path("after").asText());
			}
		});
	}

	/** This folder as seen by another executor than the one it was last run with (its status, its cancel). */
	public CampaignFolder withExecutor(String id) {
		return new CampaignFolder(dir, plan, id);
	}

	/**
	 * Creates or updates the folder of a plan: a run's experiment file is fixed once the run has started (its folder
	 * exists), and a started run whose experiment differs from the campaign file's now is refused by name (a variant
	 * changed after it ran). The experiment of a run that has not started follows the campaign file (a variant edited
	 * while earlier ones run; a queued task reads it when it starts).
	 *
	 * @throws IOException naming the run and the file
	 */
	public static CampaignFolder write(CampaignPlan p, String executorId, JsonNode executorSettings) throws IOException {
		Path dir = p.folder();
		Files.createDirectories(dir);
		List<String> changed = new ArrayList<>();
		java.util.Set<String> edited = new java.util.HashSet<>();
		for (CampaignPlan.PlannedRun r : p.runs()) {
			Path f = dir.resolve("experiments").resolve(r.id() + ".yaml");
			if (Files.exists(f) && !Files.readString(f, StandardCharsets.UTF_8).equals(r.yaml())) {
				if (Files.exists(dir.resolve("runs").resolve(r.id()))) {
					changed.add(r.id() + " (" + f + ")");
				} else {
					edited.add(r.id());
				}
			}
		}
		if (!changed.isEmpty()) {
			throw new IOException(p.file() + ": these runs were started with another experiment than the campaign file makes now: "
					+ String.join(", ", changed) + "; runs are immutable: give the changed variant a new name (or move " + dir + " away to start over)");
		}
		for (CampaignPlan.PlannedRun r : p.runs()) {
			Path f = dir.resolve("experiments").resolve(r.id() + ".yaml");
			if (!Files.exists(f)) {
				AtomicFiles.create(f, r.yaml());
			} else if (edited.contains(r.id())) {
				AtomicFiles.replace(f, out -> out.write(r.yaml().getBytes(StandardCharsets.UTF_8)));
			}
		}
		Path copy = dir.resolve("campaign.yaml");
		if (!Files.exists(copy)) {
			AtomicFiles.create(copy, Files.readString(p.file(), StandardCharsets.UTF_8));
		}
		ObjectNode json = CampaignFolder.JSON.createObjectNode();
		Campaign c = p.campaign();
		json.put("name", c.name);
		json.put("description", c.description);
		json.put("file", p.file().toString());
		json.put("base", p.baseFile().toString());
		json.put("baseline", p.baseline());
		json.put("foldMode", c.folds.mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
		json.set("folds", CampaignFolder.JSON.valueToTree(p.folds()));
		ObjectNode executor = json.putObject("executor");
		executor.put("id", executorId);
		if (executorSettings != null) {
			executor.set("settings", executorSettings);
		}
		json.set("evaluation", CampaignFolder.JSON.valueToTree(Map.of("bootstrap", c.evaluation.bootstrap, "seed", c.evaluation.seed,
				"confidence", c.evaluation.confidence)));
		var ensembles = json.putArray("ensembles");
		for (Campaign.EnsembleSpec e : c.ensembles) {
			ObjectNode o = ensembles.addObject();
			o.put("name", e.name);
			o.set("members", CampaignFolder.JSON.valueToTree(e.members));
			o.put("combine", e.combine.name().toLowerCase(java.util.Locale.ROOT));
			o.put("step", e.step);
		}
		var variants = json.putArray("variants");
		for (CampaignPlan.VariantPlan v : p.variants()) {
			ObjectNode o = variants.addObject();
			o.put("name", v.name());
			o.put("description", v.description());
			if (v.from() != null) {
				o.put("from", v.from());
				o.put("evaluatesOnly", p.evaluatesOnly(v));
			}
			o.set("overrides", CampaignFolder.JSON.valueToTree(v.overrides()));
			if (v.notebook() != null) {
				o.put("notebook", v.notebook());
			}
		}
		var runs = json.putArray("runs");
		for (CampaignPlan.PlannedRun r : p.runs()) {
			ObjectNode o = runs.addObject();
			o.put("id", r.id());
			o.put("variant", r.variant());
			o.put("fold", r.foldLabel());
			if (r.after() != null) {
				o.put("after", r.after());
			}
			o.put("epochs", r.epochs());
		}
		json.put("updated", Instant.now().toString());
		AtomicFiles.replace(dir.resolve(PLAN), out -> CampaignFolder.JSON.writerWithDefaultPrettyPrinter().writeValue(out, json));
		return new CampaignFolder(dir, json);
	}

	/** Opens a campaign folder (one with {@code plan.json}). */
	public static CampaignFolder open(Path dir) throws IOException {
		Path f = dir.resolve(PLAN);
		if (!Files.exists(f)) {
			throw new IOException(dir + " is not a campaign folder (no " + PLAN + "; 'nodulab campaign run <file>' makes one)");
		}
		return new CampaignFolder(dir.toAbsolutePath().normalize(), RunDirectory.readTree(CampaignFolder.JSON, f));
	}

	public static boolean isCampaign(Path dir) {
		return Files.isRegularFile(dir.resolve(PLAN));
	}

	public Path dir() {
		return dir;
	}

	public JsonNode plan() {
		return plan;
	}

	public String name() {
		return plan.path("name").asText();
	}

	public String executorId() {
		return executor != null ? executor : plan.path("executor").path("id").asText("local");
	}

	public JsonNode executorSettings() {
		return plan.path("executor").path("settings");
	}

	public String baseline() {
		return plan.path("baseline").asText();
	}

	public List<String> folds() {
		List<String> out = new ArrayList<>();
		plan.path("folds").forEach(f -> out.add(f.asText()));
		return out;
	}

	public List<String> variants() {
		List<String> out = new ArrayList<>();
		plan.path("variants").forEach(v -> out.add(v.path("name").asText()));
		return out;
	}

	public JsonNode variant(String name) {
		for (JsonNode v : plan.path("variants")) {
			if (v.path("name").asText().equals(name)) {
				return v;
			}
		}
		return CampaignFolder.JSON.missingNode();
	}

	/** Every run id ({@code <variant>/<fold>}), variant by variant. */
	public List<String> runIds() {
		return List.copyOf(runs.keySet());
	}

	/** The run whose best model this one fine-tunes, which must finish first (a variant's {@code from}); null: none. */
	public String after(String runId) {
		return after.get(runId);
	}

	/** Run ids ordered so that every run comes after the run it fine-tunes from. */
	public List<String> ordered(List<String> runIds) {
		return CampaignPlan.ordered(runIds, after::get);
	}

	public static String runId(String variant, String fold) {
		return variant + "/" + fold;
	}

	/** The experiment file of a run. */
	public Path experimentFile(String runId) throws IOException {
		return inside("experiments", runId + ".yaml");
	}

	/** The run's folder (which may not exist yet). */
	public Path runDir(String runId) throws IOException {
		return inside("runs", runId);
	}

	/** Where a task records how it ended. */
	public Path taskFile(String runId) throws IOException {
		return inside("tasks", runId + ".json");
	}

	private Path inside(String folder, String runId) throws IOException {
		if (!runs.containsKey(runId.replaceAll("\\.(yaml|json)$", ""))) {
			throw new IOException("no run '" + runId.replaceAll("\\.(yaml|json)$", "") + "' in the campaign " + dir + "; runs: " + runIds());
		}
		return dir.resolve(folder).resolve(runId);
	}

	/** A run's state, from its folder and its task's record. */
	public RunStatus status(String runId) throws IOException {
		Path run = runDir(runId);
		int planned = runs.getOrDefault(runId, 0);
		Optional<JsonNode> task = task(runId);
		if (!RunDirectory.isRun(run)) {
			if (task.isPresent() && task.get().path("state").asText().equals("failed")) {
				return new RunStatus(runId, RunState.FAILED, 0, planned, task.get().path("message").asText());
			}
			return new RunStatus(runId, RunState.NOT_STARTED, 0, planned, "");
		}
		RunDirectory r = RunDirectory.open(run);
		if (r.finished()) {
			return new RunStatus(runId, RunState.FINISHED, planned, planned, "");
		}
		int done = 0;
		try {
			done = (int) r.metrics().stream().filter(m -> m.round() == 0).count();
		} catch (IOException | RuntimeException e) {
			// a damaged metrics file counts as no progress; the run says what is wrong when resumed
		}
		if (task.isPresent() && task.get().path("state").asText().equals("failed")) {
			return new RunStatus(runId, RunState.FAILED, done, planned, task.get().path("message").asText());
		}
		return new RunStatus(runId, RunState.INTERRUPTED, done, planned, "");
	}

	/** The task's record ({@code state}: running, finished, stopped or failed; {@code message}, {@code host}, times). */
	public Optional<JsonNode> task(String runId) throws IOException {
		Path f = taskFile(runId);
		if (!Files.exists(f)) {
			return Optional.empty();
		}
		try {
			return Optional.of(RunDirectory.readTree(CampaignFolder.JSON, f));
		} catch (IOException e) {
			return Optional.empty(); // a record being replaced; the run's own folder is the truth
		}
	}

	/** Records how a task ended (replaced atomically: the latest attempt counts). */
	public void recordTask(String runId, String state, String message) throws IOException {
		Map<String, Object> record = new LinkedHashMap<>();
		record.put("run", runId);
		record.put("state", state);
		record.put("message", message);
		record.put("host", host());
		record.put("pid", ProcessHandle.current().pid());
		String job = System.getenv("SLURM_JOB_ID");
		if (job != null) {
			record.put("slurmJob", job);
		}
		record.put("time", Instant.now().toString());
		AtomicFiles.replace(taskFile(runId), out -> CampaignFolder.JSON.writerWithDefaultPrettyPrinter().writeValue(out, record));
	}

	static String host() {
		try {
			return java.net.InetAddress.getLocalHost().getHostName();
		} catch (IOException e) {
			return "unknown";
		}
	}
}
