package org.nodulab.core.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A named scale of an experiment (e.g. {@code quick}): the same experiment, smaller or larger, as key paths and
 * their values. {@code nodulab train --scale NAME} runs it; {@code nodulab bench examples} uses an example's
 * {@code quick} scale.
 */
@JsonPropertyOrder({ "description", "overrides" })
public class ExperimentScale {

	@JsonPropertyDescription("What this scale is for and why its values (e.g. the epochs the example needs to learn at a quick scale)")
	public String description = "";

	@JsonPropertyDescription("Key paths into the experiment and their values at this scale, e.g. 'training.epochs: 6'")
	public Map<String, JsonNode> overrides = new LinkedHashMap<>();
}
