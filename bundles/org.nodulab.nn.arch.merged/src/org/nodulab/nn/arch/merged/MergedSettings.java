package org.nodulab.nn.arch.merged;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.experiment.ComposedSettings;
import org.nodulab.core.experiment.ContributionRef;
import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.PatchSettings;
import org.nodulab.nn.graph.Op;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Settings of a merged network: its members (architectures with their settings, as in an experiment's
 * {@code architectures}), the patches they all read, and the head that joins them. Defaults: the
 * notebook's D45, the centre-crop DenseNet and the centre-crop SE-ResNet on one 40^3 patch.
 */
@JsonPropertyOrder({ "members", "branches", "denseUnits", "activation", "dropout", "output" })
public class MergedSettings implements PatchSettings, ComposedSettings, SelfValidating {

	@Size(min = 2, max = 4)
	@JsonPropertyDescription("The networks to merge, each {id, settings} as in the experiment's 'architectures'; each keeps its layers up to where its classifier would start")
	public List<ContributionRef> members = new ArrayList<>(List.of(new ContributionRef("densenet-cc"), new ContributionRef("se-resnet-cc")));

	@Size(min = 1, max = 3)
	@JsonPropertyDescription("The input patches every member reads (a member's own 'branches', where given, must agree in size)")
	public List<PatchInput> branches = new ArrayList<>(List.of(PatchInput.cube(40)));

	@Range(min = 0, max = 8192)
	@JsonPropertyDescription("Units of a dense layer on the joined features before the classifier; 0: none")
	public int denseUnits = 0;

	@JsonPropertyDescription("Activation of that dense layer: relu or prelu")
	public NetworkSettings.ActivationKind activation = NetworkSettings.ActivationKind.RELU;

	@Range(min = 0, max = 1, maxExclusive = true)
	@JsonPropertyDescription("Dropout on the joined features (each member keeps its own dropout)")
	public double dropout = 0;

	@JsonPropertyDescription("sigmoid (one unit) or softmax (two units)")
	public Op.Classifier.Output output = Op.Classifier.Output.SIGMOID;

	@Override
	public String memberKind() {
		return "architectures";
	}

	@Override
	public String membersKey() {
		return "members";
	}

	@Override
	public List<ContributionRef> members() {
		return members;
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

	/**
	 * A member's own {@code branches} (its settings copied from a single network's experiment, say) must
	 * name the merged network's patch sizes: the members share their inputs, so two networks trained on
	 * other patch sizes cannot be merged without saying which patch they both read.
	 */
	@Override
	public void validate(ProblemSink problems) {
		if (members == null || branches == null) {
			return;
		}
		for (int k = 0; k < members.size(); k++) {
			ContributionRef member = members.get(k);
			if (member == null || member.settings == null || !member.settings.has("branches")) {
				continue;
			}
			JsonNode own = member.settings.get("branches");
			String path = "members[" + k + "].settings.branches";
			if (!own.isArray()) {
				continue; // the member's own validation reports it
			}
			if (own.size() != branches.size()) {
				problems.add(path, String.format("member %d ('%s') has %d input branch(es), the merged network %d: merged members read the same patches; "
						+ "set them once in the merged network's 'branches'", k, member.id, own.size(), branches.size()));
				continue;
			}
			for (int j = 0; j < own.size(); j++) {
				JsonNode size = own.get(j).path("size");
				List<Integer> mine = branches.get(j).size;
				if (!size.isArray() || mine == null) {
					continue;
				}
				List<Integer> theirs = new ArrayList<>();
				size.forEach(v -> theirs.add(v.asInt()));
				if (!theirs.equals(mine)) {
					problems.add(path + "[" + j + "].size", String.format(
							"member %d ('%s') reads a %s patch in branch %d, the merged network %s: merged members read the same patches, so their input sizes must agree; "
									+ "set them once in the merged network's 'branches'",
							k, member.id, dims(theirs), j, dims(mine)));
				}
			}
		}
	}

	private static String dims(List<Integer> size) {
		return String.join("x", size.stream().map(String::valueOf).toList());
	}
}
