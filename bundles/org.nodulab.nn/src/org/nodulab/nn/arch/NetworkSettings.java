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
		CENTRAL
	}

	@Size(min = 1, max = 3)
	@JsonPropertyDescription("Input branches, one patch each, merged before the classifier")
	public List<PatchInput> branches = new ArrayList<>(List.of(PatchInput.cube(32)));

	@JsonPropertyDescription("relu, or prelu (a learned slope per channel)")
	public ActivationKind activation = ActivationKind.RELU;

	@JsonPropertyDescription("How stages halve the feature maps: max, average or central pooling")
	public Downsampling downsampling = Downsampling.CENTRAL;

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
