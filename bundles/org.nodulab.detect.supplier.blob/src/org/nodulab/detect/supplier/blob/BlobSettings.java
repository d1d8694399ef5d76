package org.nodulab.detect.supplier.blob;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Settings of the multi-scale blob detector. */
@JsonPropertyOrder({ "spacing", "minDiameter", "maxDiameter", "maxCandidates", "minResponse", "roundnessWeight",
		"mergeDistance", "lungThresholdHu", "lungMargin", "clampHu" })
public class BlobSettings implements SelfValidating {

	@Range(min = 0.5, max = 3)
	@JsonPropertyDescription("Voxel size (mm) of the isotropic grid the scan is resampled to before filtering; finer finds smaller nodules and needs more memory and time")
	public double spacing = 1.0;

	@Range(min = 1, max = 50)
	@JsonPropertyDescription("Smallest nodule diameter (mm) searched for (LUNA16 annotates from 3 mm)")
	public double minDiameter = 3.0;

	@Range(min = 2, max = 100)
	@JsonPropertyDescription("Largest nodule diameter (mm) searched for (LUNA16's largest is 32 mm)")
	public double maxDiameter = 32.0;

	@Range(min = 1, max = 100000)
	@JsonPropertyDescription("Candidates kept per scan, the best first")
	public int maxCandidates = 100;

	@Range(min = 0, max = 10000)
	@JsonPropertyDescription("Smallest blob response (difference of Gaussians, HU) of a local maximum")
	public double minResponse = 8;

	@Range(min = 0, max = 4)
	@JsonPropertyDescription("Exponent of the roundness (weakest over strongest Hessian curvature) that multiplies the response: 0 ranks by contrast alone, larger values push vessels, which are round in one plane only, down the list")
	public double roundnessWeight = 2;

	@Range(min = 0, max = 50)
	@JsonPropertyDescription("Maxima closer than this (mm), or than the stronger one's estimated radius, are merged into the stronger")
	public double mergeDistance = 3;

	@Range(min = -1000, max = 0)
	@JsonPropertyDescription("Air threshold (HU) of the lung segmentation")
	public double lungThresholdHu = -400;

	@Range(min = 0, max = 50)
	@JsonPropertyDescription("The lung mask is grown by this (mm) so that nodules on the pleura are searched too")
	public double lungMargin = 5;

	@Range(min = -1024, max = 3071)
	@JsonPropertyDescription("HU above this are clipped before filtering, so that solid nodules, vessels and bone do not outshine faint ones: at -400 a ground-glass nodule (about -700 to -450 HU) keeps most of a solid one's contrast against the parenchyma (about -850)")
	public double clampHu = -400;

	@Override
	public void validate(ProblemSink problems) {
		if (maxDiameter <= minDiameter) {
			problems.add("maxDiameter", "must be above minDiameter (" + minDiameter + ")");
		}
	}
}
