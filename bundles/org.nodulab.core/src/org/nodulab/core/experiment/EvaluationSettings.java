package org.nodulab.core.experiment;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** How predictions are scored after each epoch and at the end. */
@JsonPropertyOrder({ "evaluators", "testTimeAugmentation", "bootstrap" })
public class EvaluationSettings {

	@JsonPropertyDescription("Evaluators run after each epoch and at the end, from the evaluators extension point")
	public List<ContributionRef> evaluators = new ArrayList<>();

	@JsonPropertyDescription("Average predictions over the 4 rotations about the z axis")
	public boolean testTimeAugmentation = false;

	@Range(min = 0, max = 100000)
	@JsonPropertyDescription("Bootstrap resamples of scans for FROC confidence intervals; 0: none")
	public int bootstrap = 1000;
}
