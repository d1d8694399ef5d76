package org.nodulab.core.experiment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An architecture named in an experiment file, with training settings of its own where they differ
 * from the experiment's (an ensemble's members rarely share a schedule: a small fast network wants
 * more epochs than a DenseNet in the same time).
 */
@JsonPropertyOrder({ "id", "settings", "training" })
public class ArchitectureRef extends ContributionRef {

	@JsonPropertyDescription("Training settings of this architecture that differ from the experiment's 'training' section, e.g. {epochs: 6, lrDecay: 0.85}; the rest is inherited")
	public JsonNode training;

	@JsonIgnore
	private TrainingSettings resolvedTraining;

	public ArchitectureRef() {
	}

	public ArchitectureRef(String id) {
		super(id);
	}

	/** The training settings of this architecture: the experiment's, with this reference's overrides. */
	public TrainingSettings training(Experiment experiment) {
		return resolvedTraining != null ? resolvedTraining : experiment.training;
	}

	void resolveTraining(TrainingSettings settings) {
		this.resolvedTraining = settings;
	}
}
