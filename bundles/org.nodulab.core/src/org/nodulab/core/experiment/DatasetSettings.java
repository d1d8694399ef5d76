package org.nodulab.core.experiment;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Which data an experiment trains and evaluates on. */
@JsonPropertyOrder({ "path", "candidates", "labels", "positives", "positiveDiameter", "extraNegatives", "predictCandidates", "split" })
public class DatasetSettings implements SelfValidating {

	/** Where the candidates' classes come from. */
	public enum Labels {
		/** The candidate file's {@code class} column. */
		FILE,
		/** The LUNA16 hit rule against annotations.csv (a detector's output without labels). */
		ANNOTATIONS
	}

	/** Where training positives come from (D11, D36, H2 of the notebook). */
	public enum Positives {
		/** The candidates labelled 1. */
		CANDIDATES,
		/** The annotated nodules' centres instead of the candidates labelled 1. */
		ANNOTATIONS,
		/** Both: the candidates labelled 1 and the annotated nodules' centres. */
		BOTH
	}

	/** A range of nodule diameters (mm), lower bound included, upper bound excluded. */
	@JsonPropertyOrder({ "min", "max" })
	public static class DiameterRange implements SelfValidating {
		@Range(min = 0, max = 1000)
		@JsonPropertyDescription("Smallest diameter kept (mm, included)")
		public double min = 0;

		@Range(min = 0, max = 1000)
		@JsonPropertyDescription("Diameter from which positives are left out (mm, excluded)")
		public double max = 1000;

		/** Whether the range keeps every nodule. */
		public boolean all() {
			return min <= 0 && max >= 1000;
		}

		public boolean contains(double diameter) {
			return diameter >= min && diameter < max;
		}

		@Override
		public void validate(ProblemSink problems) {
			if (min >= max) {
				problems.add("max", "must be above min (" + min + ")");
			}
		}
	}

	/** Extra negatives from a second detector's output (D18: DSSD candidates above 0.8). */
	@JsonPropertyOrder({ "file", "minProbability" })
	public static class ExtraNegatives {
		@JsonPropertyDescription("Candidate file with a probability column, relative to the dataset folder; its rows above minProbability that hit no nodule or excluded finding are added as training negatives; empty: none")
		public String file = "";

		@Range(min = 0, max = 1)
		@JsonPropertyDescription("Smallest detector probability of an extra negative (included)")
		public double minProbability = 0.8;

		public boolean enabled() {
			return file != null && !file.isBlank();
		}
	}

	@JsonProperty(required = true)
	@JsonPropertyDescription("Folder in the LUNA16 layout (subset0..9, annotations.csv, candidates); relative paths are resolved against the experiment file's folder")
	public String path;

	@JsonPropertyDescription("Candidate file used for training, relative to the dataset folder (e.g. a stage-1 detector's output)")
	public String candidates = "candidates_V2.csv";

	@JsonPropertyDescription("file: the candidates' class column; annotations: label them by the LUNA16 hit rule against annotations.csv (candidates on excluded findings are left out of training), for a detector's output without labels")
	public Labels labels = Labels.FILE;

	@JsonPropertyDescription("Training positives: candidates (labelled 1), annotations (the annotated nodules' centres instead), both")
	public Positives positives = Positives.CANDIDATES;

	@JsonPropertyDescription("Only positives in nodules of this diameter range (mm) are trained on, for size-specialised models fused by max; validation and test keep every nodule")
	public DiameterRange positiveDiameter = new DiameterRange();

	@JsonPropertyDescription("Extra training negatives from a second detector's output")
	public ExtraNegatives extraNegatives = new ExtraNegatives();

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
