package org.nodulab.eval.supplier.luna16;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class ClassificationSettings {

	@Range(min = 0, max = 1)
	@JsonPropertyDescription("A candidate with probability at or above this is called a nodule")
	public double threshold = 0.5;
}
