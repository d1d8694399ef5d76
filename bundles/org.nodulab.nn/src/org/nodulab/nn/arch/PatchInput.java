package org.nodulab.nn.arch;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One input branch of a network: the patch it reads, in voxels; optionally the field of view that patch
 * covers (resampled to its size) and several scales stacked as channels.
 */
public class PatchInput implements SelfValidating {

	@Size(min = 3, max = 3)
	@Range(min = 4, max = 128)
	@JsonPropertyDescription("Patch size in voxels: depth (z), height (y), width (x)")
	public List<Integer> size = new ArrayList<>(List.of(32, 32, 32));

	@Size(min = 0, max = 3)
	@Range(min = 1, max = 512)
	@JsonPropertyDescription("Field of view in mm (z, y, x) the patch covers, resampled to 'size' voxels (the notebook's D9: [24, 24, 24] on 40 voxels); empty: size x the preprocessing spacing")
	public List<Double> fieldOfView = new ArrayList<>();

	@Size(min = 1, max = 8)
	@Range(min = 0.125, max = 8)
	@JsonPropertyDescription("One channel per factor: the patch with its field of view scaled by the factor, resampled to 'size' (the notebook's I7: [2, 1.5, 1] on 20 voxels stacks 40, 30 and 20 voxels resized to 20)")
	public List<Double> scales = new ArrayList<>(List.of(1.0));

	public PatchInput() {
	}

	public PatchInput(int depth, int height, int width) {
		size = new ArrayList<>(List.of(depth, height, width));
	}

	/** A cube of {@code n} voxels per side. */
	public static PatchInput cube(int n) {
		return new PatchInput(n, n, n);
	}

	/** Channels of the input: one per scale. */
	@JsonIgnore
	public int channels() {
		return scales.size();
	}

	/** Whether this is one channel at the preprocessing spacing. */
	@JsonIgnore
	public boolean isPlain() {
		return fieldOfView.isEmpty() && scales.size() == 1 && scales.get(0) == 1.0;
	}

	@Override
	public void validate(ProblemSink problems) {
		if (fieldOfView != null && !fieldOfView.isEmpty() && fieldOfView.size() != 3) {
			problems.add("fieldOfView", "needs three sizes in mm (z, y, x), or none, has " + fieldOfView.size());
		}
	}
}
