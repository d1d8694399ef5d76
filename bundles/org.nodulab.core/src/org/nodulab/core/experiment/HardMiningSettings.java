package org.nodulab.core.experiment;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Hard-negative mining after the main training: predict the training candidates, add the misclassified
 * ones and train again, for a number of rounds.
 */
@JsonPropertyOrder({ "rounds", "epochs", "negativesPerPositive", "threshold", "restartLrDecay", "splits", "initialPositives",
		"initialNegatives" })
public class HardMiningSettings {

	@Range(min = 0, max = 100)
	@JsonPropertyDescription("Mining rounds after the main training; 0: none")
	public int rounds = 0;

	@Range(min = 1, max = 1000)
	@JsonPropertyDescription("Epochs of each round")
	public int epochs = 2;

	@Range(min = 0.1, max = 100)
	@JsonPropertyDescription("Hard samples are added as positives : negatives = 1 : this (the notebook's 1:4); the hardest negatives first")
	public double negativesPerPositive = 4.0;

	@Range(min = 0, max = 1, minExclusive = true, maxExclusive = true)
	@JsonPropertyDescription("A negative scored at or above this, or a positive below it, is misclassified")
	public double threshold = 0.5;

	@JsonPropertyDescription("true: each round starts the learning-rate decay again from the initial rate with a fresh optimiser; false: continue it")
	public boolean restartLrDecay = false;

	@Range(min = 1, max = 16)
	@JsonPropertyDescription("1: the trained model chooses the hard samples; k > 1: split the negatives into k parts, train k models (each on all positives and one part) and let the models that did not see a negative judge it")
	public int splits = 1;

	@Range(min = 0, max = 100000000)
	@JsonPropertyDescription("The main training starts from this many training positives drawn at random (candidates, before augmentation; the notebook's H1/H2 took 40,000); the rounds mine from all of them; 0: all")
	public int initialPositives = 0;

	@Range(min = 0, max = 100000000)
	@JsonPropertyDescription("The main training starts from this many training negatives drawn at random (H1/H2: 150,000); 0: all")
	public int initialNegatives = 0;
}
