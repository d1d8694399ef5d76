package org.nodulab.core.experiment;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** An augmentation named in an experiment file, applied to each training sample with a probability. */
@JsonPropertyOrder({ "id", "probability", "settings" })
public class AugmentationRef extends ContributionRef {

	@Range(min = 0, max = 1)
	@JsonPropertyDescription("Probability that the augmentation is applied to a sample")
	public double probability = 1.0;
}
