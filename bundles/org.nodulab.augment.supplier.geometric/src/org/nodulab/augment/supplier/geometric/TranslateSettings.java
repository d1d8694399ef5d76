package org.nodulab.augment.supplier.geometric;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class TranslateSettings {

	@Range(min = 0, max = 50)
	@JsonPropertyDescription("Shift in mm: the grid step of the 27 variants and the bound of random shifts")
	public double step = 2.0;
}
