package org.nodulab.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.nodulab.augment.PairedAugmentation;
import org.nodulab.augment.SpatialTransform;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.nn.Batch;
import org.nodulab.preprocess.PatchLayout;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.preprocess.Preprocessing;

/**
 * Turns plan entries into batches: each sample is interpolated once per network input from the
 * memory-mapped scan with its augmentation transform, windowed and mean-subtracted; a paired
 * augmentation (random mask) then mixes it with a partner of the other class. Every random choice of a
 * sample comes from a generator seeded by (run seed, epoch, position in the epoch), so a batch is the
 * same whichever thread builds it and whenever.
 */
public final class BatchSource {

	private final CandidateSet candidates;
	private final ScanVolumes volumes;
	private final Preprocessing preprocessing;
	private final List<PatchLayout> layouts;
	private final Augmenter augmenter;
	private final long seed;
	private final int[] positives;
	private final int[] negatives;

	public BatchSource(CandidateSet candidates, ScanVolumes volumes, Preprocessing preprocessing, List<int[]> sizes,
			Augmenter augmenter, long seed) {
		this(candidates, volumes, preprocessing, augmenter, seed, PatchLayout.plain(sizes));
	}

	/** Inputs sampled as their layouts say (a field of view, several scales as channels). */
	public BatchSource(CandidateSet candidates, ScanVolumes volumes, Preprocessing preprocessing, Augmenter augmenter,
			long seed, List<PatchLayout> layouts) {
		this.candidates = candidates;
		this.volumes = volumes;
		this.preprocessing = preprocessing;
		this.layouts = List.copyOf(layouts);
		this.augmenter = augmenter;
		this.seed = seed;
		this.positives = candidates.withLabel(1);
		this.negatives = candidates.withLabel(0);
	}

	public CandidateSet candidates() {
		return candidates;
	}

	/**
	 * The training batch of entries {@code plan[from .. from + count)} of an epoch.
	 *
	 * @param epoch seeds the samples' random choices together with their position
	 */
	public Batch trainingBatch(long[] plan, int epoch, int from, int count) throws IOException {
		List<float[]> inputs = allocate(count);
		float[] labels = new float[count];
		Augmenter.Entry paired = augmenter.paired();
		boolean alongside = paired != null && alongside(paired);
		int previous = -1;
		SpatialTransform previousTransform = null;
		for (int i = 0; i < count; i++) {
			int position = from + i;
			SplittableRandom random = new SplittableRandom(Seeds.mix(seed, 0xBA7C, epoch, position));
			if (alongside && i % 2 == 1 && random.nextDouble() < paired.probability()) {
				// the masked copy of the sample in the slot before, beside it in the batch (D29)
				for (int k = 0; k < layouts.size(); k++) {
					int n = layouts.get(k).values();
					System.arraycopy(inputs.get(k), (i - 1) * n, inputs.get(k), i * n, n);
				}
				labels[i] = mix(paired, previous, previousTransform, inputs, i, labels[i - 1], random);
				continue;
			}
			int c = SamplePlan.candidate(plan[position]);
			SpatialTransform t = augmenter.transform(SamplePlan.variant(plan[position]), random);
			sample(c, t, inputs, i);
			labels[i] = candidates.label(c);
			if (paired != null && !alongside && random.nextDouble() < paired.probability()) {
				labels[i] = mix(paired, c, t, inputs, i, labels[i], random);
			}
			previous = c;
			previousTransform = t;
		}
		return new Batch(count, inputs, labels);
	}

	/** A prediction batch: candidates {@code indices}, all with the same transform. */
	public Batch predictionBatch(int[] indices, int from, int count, SpatialTransform transform) throws IOException {
		List<float[]> inputs = allocate(count);
		for (int i = 0; i < count; i++) {
			sample(indices[from + i], transform, inputs, i);
		}
		return new Batch(count, inputs, null);
	}

	private List<float[]> allocate(int count) {
		List<float[]> inputs = new ArrayList<>(layouts.size());
		for (PatchLayout l : layouts) {
			inputs.add(new float[l.values() * count]);
		}
		return inputs;
	}

	private void sample(int candidate, SpatialTransform t, List<float[]> inputs, int slot) throws IOException {
		PatchSampler sampler = volumes.sampler(candidates.uid(candidate));
		PatchSpec[][] specs = preprocessing.specs(sampler.geometry(), layouts);
		double[] centre = candidates.position(candidate);
		for (int k = 0; k < specs.length; k++) {
			int n = layouts.get(k).voxels();
			for (int c = 0; c < specs[k].length; c++) {
				sampler.sample(centre, specs[k][c], t, preprocessing.normalizer(), inputs.get(k), (slot * specs[k].length + c) * n);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private float mix(Augmenter.Entry paired, int candidate, SpatialTransform t, List<float[]> inputs, int slot, float label,
			SplittableRandom random) throws IOException {
		boolean positive = label >= 0.5f;
		int[] others = positive ? negatives : positives;
		if (others.length == 0) {
			return label;
		}
		int partner = others[random.nextInt(others.length)];
		SpatialTransform pt = augmenter.transform(random.nextInt(Math.max(1, augmenter.variants())), random);
		// the sphere is the positive's nodule, at its own sampling positions
		int nodule = positive ? candidate : partner;
		SpatialTransform noduleTransform = positive ? t : pt;
		double diameter = candidates.noduleDiameter(nodule);
		if (Double.isNaN(diameter)) {
			return label; // a positive without an annotation: no sphere to paste
		}
		PairedAugmentation<Object> augmentation = (PairedAugmentation<Object>) paired.augmentation();
		double radius = augmentation.radiusScale(paired.settings()) * diameter / 2;
		double margin = augmentation.radiusMargin(paired.settings());
		List<float[]> mine = new ArrayList<>();
		List<float[]> theirs = new ArrayList<>();
		List<boolean[]> masks = new ArrayList<>();
		List<float[]> partnerInputs = allocate(1);
		sample(partner, pt, partnerInputs, 0);
		PatchSampler sampler = volumes.sampler(candidates.uid(nodule));
		PatchSpec[][] specs = preprocessing.specs(sampler.geometry(), layouts);
		for (int k = 0; k < specs.length; k++) {
			int n = layouts.get(k).values();
			float[] own = new float[n];
			System.arraycopy(inputs.get(k), slot * n, own, 0, n);
			mine.add(own);
			theirs.add(partnerInputs.get(k));
			boolean[] mask = new boolean[n];
			for (int c = 0; c < specs[k].length; c++) {
				PatchSpec spec = specs[k][c];
				double voxel = (spec.spacingX() + spec.spacingY() + spec.spacingZ()) / 3; // a margin in voxels, in mm
				boolean[] channel = sphereMask(spec, candidates.position(nodule), noduleTransform, candidates.noduleCentre(nodule),
						radius + margin * voxel);
				System.arraycopy(channel, 0, mask, c * spec.voxels(), spec.voxels());
			}
			masks.add(mask);
		}
		float newLabel = augmentation.mix(paired.settings(), mine, label, theirs, masks, random);
		for (int k = 0; k < specs.length; k++) {
			int n = layouts.get(k).values();
			System.arraycopy(mine.get(k), 0, inputs.get(k), slot * n, n);
		}
		return newLabel;
	}

	@SuppressWarnings("unchecked")
	private static boolean alongside(Augmenter.Entry paired) {
		return ((PairedAugmentation<Object>) paired.augmentation()).alongside(paired.settings());
	}

	/**
	 * Which voxels of a patch sampled at {@code centre} with transform {@code t} (the sampler's geometry:
	 * world = centre + t(offset), offsets centred on the patch) lie within {@code radius} of {@code nodule}.
	 */
	static boolean[] sphereMask(PatchSpec spec, double[] centre, SpatialTransform t, double[] nodule, double radius) {
		boolean[] mask = new boolean[spec.voxels()];
		double hx = (spec.width() - 1) / 2.0;
		double hy = (spec.height() - 1) / 2.0;
		double hz = (spec.depth() - 1) / 2.0;
		double r2 = radius * radius;
		int v = 0;
		double[] offset = new double[3];
		for (int k = 0; k < spec.depth(); k++) {
			offset[2] = (k - hz) * spec.spacingZ();
			for (int j = 0; j < spec.height(); j++) {
				offset[1] = (j - hy) * spec.spacingY();
				for (int i = 0; i < spec.width(); i++, v++) {
					offset[0] = (i - hx) * spec.spacingX();
					double[] w = t.apply(offset);
					double dx = centre[0] + w[0] - nodule[0];
					double dy = centre[1] + w[1] - nodule[1];
					double dz = centre[2] + w[2] - nodule[2];
					mask[v] = dx * dx + dy * dy + dz * dz <= r2;
				}
			}
		}
		return mask;
	}
}
