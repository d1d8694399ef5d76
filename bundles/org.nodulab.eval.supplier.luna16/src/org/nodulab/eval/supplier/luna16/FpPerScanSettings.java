package org.nodulab.eval.supplier.luna16;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class FpPerScanSettings {

	@Range(min = 0, max = 1)
	@JsonPropertyDescription("Marks with probability at or above this count")
	public double threshold = 0.5;

	@Range(min = 0, max = 100000)
	@JsonPropertyDescription("Marks kept per scan (100 in LUNA16); 0: all")
	public int maxMarksPerScan = 100;
}
