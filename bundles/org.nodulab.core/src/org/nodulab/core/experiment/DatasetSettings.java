package org.nodulab.core.experiment;

import org.nodulab.core.settings.SelfValidating;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Which data an experiment trains and evaluates on. */
@JsonPropertyOrder({ "path", "candidates", "predictCandidates", "split" })
public class DatasetSettings implements SelfValidating {

	@JsonProperty(required = true)
	@JsonPropertyDescription("Folder in the LUNA16 layout (subset0..9, annotations.csv, candidates); relative paths are resolved against the experiment file's folder")
	public String path;

	@JsonPropertyDescription("Candidate file used for training, relative to the dataset folder (e.g. a stage-1 detector's output)")
	public String candidates = "candidates_V2.csv";

	@JsonPropertyDescription("Candidate file used for validation and test predictions (e.g. a stage-2 detector's output); empty: the training candidates")
	public String predictCandidates;

	@JsonPropertyDescription("How scans are split into training, validation and test sets")
	public SplitSettings split = new SplitSettings();

	@Override
	public void validate(ProblemSink problems) {
		if (path != null && path.isBlank()) {
			problems.add("path", "must not be empty");
		}
		if (candidates == null || candidates.isBlank()) {
			problems.add("candidates", "must name a candidate file");
		}
	}
}
