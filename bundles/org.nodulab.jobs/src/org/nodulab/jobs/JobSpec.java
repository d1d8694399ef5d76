package org.nodulab.jobs;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a job does, as it is saved in the queue: enough to run it again after a restart.
 *
 * @param kind what it runs
 * @param title what the Progress view and {@code nodulab jobs list} show
 * @param input the experiment file (train, cross-validation), the run folder (resume, predict), the
 *        results file (evaluate)
 * @param options kind-specific options (see {@link Kind})
 * @param device the device it must run on, or null for the first free one (kinds that need one)
 * @param priority higher runs first among queued jobs of a device; equal priorities run in submission order
 */
public record JobSpec(Kind kind, String title, String input, Map<String, String> options, String device, int priority) {

	/** The kinds of jobs. */
	public enum Kind {
		/** Trains an experiment (with its hard mining, ensemble and evaluation); options: seed, epochs. */
		TRAIN(true),
		/** Continues an interrupted run or cross-validation folder. */
		RESUME(true),
		/** A cross-validation of an experiment; options: folds (0: one per subset). */
		CROSS_VALIDATION(true),
		/** Scores a candidates file with a finished run; options: candidates, out, tta. */
		PREDICT(true),
		/** LUNA16 FROC of a results file; options: annotations, excluded, seriesuids, out, bootstrap. */
		EVALUATE(false),
		/** Combines prediction files (input: comma-separated); options: combiner (default mean), out. */
		ENSEMBLE(false);

		private final boolean needsDevice;

		Kind(boolean needsDevice) {
			this.needsDevice = needsDevice;
		}

		/** Whether it computes on a device (and so waits for one). */
		public boolean needsDevice() {
			return needsDevice;
		}
	}

	public JobSpec {
		if (kind == null) {
			throw new IllegalArgumentException("a job needs a kind");
		}
		if (input == null || input.isBlank()) {
			throw new IllegalArgumentException(kind + " job needs an input");
		}
		options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(options));
		title = title == null || title.isBlank() ? kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " " + input : title;
		if (device != null) {
			new ComputeDevice(device, ""); // checks the syntax
		}
	}

	/** The option, or {@code fallback} when absent. */
	public String option(String key, String fallback) {
		return options.getOrDefault(key, fallback);
	}
}
