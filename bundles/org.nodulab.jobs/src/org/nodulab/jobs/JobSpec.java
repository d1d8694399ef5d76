package org.nodulab.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a job does, as the queue saves it: a command line of the headless application ({@code nodulab train
 * experiments/x.yaml --epochs 3}, {@code nodulab cv ...}, {@code nodulab models delete ...}), run in-process by the
 * queue's executor exactly as the command would run in a terminal. Enough to run it again after a restart.
 *
 * @param title what the Progress view and {@code nodulab jobs} show
 * @param command the command line without {@code nodulab}: the command's name first, then its arguments
 * @param directory the folder relative paths of the command line resolve against (where it was submitted; null:
 *        the folder of the process that runs it)
 * @param device the device it must run on, or null for the first free one (commands that need one)
 * @param priority higher runs first among queued jobs of a device; equal priorities run in submission order
 */
public record JobSpec(String title, List<String> command, String directory, String device, int priority) {

	/** Commands whose name is a group of subcommands: a job's kind is the group and the subcommand. */
	private static final List<String> GROUPS = List.of("models", "jobs", "runs", "volume", "dataset", "bench", "campaign");

	public JobSpec {
		if (command == null || command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
			throw new IllegalArgumentException("a job needs a command line (its first word is the command)");
		}
		command = List.copyOf(command);
		title = title == null || title.isBlank() ? String.join(" ", command) : title;
		if (device != null) {
			new ComputeDevice(device, ""); // checks the syntax
		}
		if (directory != null && !java.nio.file.Path.of(directory).isAbsolute()) {
			throw new IllegalArgumentException("a job's folder must be absolute, got '" + directory + "'");
		}
	}

	/** A job of this command line with a title of its own (null: the command line). */
	public static JobSpec of(String title, List<String> command) {
		return new JobSpec(title, command, null, null, 0);
	}

	/** The command's name, with its subcommand for a group ({@code train}, {@code models delete}). */
	@JsonIgnore
	public String kind() {
		String first = command.get(0);
		return GROUPS.contains(first) && command.size() > 1 && !command.get(1).startsWith("-") ? first + " " + command.get(1) : first;
	}

	/** This job on another device and with another priority. */
	public JobSpec with(String newDevice, int newPriority) {
		return new JobSpec(title, command, directory, newDevice, newPriority);
	}

	/** This job with relative paths resolving against this folder (where it was submitted). */
	public JobSpec in(java.nio.file.Path folder) {
		return new JobSpec(title, command, folder.toAbsolutePath().normalize().toString(), device, priority);
	}

	/**
	 * Reads a saved spec: the command-line form, or the form of the queues before it (kind, input, options), which
	 * becomes the same command line, so queued and interrupted jobs of an older version still run and resume.
	 */
	@JsonCreator
	static JobSpec read(@JsonProperty("title") String title, @JsonProperty("command") List<String> command,
			@JsonProperty("directory") String directory, @JsonProperty("device") String device, @JsonProperty("priority") int priority, @JsonProperty("kind") String kind,
			@JsonProperty("input") String input, @JsonProperty("options") Map<String, String> options) {
		if (command != null) {
			return new JobSpec(title, command, directory, device, priority);
		}
		if (kind == null || input == null) {
			throw new IllegalArgumentException("a job needs a command line (or, as older queues saved it, a kind and an input)");
		}
		return new JobSpec(title, legacy(kind, input, options == null ? Map.of() : new TreeMap<>(options)), null, device, priority);
	}

	/** The command line of a job of the queues before command lines: kind TRAIN, input, options {epochs: 3}... */
	public static List<String> legacy(String kind, String input, Map<String, String> options) {
		List<String> c = new ArrayList<>();
		switch (kind.toUpperCase(java.util.Locale.ROOT)) {
		case "TRAIN" -> {
			c.add("train");
			c.add(input);
			flag(c, "--seed", options.get("seed"));
			flag(c, "--epochs", options.get("epochs"));
		}
		case "RESUME" -> {
			c.add("resume");
			c.add(input);
		}
		case "CROSS_VALIDATION" -> {
			c.add("cv");
			c.add(input);
			flag(c, "--folds", options.get("folds"));
		}
		case "PREDICT" -> {
			c.add("predict");
			c.add(input);
			c.add(required(kind, options, "candidates"));
			flag(c, "--out", options.get("out"));
			if (options.containsKey("tta")) {
				c.add(Boolean.parseBoolean(options.get("tta")) ? "--tta" : "--no-tta");
			}
		}
		case "EVALUATE" -> {
			c.add("eval");
			c.add(required(kind, options, "annotations"));
			c.add(required(kind, options, "excluded"));
			c.add(required(kind, options, "seriesuids"));
			c.add(input);
			c.add(required(kind, options, "out"));
			flag(c, "--bootstrap", options.get("bootstrap"));
			flag(c, "--seed", options.get("seed"));
			flag(c, "--name", options.get("name"));
		}
		case "ENSEMBLE" -> {
			c.add("ensemble");
			c.add("--combine");
			c.add(options.getOrDefault("combiner", "mean"));
			c.add("--inputs");
			for (String f : input.split(",")) {
				c.add(f.strip());
			}
			c.add("--out");
			c.add(required(kind, options, "out"));
		}
		default -> throw new IllegalArgumentException("unknown job kind '" + kind + "'");
		}
		return c;
	}

	private static void flag(List<String> c, String name, String value) {
		if (value != null) {
			c.add(name);
			c.add(value);
		}
	}

	private static String required(String kind, Map<String, String> options, String key) {
		String v = options.get(key);
		if (v == null) {
			throw new IllegalArgumentException(kind.toLowerCase(java.util.Locale.ROOT) + " job without the option '" + key + "'");
		}
		return v;
	}
}
