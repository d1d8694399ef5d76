package org.nodulab.nn.arch.resnet;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.Size;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.PatchInput;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Settings of the residual networks. Defaults: the notebook's "v2" ResNet on a 32^3 patch: a stem of
 * two 3x3x3 convolutions instead of one 5x5x5, three stages of two basic residual blocks, central
 * pooling between stages, 1x1x1 convolutions where the channels change ("v3").
 */
@JsonPropertyOrder({ "branches", "stemFilters", "filters", "blocksPerStage", "block", "squeezeExcitation", "seReduction",
		"centreCrop", "activation", "downsampling", "denseUnits", "dropout", "output" })
public class ResNetSettings extends NetworkSettings {

	/** The residual block. */
	public enum Block {
		/** Two 3x3x3 conv-bn(-act) (the notebook's v1/v2 ResNet). */
		BASIC,
		/** 1x1x1 reduction to a quarter of the filters, 3x3x3, 1x1x1 expansion (v3's channel-adjusting convolutions). */
		BOTTLENECK
	}

	/** Where a residual block applies squeeze-excitation. */
	public enum SqueezeExcitation {
		/** None. */
		NONE,
		/** v1: on the block's output, after the residual addition (the notebook's 87.1). */
		AFTER_ADD,
		/** v2: on the residual branch, before the addition (84.2). */
		BEFORE_ADD
	}

	@Range(min = 1, max = 1024)
	@JsonPropertyDescription("Filters of the two 3x3x3 stem convolutions")
	public int stemFilters = 16;

	@Size(min = 1, max = 6)
	@Range(min = 1, max = 1024)
	@JsonPropertyDescription("Filters of each stage; stages after the first start by halving the maps")
	public List<Integer> filters = new ArrayList<>(List.of(16, 32, 64));

	@Range(min = 1, max = 16)
	@JsonPropertyDescription("Residual blocks (two 3x3x3 convolutions each) per stage")
	public int blocksPerStage = 2;

	@JsonPropertyDescription("basic (two 3x3x3 convolutions) or bottleneck (1x1x1 reduce, 3x3x3, 1x1x1 expand)")
	public Block block = Block.BASIC;

	@JsonPropertyDescription("none, after_add (SE-ResNet v1) or before_add (v2)")
	public SqueezeExcitation squeezeExcitation = SqueezeExcitation.NONE;

	@Range(min = 1, max = 64)
	@JsonPropertyDescription("Channel reduction of the squeeze-excitation bottleneck")
	public int seReduction = 4;

	@JsonPropertyDescription("Join the centre of each map, cropped, to its down-sampled version (centre-crop structure)")
	public boolean centreCrop = false;

	public ResNetSettings() {
	}

	/** SE-ResNet: squeeze-excitation after the addition. */
	public static class SeResNet extends ResNetSettings {
		public SeResNet() {
			squeezeExcitation = SqueezeExcitation.AFTER_ADD;
		}
	}

	/** Centre-crop SE-ResNet on a single 40^3 patch (the notebook's best single model, CPM 89.8). */
	public static class SeResNetCentreCrop extends SeResNet {
		public SeResNetCentreCrop() {
			branches = new ArrayList<>(List.of(PatchInput.cube(40)));
			centreCrop = true;
		}
	}
}
