package org.nodulab.core.experiment;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How training samples are drawn. Patch sizes come from the architecture's inputs; augmentation is
 * applied on the fly, never materialised.
 */
@JsonPropertyOrder({ "positiveFactor", "negativeFactor", "balance", "epochSize", "workers", "prefetch" })
public class SamplingSettings {

	public enum Balance {
		/** Draw the rarer class more often until both are equally frequent. */
		OVERSAMPLE,
		/** Keep the natural (augmented) frequencies. */
		NONE
	}

	@Range(min = 1, max = 10000)
	@JsonPropertyDescription("Augmented variants per positive candidate (the notebook's x108 = 27 translations x 4 rotations)")
	public int positiveFactor = 108;

	@Range(min = 1, max = 10000)
	@JsonPropertyDescription("Augmented variants per negative candidate (108, 27, 4 or 1 in the notebook)")
	public int negativeFactor = 1;

	@JsonPropertyDescription("oversample: balance the classes by drawing the rarer one more often; none: natural frequencies")
	public Balance balance = Balance.OVERSAMPLE;

	@Range(min = 0.01, max = 1000)
	@JsonPropertyDescription("Samples per epoch as a multiple of the number of negative candidates")
	public double epochSize = 2.0;

	@Range(min = 1, max = 64)
	@JsonPropertyDescription("Threads that sample and augment batches ahead of the trainer")
	public int workers = 2;

	@Range(min = 1, max = 256)
	@JsonPropertyDescription("Batches prepared ahead at most (bounds the memory of the pipeline)")
	public int prefetch = 4;
}
