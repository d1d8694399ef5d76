package org.nodulab.nn.arch;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.Size;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One input branch of a network: the patch it reads, in voxels. */
public class PatchInput {

	@Size(min = 3, max = 3)
	@Range(min = 4, max = 128)
	@JsonPropertyDescription("Patch size in voxels: depth (z), height (y), width (x)")
	public List<Integer> size = new ArrayList<>(List.of(32, 32, 32));

	public PatchInput() {
	}

	public PatchInput(int depth, int height, int width) {
		size = new ArrayList<>(List.of(depth, height, width));
	}

	/** A cube of {@code n} voxels per side. */
	public static PatchInput cube(int n) {
		return new PatchInput(n, n, n);
	}
}
