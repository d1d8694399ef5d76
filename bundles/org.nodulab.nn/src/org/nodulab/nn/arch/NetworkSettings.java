package org.nodulab.nn.arch;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.Size;
import org.nodulab.nn.graph.Op;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What every architecture of the zoo shares: its input branches (one patch each, merged before the
 * classifier), the activation, how stages are down-sampled, the head and the classifier output.
 */
public abstract class NetworkSettings implements PatchSettings {

	/** Activation after convolutions and batch norms. */
	public enum ActivationKind {
		/** max(x, 0). */
		RELU,
		/** Per-channel learned slope for negative values (the notebook's "v3"). */
		PRELU
	}

	/** How a stage halves the feature maps. */
	public enum Downsampling {
		/** 2x2x2 max pooling. */
		MAX,
		/** 2x2x2 average pooling. */
		AVERAGE,
		/** Central pooling to half the size: narrow windows at the centre, wide at the border (the notebook's "v2"). */
		CENTRAL,
		/**
		 * A 3x3x3 convolution with stride 2 and batch norm (the notebook's v1/v2 ResNet: its first block of a stage
		 * is strided, with a strided 1x1x1 shortcut).
		 */
		STRIDED
	}

	/** The first layers of each branch. */
	public enum Stem {
		/** Two 3x3x3 convolutions (the notebook's "v2", networks_v2.py onwards). */
		V2,
		/** One 5x5x5 convolution (the notebook's "v1", networks.py: the baseline of I1-I3 and D1-D3). */
		V1
	}

	/** What each branch's last feature map becomes before the branches are joined. */
	public enum Head {
		/** Global average pooling (position-free). */
		GLOBAL_AVERAGE,
		/** Flattened, into the dense layer (keeps where features are, which the LUNA16 hit test rewards; D22). */
		FLATTEN
	}

	/** What the centre-crop structure joins to a down-sampled map. */
	public enum CentreCropFrom {
		/** The centre of the map before down-sampling (the notebook's centre-crop models, D39-D43). */
		MAP,
		/** The centre of the branch's input patch (D44's "centre crop on the input", v2). */
		INPUT
	}

	@Size(min = 1, max = 3)
	@JsonPropertyDescription("Input branches, one patch each, merged before the classifier")
	public List<PatchInput> branches = new ArrayList<>(List.of(PatchInput.cube(32)));

	@JsonPropertyDescription("relu, or prelu (a learned slope per channel)")
	public ActivationKind activation = ActivationKind.RELU;

	@JsonPropertyDescription("How stages halve the feature maps: max, average or central pooling, or strided convolution")
	public Downsampling downsampling = Downsampling.CENTRAL;

	@JsonPropertyDescription("v2: two 3x3x3 convolutions first; v1: one 5x5x5 convolution (the notebook's first networks)")
	public Stem stem = Stem.V2;

	@JsonPropertyDescription("global_average: each branch's last map pooled; flatten: flattened into the dense layer (D22)")
	public Head head = Head.GLOBAL_AVERAGE;

	@JsonPropertyDescription("With the centre-crop structure: join the centre of the map before down-sampling (map) or of the input patch (input, D44)")
	public CentreCropFrom centreCropFrom = CentreCropFrom.MAP;

	@Range(min = 0, max = 8192)
	@JsonPropertyDescription("Units of a dense layer between the pooled features and the classifier; 0: none (global average pooling straight into the classifier)")
	public int denseUnits = 0;

	@Range(min = 0, max = 1, maxExclusive = true)
	@JsonPropertyDescription("Dropout before the classifier (removing it cost the notebook 3 CPM points)")
	public double dropout = 0.5;

	@JsonPropertyDescription("sigmoid (one unit) or softmax (two units)")
	public Op.Classifier.Output output = Op.Classifier.Output.SIGMOID;

	protected NetworkSettings() {
	}

	protected NetworkSettings(PatchInput input) {
		branches = new ArrayList<>(List.of(input));
	}

	@Override
	public List<PatchInput> patches() {
		return branches;
	}

	@Override
	public void patches(List<PatchInput> patches) {
		branches = new ArrayList<>(patches);
	}

	@Override
	public Op.Classifier.Output classifierOutput() {
		return output;
	}

	@Override
	public void classifierOutput(Op.Classifier.Output output) {
		this.output = output;
	}
}
