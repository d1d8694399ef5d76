package org.nodulab.core.experiment;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An experiment file: everything a run needs to be repeated exactly. Read and checked by
 * {@link ExperimentValidator}.
 */
@JsonPropertyOrder({ "name", "description", "seed", "dataset", "preprocessing", "sampling", "augmentations",
		"architectures", "training", "evaluation", "output", "scales" })
public class Experiment implements SelfValidating {

	@JsonProperty(required = true)
	@Size(min = 1, max = 120)
	@JsonPropertyDescription("Name of the experiment; runs are named after it")
	public String name;

	@JsonPropertyDescription("What the experiment tries and why")
	public String description = "";

	@Range(min = 0)
	@JsonPropertyDescription("Seed from which every random choice of the run is derived")
	public long seed = 42;

	@JsonProperty(required = true)
	public DatasetSettings dataset;

	public PreprocessingSettings preprocessing = new PreprocessingSettings();

	public SamplingSettings sampling = new SamplingSettings();

	@JsonPropertyDescription("Augmentations applied on the fly to training samples, from the augmentations extension point")
	public List<AugmentationRef> augmentations = new ArrayList<>();

	@JsonProperty(required = true)
	@Size(min = 1)
	@JsonPropertyDescription("Network architecture(s), from the architectures extension point; several are trained and ensembled")
	public List<ArchitectureRef> architectures = new ArrayList<>();

	public TrainingSettings training = new TrainingSettings();

	public EvaluationSettings evaluation = new EvaluationSettings();

	public OutputSettings output = new OutputSettings();

	@JsonPropertyDescription("Named scales (e.g. quick): key paths and values that make the experiment smaller or larger; 'nodulab train --scale NAME' runs one, 'nodulab bench examples' uses 'quick'")
	@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
	public java.util.Map<String, ExperimentScale> scales = new java.util.LinkedHashMap<>();

	/** Folder of the experiment file, against which relative paths resolve; null for an experiment built in memory. */
	@com.fasterxml.jackson.annotation.JsonIgnore
	public java.nio.file.Path baseDir;

	/**
	 * Whether {@code training.initFrom} names a run that does not exist yet and will before this experiment runs (a
	 * campaign variant's {@code from}): checks of the data leave it to the run's start. Not part of the file.
	 */
	@com.fasterxml.jackson.annotation.JsonIgnore
	public boolean initFromPlanned;

	/** A path of the experiment file resolved against its folder (or the working directory). */
	public java.nio.file.Path resolve(String path) {
		java.nio.file.Path p = java.nio.file.Path.of(path);
		if (p.isAbsolute() || baseDir == null) {
			return p.toAbsolutePath().normalize();
		}
		return baseDir.resolve(p).toAbsolutePath().normalize();
	}

	/**
	 * The experiment as the {@code index}-th architecture trains it: a shallow copy whose training
	 * section is that architecture's (the experiment's with its overrides).
	 */
	public Experiment forArchitecture(int index) {
		Experiment copy = new Experiment();
		copy.name = name;
		copy.description = description;
		copy.seed = seed;
		copy.dataset = dataset;
		copy.preprocessing = preprocessing;
		copy.sampling = sampling;
		copy.augmentations = augmentations;
		copy.architectures = architectures;
		copy.training = architectures.get(index).training(this);
		copy.evaluation = evaluation;
		copy.output = output;
		copy.baseDir = baseDir;
		copy.initFromPlanned = initFromPlanned;
		return copy;
	}

	/**
	 * Replaces sections left empty in the file ({@code training:} with no value) by their defaults, so
	 * that code reading an experiment never meets a missing section.
	 */
	public Experiment withDefaults() {
		if (description == null) {
			description = "";
		}
		if (preprocessing == null) {
			preprocessing = new PreprocessingSettings();
		}
		if (sampling == null) {
			sampling = new SamplingSettings();
		}
		if (augmentations == null) {
			augmentations = new ArrayList<>();
		}
		if (architectures == null) {
			architectures = new ArrayList<>();
		}
		if (training == null) {
			training = new TrainingSettings();
		}
		if (training.hardMining == null) {
			training.hardMining = new HardMiningSettings();
		}
		if (evaluation == null) {
			evaluation = new EvaluationSettings();
		}
		if (evaluation.evaluators == null) {
			evaluation.evaluators = new ArrayList<>();
		}
		if (output == null) {
			output = new OutputSettings();
		}
		if (scales == null) {
			scales = new java.util.LinkedHashMap<>();
		}
		if (dataset != null && dataset.split == null) {
			dataset.split = new SplitSettings();
		}
		return this;
	}

	@Override
	public void validate(ProblemSink problems) {
		if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
			problems.add("name", "use letters, digits, '.', '-' and '_' (it names run folders), got '" + name + "'");
		}
	}
}
