package org.nodulab.nn.arch;

import java.util.List;

import org.nodulab.nn.graph.Op;

/**
 * What code outside an architecture may change in its settings without knowing the architecture: the
 * input patches (one branch each) and the classifier output. Experiments set these per architecture;
 * tools and tests that treat every installed architecture alike (a three-branch variant, another patch
 * size) go through this interface rather than through the architecture's settings class.
 */
public interface PatchSettings {

	/** The input branches, one patch each. */
	List<PatchInput> patches();

	/** Replaces the input branches. */
	void patches(List<PatchInput> branches);

	/** Sigmoid (one unit) or softmax (two units). */
	Op.Classifier.Output classifierOutput();

	void classifierOutput(Op.Classifier.Output output);
}
