package org.nodulab.augment.mask;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@com.fasterxml.jackson.annotation.JsonPropertyOrder({ "radiusScale", "radiusMargin", "pairing" })
public class RandomMaskSettings {

	/** Where the masked sample goes. */
	public enum Pairing {
		/** It replaces the sample it was made from (with the entry's probability). */
		REPLACE,
		/**
		 * Beside it: every second slot of a batch holds, with the entry's probability, the masked copy of the sample in the
		 * slot before (D29's fine-tuning: s1 and its masked copy in the same batch).
		 */
		ALONGSIDE
	}

	@Range(min = 0.5, max = 3)
	@JsonPropertyDescription("Radius of the pasted sphere as a multiple of half the annotated diameter (1: the nodule itself)")
	public double radiusScale = 1.0;


	@Range(min = 0, max = 20)
	@JsonPropertyDescription("Voxels added to the sphere's radius after scaling (D36 widened the mask by 5)")
	public double radiusMargin = 0;

	@JsonPropertyDescription("replace: the masked sample replaces its original; alongside: it joins the batch beside it (D29)")
	public Pairing pairing = Pairing.REPLACE;
}
