package org.nodulab.augment.supplier.geometric;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class ScaleSettings implements SelfValidating {

	@Range(min = 0.25, max = 4)
	@JsonPropertyDescription("Smallest zoom factor")
	public double min = 0.9;

	@Range(min = 0.25, max = 4)
	@JsonPropertyDescription("Largest zoom factor")
	public double max = 1.1;

	@Override
	public void validate(ProblemSink problems) {
		if (min > max) {
			problems.add("min", "must not exceed max (" + max + "), got " + min);
		}
	}
}
