package org.nodulab.augment.mask;

import java.util.List;
import java.util.random.RandomGenerator;

import org.nodulab.augment.PairedAugmentation;

/**
 * The seed's random mask: a positive's nodule sphere is covered with a negative's voxels and the
 * result labelled negative; the reverse pastes the positive's nodule into a negative, labelled
 * positive. The model must look at the nodule, not its surroundings.
 */
public class RandomMask implements PairedAugmentation<RandomMaskSettings> {

	@Override
	public float mix(RandomMaskSettings settings, List<float[]> sample, float label, List<float[]> partner,
			List<boolean[]> noduleMask, RandomGenerator random) {
		if (sample.size() != partner.size() || sample.size() != noduleMask.size()) {
			throw new IllegalArgumentException("sample, partner and mask need one array per input");
		}
		for (int i = 0; i < sample.size(); i++) {
			float[] s = sample.get(i);
			float[] p = partner.get(i);
			boolean[] m = noduleMask.get(i);
			if (s.length != p.length || s.length != m.length) {
				throw new IllegalArgumentException("input " + i + ": sample, partner and mask differ in size");
			}
			for (int v = 0; v < s.length; v++) {
				if (m[v]) {
					s[v] = p[v];
				}
			}
		}
		return label >= 0.5f ? 0f : 1f;
	}

	@Override
	public double radiusScale(RandomMaskSettings settings) {
		return settings.radiusScale;
	}

	@Override
	public double radiusMargin(RandomMaskSettings settings) {
		return settings.radiusMargin;
	}

	@Override
	public boolean alongside(RandomMaskSettings settings) {
		return settings.pairing == RandomMaskSettings.Pairing.ALONGSIDE;
	}
}
