package org.nodulab.augment.supplier.geometric;

import org.nodulab.core.settings.SelfValidating;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class FlipSettings implements SelfValidating {

	@JsonPropertyDescription("May mirror left-right")
	public boolean x = true;

	@JsonPropertyDescription("May mirror front-back")
	public boolean y = true;

	@JsonPropertyDescription("May mirror head-feet")
	public boolean z = false;

	@Override
	public void validate(ProblemSink problems) {
		if (!x && !y && !z) {
			problems.add("", "enable at least one of x, y, z");
		}
	}
}
