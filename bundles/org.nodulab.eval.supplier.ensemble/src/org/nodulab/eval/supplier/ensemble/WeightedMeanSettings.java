package org.nodulab.eval.supplier.ensemble;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class WeightedMeanSettings implements SelfValidating {

	@Range(min = 0)
	@JsonPropertyDescription("One non-negative weight per member, in member order; normalised to sum to 1")
	public List<Double> weights = new ArrayList<>();

	@Override
	public void validate(ProblemSink problems) {
		if (weights != null && !weights.isEmpty() && weights.stream().mapToDouble(Double::doubleValue).sum() <= 0) {
			problems.add("weights", "at least one weight must be positive");
		}
	}
}
