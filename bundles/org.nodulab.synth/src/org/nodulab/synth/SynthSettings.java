package org.nodulab.synth;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What the synthetic LUNA16 benchmark generates. Written into every generated dataset
 * ({@code synth/settings.yaml}) with the seed, so that the dataset can be generated again exactly.
 */
@JsonPropertyOrder({ "scans", "seed", "subsets", "nodulesPerScan", "smallNodulesPerScan", "otherFindingsPerScan",
		"falsePositivesPerScan", "stage1Sensitivity", "stage2Sensitivity", "stage2FalsePositivesPerScan",
		"inPlaneSpacing", "sliceSpacings", "sliceSpacingWeights", "noiseHu" })
public class SynthSettings implements SelfValidating {

	@Range(min = 1, max = 10000)
	@JsonPropertyDescription("Number of scans")
	public int scans = 20;

	@Range(min = 0)
	@JsonPropertyDescription("Seed from which every random choice is derived (scan i uses a stream split from it)")
	public long seed = 1;

	@Range(min = 1, max = 10)
	@JsonPropertyDescription("Number of subsets (folds); scan i goes to subset i mod subsets")
	public int subsets = 10;

	@Range(min = 0, max = 20)
	@JsonPropertyDescription("Mean number of annotated nodules (3 mm or more) per scan (Poisson); LUNA16 has 1.3, more make a small benchmark trainable")
	public double nodulesPerScan = 3;

	@Range(min = 0, max = 20)
	@JsonPropertyDescription("Mean number of nodules under 3 mm per scan (annotations_excluded.csv, with their diameter)")
	public double smallNodulesPerScan = 1;

	@Range(min = 0, max = 20)
	@JsonPropertyDescription("Mean number of other findings per scan: scars and faint patches (annotations_excluded.csv, diameter -1)")
	public double otherFindingsPerScan = 1;

	@Range(min = 0, max = 1000)
	@JsonPropertyDescription("Mean number of false-positive candidates per scan in candidates_V2.csv")
	public double falsePositivesPerScan = 100;

	@Range(min = 0, max = 1)
	@JsonPropertyDescription("Fraction of annotated nodules with a stage-1 candidate")
	public double stage1Sensitivity = 0.98;

	@Range(min = 0, max = 1)
	@JsonPropertyDescription("Fraction of annotated nodules with a stage-2 candidate (at most the stage-1 fraction)")
	public double stage2Sensitivity = 0.95;

	@Range(min = 0, max = 1000)
	@JsonPropertyDescription("Mean number of false positives per scan in the stage-2 file (the detector's most nodule-like ones)")
	public double stage2FalsePositivesPerScan = 20;

	@Size(min = 2, max = 2)
	@Range(min = 0.3, max = 2)
	@JsonPropertyDescription("Range of the in-plane voxel size (mm), drawn per scan")
	public List<Double> inPlaneSpacing = new ArrayList<>(List.of(0.6, 0.9));

	@Size(min = 1, max = 20)
	@Range(min = 0.3, max = 5)
	@JsonPropertyDescription("Slice spacings (mm) to draw from, with sliceSpacingWeights")
	public List<Double> sliceSpacings = new ArrayList<>(List.of(0.7, 1.0, 1.25, 1.5, 2.0, 2.5));

	@Size(min = 1, max = 20)
	@Range(min = 0)
	@JsonPropertyDescription("Relative frequency of each slice spacing (LUNA16 has many 1.25 and 2.5 mm scans)")
	public List<Double> sliceSpacingWeights = new ArrayList<>(List.of(0.1, 0.15, 0.3, 0.1, 0.1, 0.25));

	@Size(min = 2, max = 2)
	@Range(min = 0, max = 200)
	@JsonPropertyDescription("Range of the image noise (standard deviation in HU), drawn per scan")
	public List<Double> noiseHu = new ArrayList<>(List.of(15.0, 40.0));

	@Override
	public void validate(ProblemSink problems) {
		if (stage2Sensitivity > stage1Sensitivity) {
			problems.add("stage2Sensitivity", "must not exceed stage1Sensitivity (" + stage1Sensitivity + ")");
		}
		if (sliceSpacings != null && sliceSpacingWeights != null && sliceSpacings.size() != sliceSpacingWeights.size()) {
			problems.add("sliceSpacingWeights", "needs one weight per slice spacing (" + sliceSpacings.size() + ")");
		}
		if (inPlaneSpacing != null && inPlaneSpacing.size() == 2 && inPlaneSpacing.get(0) > inPlaneSpacing.get(1)) {
			problems.add("inPlaneSpacing", "must be [min, max]");
		}
		if (noiseHu != null && noiseHu.size() == 2 && noiseHu.get(0) > noiseHu.get(1)) {
			problems.add("noiseHu", "must be [min, max]");
		}
	}
}
