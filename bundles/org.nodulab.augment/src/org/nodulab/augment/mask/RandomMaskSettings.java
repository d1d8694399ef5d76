package org.nodulab.augment.mask;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class RandomMaskSettings {

	@Range(min = 0.5, max = 3)
	@JsonPropertyDescription("Radius of the pasted sphere as a multiple of half the annotated diameter (1: the nodule itself)")
	public double radiusScale = 1.0;

}
