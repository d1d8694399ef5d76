package org.nodulab.nn.arch.inception;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.Size;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.PatchInput;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Settings of the Inception-ResNet. Defaults: the "v2" stem of two 3x3x3 convolutions on a 32^3
 * patch, three stages of two Inception-ResNet blocks, reductions by central pooling followed by a
 * 1x1x1 channel-adjusting convolution ("v3").
 */
@JsonPropertyOrder({ "branches", "stemFilters", "filters", "blocksPerStage", "branchFilters", "centreCrop",
		"activation", "downsampling", "denseUnits", "dropout", "output" })
public class InceptionResNetSettings extends NetworkSettings {

	@Range(min = 1, max = 1024)
	@JsonPropertyDescription("Filters of the two 3x3x3 stem convolutions")
	public int stemFilters = 24;

	@Size(min = 1, max = 6)
	@Range(min = 1, max = 1024)
	@JsonPropertyDescription("Channels of each stage; stages after the first start with a reduction")
	public List<Integer> filters = new ArrayList<>(List.of(32, 48, 64));

	@Range(min = 1, max = 16)
	@JsonPropertyDescription("Inception-ResNet blocks per stage")
	public int blocksPerStage = 2;

	@Range(min = 1, max = 512)
	@JsonPropertyDescription("Filters of each of the three inception branches (1x1x1; 1x1x1-3x3x3; 1x1x1-3x3x3-3x3x3)")
	public int branchFilters = 8;

	@JsonPropertyDescription("Join the centre of each map, cropped, to its down-sampled version in the reductions (centre-crop structure)")
	public boolean centreCrop = false;

	public InceptionResNetSettings() {
	}

	/** Centre-crop Inception-ResNet on a single 40^3 patch (the notebook's 87.7). */
	public static class CentreCrop extends InceptionResNetSettings {
		public CentreCrop() {
			branches = new ArrayList<>(List.of(PatchInput.cube(40)));
			centreCrop = true;
		}
	}
}
