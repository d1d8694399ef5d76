package org.nodulab.nn.arch.vgg;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.PatchSettings;
import org.nodulab.nn.graph.Op;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Settings of the VGG architecture. Defaults: the notebook's single-branch isotropic 32^3 VGG. */
@JsonPropertyOrder({ "branches", "filters", "kernel", "convsPerStage", "batchNorm", "activation", "poolings", "dilatedStages",
		"squeezeExcitation", "head", "denseUnits", "dropout", "output" })
public class VggSettings implements SelfValidating, PatchSettings {

	public enum Head {
		/** Global average pooling of each branch's last stage. */
		GLOBAL_AVERAGE,
		/** Flatten each branch's last stage (keeps where features are, which the LUNA16 hit test rewards). */
		FLATTEN
	}

	@Size(min = 1, max = 3)
	@JsonPropertyDescription("Input branches, one patch each, merged before the classifier")
	public List<PatchInput> branches = new ArrayList<>(List.of(new PatchInput()));

	@Size(min = 1, max = 6)
	@Range(min = 1, max = 1024)
	@JsonPropertyDescription("Filters of the 3x3x3 convolutions in each stage")
	public List<Integer> filters = new ArrayList<>(List.of(16, 32, 64));

	@Range(min = 1, max = 7)
	@JsonPropertyDescription("Kernel size of the convolutions (odd; 3 from networks_v2 on, the first VGG had larger ones)")
	public int kernel = 3;

	@Range(min = 1, max = 4)
	@JsonPropertyDescription("Convolutions per stage")
	public int convsPerStage = 2;

	@JsonPropertyDescription("Batch norm after each convolution (the notebook's VGG had it; D24)")
	public boolean batchNorm = false;

	@JsonPropertyDescription("relu, or prelu (a learned slope per channel), after every convolution and the dense layer")
	public org.nodulab.nn.arch.NetworkSettings.ActivationKind activation = org.nodulab.nn.arch.NetworkSettings.ActivationKind.RELU;

	@Range(min = 0, max = 6)
	@JsonPropertyDescription("Number of stages followed by 2x2x2 max pooling (the notebook compared one and two)")
	public int poolings = 1;

	@Range(min = 0, max = 6)
	@JsonPropertyDescription("Number of final stages whose convolutions are dilated by 2 (a wider view without pooling)")
	public int dilatedStages = 0;

	@JsonPropertyDescription("Squeeze-excitation (reduction 4) at the end of every stage")
	public boolean squeezeExcitation = false;

	@JsonPropertyDescription("global_average or flatten before the dense layer")
	public Head head = Head.GLOBAL_AVERAGE;

	@Range(min = 1, max = 8192)
	@JsonPropertyDescription("Units of the dense layer before the classifier")
	public int denseUnits = 128;

	@Range(min = 0, max = 1, maxExclusive = true)
	@JsonPropertyDescription("Dropout rate before the classifier (removing it cost the notebook 3 CPM points)")
	public double dropout = 0.5;

	@JsonPropertyDescription("sigmoid (one unit) or softmax (two units)")
	public Op.Classifier.Output output = Op.Classifier.Output.SIGMOID;

	@Override
	public void validate(ProblemSink problems) {
		if (kernel % 2 == 0) {
			problems.add("kernel", "must be odd (the map keeps its size), got " + kernel);
		}
		if (filters != null && poolings > filters.size()) {
			problems.add("poolings", "at most one pooling per stage: " + filters.size() + " stage(s), got " + poolings);
		}
		if (filters != null && dilatedStages > filters.size()) {
			problems.add("dilatedStages", "at most the number of stages (" + filters.size() + "), got " + dilatedStages);
		}
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
