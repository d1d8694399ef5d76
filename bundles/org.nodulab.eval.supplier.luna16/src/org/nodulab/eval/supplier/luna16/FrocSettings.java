package org.nodulab.eval.supplier.luna16;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class FrocSettings {

	@Range(min = 0, max = 100000)
	@JsonPropertyDescription("Bootstrap resamples of the scans; 0: none")
	public int bootstrap = 1000;

	@Range(min = 0, max = 4294967295L)
	@JsonPropertyDescription("Seed of the resampling (numpy's generator: the official script draws the same scans for the same seed)")
	public long seed = 12345;

	@Range(min = 0.5, max = 1, maxExclusive = true)
	@JsonPropertyDescription("Confidence level of the bootstrap bands")
	public double confidence = 0.95;

	@Range(min = 0, max = 100000)
	@JsonPropertyDescription("Marks kept per scan (100 in LUNA16); 0: all")
	public int maxMarksPerScan = 100;

	@JsonPropertyDescription("Write the FROC plot as PNG")
	public boolean plot = true;
}
