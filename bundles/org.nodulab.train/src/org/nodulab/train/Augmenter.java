package org.nodulab.train;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.nodulab.augment.Augmentation;
import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.augment.PairedAugmentation;
import org.nodulab.augment.SpatialTransform;
import org.nodulab.core.experiment.AugmentationRef;
import org.nodulab.core.registry.ContributionException;

/**
 * The augmentations of an experiment, applied on the fly. Augmentations with a finite set of variants
 * and probability 1 span an enumerated space (translate x rotate90 = 108 variants, the last listed
 * varying fastest): a candidate's augmentation factor picks that many of its variants. The others
 * (continuous ones, and any with a probability below 1) are drawn for each sample. A paired
 * augmentation (random mask) combines samples in the batch source.
 */
public final class Augmenter {

	/** One augmentation of the experiment with its settings and probability. */
	public record Entry(String id, Augmentation<Object> augmentation, Object settings, double probability) {
	}

	private final List<Entry> enumerated;
	private final List<Entry> drawn;
	private final Entry paired;
	private final int variants;

	private Augmenter(List<Entry> enumerated, List<Entry> drawn, Entry paired) {
		this.enumerated = List.copyOf(enumerated);
		this.drawn = List.copyOf(drawn);
		this.paired = paired;
		long v = 1;
		for (Entry e : enumerated) {
			v *= e.augmentation().variants(e.settings());
		}
		if (v > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("too many augmentation variants: " + v);
		}
		this.variants = (int) v;
	}

	/** No augmentation. */
	public static Augmenter none() {
		return new Augmenter(List.of(), List.of(), null);
	}

	@SuppressWarnings("unchecked")
	public static Augmenter of(List<AugmentationRef> refs, AugmentationRegistry registry) throws ContributionException {
		List<Entry> enumerated = new ArrayList<>();
		List<Entry> drawn = new ArrayList<>();
		Entry paired = null;
		for (AugmentationRef ref : refs) {
			Augmentation<Object> a = registry.createInstance(ref.id);
			Object settings = ref.resolvedSettings();
			if (settings == null) {
				settings = registry.defaultSettings(registry.require(ref.id)).orElse(null);
			}
			Entry e = new Entry(ref.id, a, settings, ref.probability);
			if (a instanceof PairedAugmentation<?>) {
				if (paired != null) {
					throw new IllegalArgumentException("only one paired augmentation per experiment: " + paired.id() + " and " + ref.id);
				}
				paired = e;
			} else if (a.variants(settings) > 0 && ref.probability >= 1.0) {
				enumerated.add(e);
			} else {
				drawn.add(e);
			}
		}
		return new Augmenter(enumerated, drawn, paired);
	}

	/** Size of the enumerated space (1 when nothing is enumerated). */
	public int variants() {
		return variants;
	}

	/** The paired augmentation, or null. */
	public Entry paired() {
		return paired;
	}

	/**
	 * The transform of enumerated variant {@code variant} (taken modulo the space), followed by the
	 * drawn augmentations, in the order of the experiment file.
	 */
	public SpatialTransform transform(int variant, RandomGenerator random) {
		SpatialTransform t = SpatialTransform.identity();
		int v = Math.floorMod(variant, variants);
		int[] digits = new int[enumerated.size()];
		for (int i = enumerated.size() - 1; i >= 0; i--) {
			Entry e = enumerated.get(i);
			int n = e.augmentation().variants(e.settings());
			digits[i] = v % n;
			v /= n;
		}
		for (int i = 0; i < enumerated.size(); i++) {
			Entry e = enumerated.get(i);
			t = e.augmentation().variant(e.settings(), digits[i]).after(t);
		}
		for (Entry e : drawn) {
			if (e.probability() >= 1.0 || random.nextDouble() < e.probability()) {
				t = e.augmentation().draw(e.settings(), random).after(t);
			}
		}
		return t;
	}
}
