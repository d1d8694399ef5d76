package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The results a run writes, as records: {@code models/<model>.json} for each trained model and
 * {@code summary.json} when the run finishes. CPMs are null where there were no scans to compute them
 * on (NaN is not JSON).
 */
public final class RunRecords {

	private RunRecords() {
	}

	/** {@code models/<model>.json}: the model's selected epoch and where its results are (paths relative to the run). */
	@JsonPropertyOrder({ "model", "architecture", "bestEpoch", "selectedBy", "validationCpm", "testCpm", "testPredictions",
			"checkpoint", "sha256" })
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Model(String model, String architecture, int bestEpoch, String selectedBy, Double validationCpm,
			Double testCpm, String testPredictions, String checkpoint, String sha256) {

		/** Reads a record written by a run, naming the file and field where one is missing or of the wrong kind. */
		static Model read(Path file, JsonNode d) throws IOException {
			return new Model(text(file, d, "model"), text(file, d, "architecture"), integer(file, d, "bestEpoch"),
					d.path("selectedBy").asText(""), cpm(d, "validationCpm"), cpm(d, "testCpm"), text(file, d, "testPredictions"),
					text(file, d, "checkpoint"), d.path("sha256").asText(""));
		}

		double validation() {
			return validationCpm == null ? Double.NaN : validationCpm;
		}

		double test() {
			return testCpm == null ? Double.NaN : testCpm;
		}
	}

	/** One model in {@code summary.json}. */
	@JsonPropertyOrder({ "model", "architecture", "bestEpoch", "validationCpm", "testCpm", "checkpoint" })
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record SummaryModel(String model, String architecture, int bestEpoch, Double validationCpm, Double testCpm,
			String checkpoint) {
	}

	/** {@code summary.json}: written last, its presence marks a finished run. */
	@JsonPropertyOrder({ "status", "experiment", "seed", "models", "ensembleTestCpm", "lastSessionSeconds" })
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Summary(String status, String experiment, long seed, List<SummaryModel> models, Double ensembleTestCpm,
			double lastSessionSeconds) {
	}

	/** A CPM as JSON: null for NaN. */
	static Double cpm(double v) {
		return Double.isNaN(v) ? null : v;
	}

	private static Double cpm(JsonNode d, String field) {
		JsonNode v = d.path(field);
		return v.isNumber() ? v.asDouble() : null;
	}

	private static String text(Path file, JsonNode d, String field) throws IOException {
		JsonNode v = d.get(field);
		if (v == null || !v.isTextual()) {
			throw new IOException(file + ": field '" + field + "' must be a string" + (v == null ? ", but is missing" : ", got " + v));
		}
		return v.asText();
	}

	private static int integer(Path file, JsonNode d, String field) throws IOException {
		JsonNode v = d.get(field);
		if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
			throw new IOException(file + ": field '" + field + "' must be a whole number" + (v == null ? ", but is missing" : ", got " + v));
		}
		return v.asInt();
	}
}
