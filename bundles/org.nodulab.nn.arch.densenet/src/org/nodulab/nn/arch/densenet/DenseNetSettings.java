package org.nodulab.nn.arch.densenet;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.Size;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.PatchInput;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Settings of the dense networks. Defaults: a 3D DenseNet-BC on a 32^3 patch: a stem of two 3x3x3
 * convolutions and a down-sampling to 16^3, three dense blocks of four layers (1x1x1 bottleneck of four times the growth rate,
 * then 3x3x3 with growth rate 16), transitions halving the channels (compression 0.5) and the maps
 * (average pooling, as DenseNet; central pooling is the notebook's "v2"), global average pooling.
 */
@JsonPropertyOrder({ "branches", "stemFilters", "stemDownsampling", "growthRate", "layersPerBlock", "bottleneck", "compression",
		"squeezeExcitation", "seReduction", "centreCrop", "activation", "downsampling", "denseUnits", "dropout", "output" })
public class DenseNetSettings extends NetworkSettings {

	/** Where squeeze-excitation recalibrates the features. */
	public enum SqueezeExcitation {
		/** None. */
		NONE,
		/** v1: on each dense block's output (the notebook's 85.1). */
		BLOCK,
		/** v2: on each layer's new features before they are concatenated (85.9). */
		LAYER
	}

	@Range(min = 1, max = 1024)
	@JsonPropertyDescription("Filters of the two 3x3x3 stem convolutions")
	public int stemFilters = 32;

	@JsonPropertyDescription("Halve the maps after the stem, before the first dense block (as DenseNet's initial pooling; full-size dense blocks cost four to eight times more)")
	public boolean stemDownsampling = true;

	@Range(min = 1, max = 256)
	@JsonPropertyDescription("Feature maps each dense layer adds")
	public int growthRate = 16;

	@Size(min = 1, max = 6)
	@Range(min = 1, max = 64)
	@JsonPropertyDescription("Layers of each dense block; transitions between blocks halve the maps")
	public List<Integer> layersPerBlock = new ArrayList<>(List.of(4, 4, 4));

	@JsonPropertyDescription("A 1x1x1 convolution of 4 x growth rate before each 3x3x3 one (DenseNet-B)")
	public boolean bottleneck = true;

	@Range(min = 0.1, max = 1)
	@JsonPropertyDescription("Fraction of channels a transition keeps (DenseNet-C: 0.5)")
	public double compression = 0.5;

	@JsonPropertyDescription("none, block (SE-DenseNet v1) or layer (v2)")
	public SqueezeExcitation squeezeExcitation = SqueezeExcitation.NONE;

	@Range(min = 1, max = 64)
	@JsonPropertyDescription("Channel reduction of the squeeze-excitation bottleneck")
	public int seReduction = 4;

	@JsonPropertyDescription("Join the centre of each map, cropped, to its down-sampled version in the transitions (centre-crop structure)")
	public boolean centreCrop = false;

	public DenseNetSettings() {
		downsampling = Downsampling.AVERAGE;
	}

	/** SE-DenseNet: squeeze-excitation on each block's output. */
	public static class SeDenseNet extends DenseNetSettings {
		public SeDenseNet() {
			squeezeExcitation = SqueezeExcitation.BLOCK;
		}
	}

	/** Centre-crop DenseNet on a single 40^3 patch (the notebook's 88.1). */
	public static class DenseNetCentreCrop extends DenseNetSettings {
		public DenseNetCentreCrop() {
			branches = new ArrayList<>(List.of(PatchInput.cube(40)));
			centreCrop = true;
		}
	}

	/**
	 * DenseBtNet (Liu et al., "Dense convolutional binary-tree networks for lung nodule classification", 2018):
	 * DenseNet-BC whose transitions branch in two, the pooled map and its cropped centre, joined; on a
	 * single 32^3 patch. The notebook trained it with its paper's recipe (D40: Adam beta_2 0.99, he_normal,
	 * L2 0.0008), which the training section sets.
	 */
	public static class DenseBtNet extends DenseNetSettings {
		public DenseBtNet() {
			branches = new ArrayList<>(List.of(PatchInput.cube(32)));
			bottleneck = true;
			compression = 0.5;
			centreCrop = true;
		}
	}
}
